"""The content-print candidate lookup on both databases: PostgreSQL runs it as one statement
with the keys as an array, SQLite as one UNION branch per key; both must rank alike."""

import random

import pytest
from dramatiq.brokers.stub import StubBroker

from invoicepipe.adapters.db import content_prints
from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from invoicepipe.domain.fingerprints import ContentPrint, band_keys
from invoicepipe.domain.models import Status

pytestmark = pytest.mark.integration


@pytest.fixture
def app(database_url, tmp_path):
    settings = Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=database_url)
    application = bootstrap(settings, broker=StubBroker(), log_level="WARNING")
    yield application
    application.close()


def _print(tokens) -> ContentPrint:
    return ContentPrint(tuple(tokens), frozenset(), frozenset(), (), 100)


def _store(tx, name: str, content: ContentPrint) -> int:
    doc = tx.documents.add(sha256=name.rjust(64, "0"), filename=name, channel="email", media_type="application/pdf",
                           size_bytes=1, status=Status.EXPORTED)
    tx.content_prints.save_content_print(doc, content)
    return doc


def test_the_original_outranks_template_sharers_past_the_cap(app, monkeypatch):
    monkeypatch.setattr(content_prints, "PER_KEY", 12)
    template = [10_000 + i for i in range(64)]
    own = [90_000 + i for i in range(64)]
    with app.uow.begin() as tx:
        first = _store(tx, "a", _print(template[:40] + own[40:]))
        for n in range(30):  # the vendor's later invoices: same template, other content
            _store(tx, f"b{n}", _print(template[:40] + [n * 1000 + i for i in range(24)]))
        copy = _print(template[:40] + own[40:56] + [7, 7, 7, 7, 8, 8, 8, 8])
        found = tx.content_prints.content_candidates(10 ** 9, copy, limit=5)
    assert found[0]["document_id"] == first
    assert found[0]["shared_bands"] == 4  # its own bands the copy kept; its template keys are past the cap
    assert len(found) == 5


def _random_print(rng: random.Random) -> ContentPrint:
    """Each band one of three value blocks, the page hash one of four: many shared keys."""
    blocks = [[[band * 100 + choice * 10 + row for row in range(4)] for choice in range(3)] for band in range(16)]
    minhash = [value for band in range(16) for value in rng.choice(blocks[band])]
    return ContentPrint(tuple(minhash), frozenset(), frozenset(), (rng.choice([0, 1 << 20, 1 << 40, 3 << 50]),), 100)


def test_the_array_statement_ranks_as_the_union_of_one_branch_per_key(app, monkeypatch):
    """Random prints sharing many keys, most past the cap: every candidate, its shared count
    and its rank agree; so do they for a key list naming one key twice."""
    monkeypatch.setattr(content_prints, "PER_KEY", 7)
    rng = random.Random(14)
    with app.uow.begin() as tx:
        for n in range(60):
            _store(tx, f"d{n}", _random_print(rng))
    probes = [[key for _, key in band_keys(_random_print(rng))] for _ in range(10)]
    probes.append(probes[0] + probes[0][:3])
    with app.uow.begin() as tx:
        for keys in probes:
            params = {f"k{i}": key for i, key in enumerate(keys)}
            union = tx.conn.execute(content_prints._sharing_query(len(keys)),
                                    {**params, "doc_id": 3, "per_key": 7, "limit": 25}).all()
            found = content_prints._sharing(tx.conn, 3, keys, 25)
            assert len(found) > 10  # enough to rank: the cap leaves some documents unread
            assert [tuple(r) for r in found] == [tuple(r) for r in union]


def test_a_print_s_band_keys_are_stored_as_band_keys_gives_them_and_replaced_on_a_new_parse(app):
    """PostgreSQL writes the keys as two arrays in one statement, SQLite as an executemany:
    both store exactly ``band_keys``, with a page hash's keys too, and a second print of the
    same document leaves only its own."""
    from sqlalchemy import select

    from invoicepipe.adapters.db import tables as t

    first = ContentPrint(tuple(range(64)), frozenset(), frozenset(), (0x0123456789ABCDEF,), 100)
    second = ContentPrint(tuple(range(1000, 1064)), frozenset(), frozenset(), (), 100)
    stored = select(t.content_print_bands.c.band, t.content_print_bands.c.band_key)
    with app.uow.begin() as tx:
        doc = _store(tx, "bands", first)
        assert set(tx.conn.execute(stored.where(t.content_print_bands.c.document_id == doc)).all()) == set(band_keys(first))
        assert any(band.startswith("page1:") for band, _ in band_keys(first))
        tx.content_prints.save_content_print(doc, second)
        assert set(tx.conn.execute(stored.where(t.content_print_bands.c.document_id == doc)).all()) == set(band_keys(second))


def test_a_print_held_at_its_stamp_is_not_sent_again_and_a_replaced_one_is(app):
    """The unit of work keeps the prints its lookups parsed, by document and stored stamp: a
    second lookup gets them without their JSON; a re-parse's print (a new stamp) is read anew."""
    shared = [500 + i for i in range(64)]
    with app.uow.begin() as tx:
        stored = [_store(tx, f"c{n}", _print(shared[:40] + [n * 100 + i for i in range(24)])) for n in range(3)]
    probe = _print(shared)
    with app.uow.begin() as tx:
        first = tx.content_prints.content_candidates(10 ** 9, probe)
    assert sorted(c["document_id"] for c in first) == sorted(stored)
    assert sorted(app.uow.prints.held(stored)) == sorted(stored)
    with app.uow.begin() as tx:
        rows = tx.conn.execute(content_prints._DETAILS[tx.conn.dialect.name == "postgresql"], {
            "ids": stored, "known": [f"{i}|{stamp}" for i, (stamp, _) in app.uow.prints.held(stored).items()]}).all()
    assert [r.print for r in rows] == [None, None, None]  # held at the stored stamp: not sent
    with app.uow.begin() as tx:
        again = tx.content_prints.content_candidates(10 ** 9, probe)
    assert [(c["document_id"], c["print"]) for c in again] == [(c["document_id"], c["print"]) for c in first]

    replaced = _print(shared[:40] + [7] * 24)
    with app.uow.begin() as tx:  # a re-parse of the first document
        tx.content_prints.save_content_print(stored[0], replaced)
    with app.uow.begin() as tx:
        after = {c["document_id"]: c["print"] for c in tx.content_prints.content_candidates(10 ** 9, probe)}
    assert after[stored[0]] == replaced
    assert app.uow.prints.held([stored[0]])[stored[0]][1] == replaced
