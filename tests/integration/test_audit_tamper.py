"""Tampering with the audit log on real PostgreSQL, as the application's role and as the owner.

The application logs in as a role made by ``invoicepipe db grant-app-role``: what someone
holding the application's login would try (TRUNCATE, DELETE, UPDATE, rewinding the heads)
is refused by the database. The owner can do anything to the tables; what it does is
then found by ``invoicepipe audit verify`` (exit 5) with the key and the checkpoint file,
which are not in the database.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from invoicepipe.adapters.db.audit import AuditEvent
from invoicepipe.cli import EXIT_AUDIT, EXIT_OK, main
from invoicepipe.domain.audit import GENESIS_HASH, keyed_event_hash

pytestmark = pytest.mark.integration

OWNER_DROPS_GUARDS = """
DROP TRIGGER IF EXISTS audit_events_no_update ON audit_events;
DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events;
DROP TRIGGER IF EXISTS audit_heads_forward_only ON audit_heads;
DROP TRIGGER IF EXISTS audit_heads_no_truncate ON audit_heads;
"""


@pytest.fixture
def deployment(postgres_url, app_role, tmp_path, monkeypatch, capsys):
    """Owner migrates and grants; then the commands run as the application role."""
    monkeypatch.setenv("INVOICEPIPE_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("INVOICEPIPE_INBOX", str(tmp_path / "inbox"))
    monkeypatch.delenv("INVOICEPIPE_REDIS_URL", raising=False)
    monkeypatch.setenv("INVOICEPIPE_AUDIT_KEY", "the-real-key-" + "x" * 40)
    monkeypatch.setenv("INVOICEPIPE_DATABASE_URL", postgres_url)
    assert main(["db", "upgrade"]) == EXIT_OK
    assert main(["db", "grant-app-role", app_role]) == EXIT_OK
    app_url = postgres_url.replace("postgres@", f"{app_role}@", 1)
    monkeypatch.setenv("INVOICEPIPE_DATABASE_URL", app_url)
    capsys.readouterr()
    return {"owner_url": postgres_url, "app_url": app_url, "var": tmp_path / "var"}


def append_events(n: int, documents: int = 40) -> None:
    from invoicepipe.cli_common import make_app

    app = make_app()
    try:
        for i in range(n):
            with app.uow.begin() as tx:
                tx.audit.append(AuditEvent(step="route", actor="worker:test", outcome="auto", document_id=1 + i % documents,
                                           from_status="extracted", to_status="reconciling", inputs={"i": i}))
    finally:
        app.close()


def verify(capsys) -> tuple[int, set[str], dict]:
    capsys.readouterr()  # whatever earlier commands printed
    code = main(["audit", "verify", "--json"])
    result = json.loads(capsys.readouterr().out)
    return code, {p["kind"] for p in result["problems"]}, result


def run_sql(url: str, sql: str, **params) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            for statement in (s for s in sql.split(";") if s.strip()):
                conn.execute(text(statement), params)
    finally:
        engine.dispose()


def fullest_partition(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        p = conn.execute(text("SELECT chain_partition FROM audit_events WHERE chain_partition > 0 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")).scalar_one()
    engine.dispose()
    return p


@pytest.fixture
def sealed(deployment, capsys):
    """80 events over 16 partitions, sealed by a checkpoint, verified intact."""
    append_events(80)
    assert main(["audit", "checkpoint"]) == EXIT_OK
    code, kinds, result = verify(capsys)
    assert (code, kinds, result["events"]) == (EXIT_OK, set(), 80)
    return deployment


# -- as the application's role: refused by the database ------------------------------------

@pytest.mark.parametrize("statement", [
    "TRUNCATE audit_events",
    "TRUNCATE audit_heads",
    "TRUNCATE audit_checkpoints",
    "DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)",
    "UPDATE audit_events SET outcome = 'approved'",
    "UPDATE audit_heads SET chain_position = 0, hash = repeat('0', 64)",  # resetting the heads after a truncation
    "UPDATE audit_heads SET chain_partition = 99 WHERE chain_partition = 1",
    "DELETE FROM audit_heads",
    "INSERT INTO audit_heads (chain_partition, chain_position, hash) VALUES (99, 0, repeat('0', 64))",
    "UPDATE audit_checkpoints SET sig = repeat('0', 64)",
    "DELETE FROM audit_checkpoints",
    "DROP TRIGGER audit_events_no_update ON audit_events",
    "ALTER TABLE audit_events DISABLE TRIGGER ALL",
    "ALTER TABLE audit_heads DISABLE TRIGGER ALL",
    "DROP TABLE audit_events",
])
def test_the_application_role_cannot_remove_or_rewrite_audit_rows(sealed, capsys, statement):
    with pytest.raises(DBAPIError, match="permission denied|must be owner|only moves forward|append-only"):
        run_sql(sealed["app_url"], statement)
    code, kinds, _ = verify(capsys)
    assert (code, kinds) == (EXIT_OK, set())


def test_a_row_forged_by_the_application_role_is_detected(sealed, capsys):
    # It may INSERT and move a head forward, but cannot make a hash that holds without the key.
    p = fullest_partition(sealed["app_url"])
    forged = """
    INSERT INTO audit_events (seq, document_id, step, actor, outcome, reasons, inputs, created_at, prev_hash, hash, chain_partition, chain_position)
    SELECT nextval('audit_events_seq'), 7, 'review_approve', 'user:mallory', 'approved', '[]', '{}', '2026-12-01T00:00:00+00:00',
           h.hash, repeat('a', 64), h.chain_partition, h.chain_position + 1 FROM audit_heads h WHERE h.chain_partition = :p;
    UPDATE audit_heads SET chain_position = chain_position + 1, hash = repeat('a', 64) WHERE chain_partition = :p
    """
    run_sql(sealed["app_url"], forged, p=p)
    code, kinds, _ = verify(capsys)
    assert code == EXIT_AUDIT and kinds == {"edited"}


# -- as the owner: possible, and detected by `audit verify` ---------------------------------

def test_truncation_with_reset_heads_is_detected(sealed, capsys):
    run_sql(sealed["owner_url"], OWNER_DROPS_GUARDS + "TRUNCATE audit_events; UPDATE audit_heads SET chain_position = 0, hash = repeat('0', 64)")
    code, kinds, result = verify(capsys)
    assert code == EXIT_AUDIT and kinds == {"truncated"}
    assert result["events"] == 0


def test_tail_deletion_with_a_rewritten_head_is_detected(sealed, capsys):
    p = fullest_partition(sealed["owner_url"])
    run_sql(sealed["owner_url"], OWNER_DROPS_GUARDS + """
        DELETE FROM audit_events WHERE chain_partition = :p AND chain_position > (SELECT chain_position - 2 FROM audit_heads WHERE chain_partition = :p);
        UPDATE audit_heads h SET chain_position = e.chain_position, hash = e.hash FROM audit_events e
         WHERE h.chain_partition = :p AND e.chain_partition = :p AND e.chain_position = (SELECT max(chain_position) FROM audit_events WHERE chain_partition = :p)
    """, p=p)
    code, kinds, _ = verify(capsys)
    assert code == EXIT_AUDIT and kinds == {"tail_deleted"}


def test_deleted_middle_row_and_edited_row_are_detected(sealed, capsys):
    p = fullest_partition(sealed["owner_url"])
    run_sql(sealed["owner_url"], OWNER_DROPS_GUARDS + """
        DELETE FROM audit_events WHERE chain_partition = :p AND chain_position = 2;
        UPDATE audit_events SET outcome = 'approved' WHERE chain_partition = :p AND chain_position = 4
    """, p=p)
    code, kinds, _ = verify(capsys)
    assert code == EXIT_AUDIT and kinds == {"gap", "broken_link", "edited"}


def test_chain_recomputed_with_a_guessed_key_is_detected(sealed, capsys):
    p = fullest_partition(sealed["owner_url"])
    guessed = b"guessed-key-" + b"y" * 40
    engine = create_engine(sealed["owner_url"])
    with engine.begin() as conn:
        conn.exec_driver_sql(OWNER_DROPS_GUARDS)
        conn.execute(text("UPDATE audit_events SET outcome = 'approved' WHERE chain_partition = :p AND chain_position = 2"), {"p": p})
        rows = conn.execute(text("SELECT * FROM audit_events WHERE chain_partition = :p ORDER BY chain_position"), {"p": p}).mappings().all()
        prev = GENESIS_HASH
        content_columns = ("document_id", "step", "actor", "outcome", "from_status", "to_status", "reasons", "inputs", "extractor_version",
                           "policy_version", "created_at")
        for row in rows:
            digest = keyed_event_hash(guessed, row["seq"], p, row["chain_position"], prev, {c: row[c] for c in content_columns})
            conn.execute(text("UPDATE audit_events SET prev_hash = :prev, hash = :h WHERE seq = :seq"), {"prev": prev, "h": digest, "seq": row["seq"]})
            prev = digest
        conn.execute(text("UPDATE audit_heads SET hash = :h WHERE chain_partition = :p"), {"h": prev, "p": p})
    engine.dispose()
    code, kinds, _ = verify(capsys)
    assert code == EXIT_AUDIT and kinds == {"recomputed", "checkpoint_mismatch"}


def test_edited_checkpoint_file_is_detected(sealed, capsys):
    path = sealed["var"] / "audit-checkpoints.jsonl"
    record = json.loads(path.read_text().splitlines()[-1])
    record["heads"] = [[p, 0, GENESIS_HASH] for p, _, _ in record["heads"]]  # pretend the partitions were empty
    path.write_text(json.dumps(record) + "\n")
    code, kinds, _ = verify(capsys)
    assert code == EXIT_AUDIT and "checkpoint_edited" in kinds


def test_truncated_checkpoint_file_is_detected(sealed, capsys):
    append_events(5)
    assert main(["audit", "checkpoint"]) == EXIT_OK
    path = sealed["var"] / "audit-checkpoints.jsonl"
    path.write_text(path.read_text().splitlines()[0] + "\n")
    code, kinds, _ = verify(capsys)
    assert code == EXIT_AUDIT and kinds == {"checkpoint_truncated"}
    # and the checkpointer does not start writing over the gap
    assert main(["audit", "checkpoint"]) == EXIT_AUDIT
    assert "cut short" in capsys.readouterr().err


def test_checkpointer_refuses_to_seal_a_truncated_log(sealed, capsys):
    run_sql(sealed["owner_url"], OWNER_DROPS_GUARDS + "TRUNCATE audit_events; UPDATE audit_heads SET chain_position = 0, hash = repeat('0', 64)")
    assert main(["audit", "checkpoint"]) == EXIT_AUDIT
    assert "not sealing" in capsys.readouterr().err
    code, kinds, _ = verify(capsys)
    assert code == EXIT_AUDIT and kinds == {"truncated"}


# -- key rotation and checkpoints shipped off the host --------------------------------------

def key_ids(url: str) -> dict:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = dict(conn.execute(text("SELECT coalesce(key_id, 'base'), count(*) FROM audit_events GROUP BY 1")).all())
    engine.dispose()
    return found


def test_rotated_key_signs_new_events_while_the_old_segment_still_verifies(sealed, capsys):
    assert main(["audit", "rotate-key"]) == EXIT_OK
    assert "audit key k1 now signs" in capsys.readouterr().out
    append_events(20)
    assert main(["audit", "checkpoint"]) == EXIT_OK
    code, kinds, result = verify(capsys)
    assert (code, kinds, result["events"]) == (EXIT_OK, set(), 101)  # 80 + the rotation event + 20
    assert key_ids(sealed["owner_url"]) == {"base": 80, "k1": 21}
    checkpoints = [json.loads(line) for line in (sealed["var"] / "audit-checkpoints.jsonl").read_text().splitlines()]
    assert [c.get("kid") for c in checkpoints] == [None, "k1", "k1"]  # sealed under the old key, then the new one

    # Relabelling a new event as signed by the base key does not verify.
    run_sql(sealed["owner_url"], OWNER_DROPS_GUARDS + "UPDATE audit_events SET key_id = NULL WHERE seq = (SELECT max(seq) FROM audit_events)")
    code, kinds, _ = verify(capsys)
    assert code == EXIT_AUDIT and "edited" in kinds


def test_an_event_signed_with_the_retired_key_after_a_rotation_is_reported(sealed, capsys):
    from invoicepipe.adapters.db.engine import make_engine
    from invoicepipe.adapters.db.uow import UnitOfWork
    from invoicepipe.cli_common import make_app
    from invoicepipe.domain.audit_keys import Keyring

    def one_event(uow, i):
        with uow.begin() as tx:
            tx.audit.append(AuditEvent(step="route", actor="worker:test", outcome="auto", document_id=i, inputs={"i": i}))

    running = make_app()  # a worker started before the rotation, sharing the keyring file
    engine = make_engine(sealed["app_url"])
    kept_old_key = UnitOfWork(engine, Keyring({None: b"the-real-key-" + b"x" * 40}))  # loaded its keys once, never again
    try:
        one_event(running.uow, 1)
        assert main(["audit", "rotate-key"]) == EXIT_OK
        one_event(running.uow, 2)  # signs with k1: it follows the keyring file
        code, kinds, _ = verify(capsys)
        assert (code, kinds) == (EXIT_OK, set())
        assert key_ids(sealed["owner_url"]) == {"base": 81, "k1": 2}
        one_event(kept_old_key, 3)  # the retired base key, after the rotation event
    finally:
        running.close()
        engine.dispose()
    code, kinds, result = verify(capsys)
    assert code == EXIT_AUDIT and kinds == {"retired_key"}
    [problem] = result["problems"]
    assert "the base key" in problem["message"] and "k1 took over" in problem["message"]


def test_a_checkpoint_signed_with_a_retired_or_a_future_key_is_reported(sealed, capsys):
    from invoicepipe.cli_common import make_app
    from invoicepipe.domain.audit import Head
    from invoicepipe.domain.audit_checkpoint import checkpoint_heads, make_checkpoint

    assert main(["audit", "rotate-key"]) == EXIT_OK
    append_events(5)
    path = sealed["var"] / "audit-checkpoints.jsonl"
    lines = path.read_text().splitlines()
    records = [json.loads(line) for line in lines]
    assert [r.get("kid") for r in records] == [None, "k1"]  # as `audit checkpoint` signs them: each with its period's key
    app = make_app()
    keys = app.uow.audit_keyring
    app.close()
    engine = create_engine(sealed["owner_url"])
    with engine.connect() as conn:
        heads = [Head(*row) for row in conn.execute(text("SELECT chain_partition, chain_position, hash FROM audit_heads"))]
    engine.dispose()

    # Someone holding the retired (perhaps leaked) base key seals today's heads, past the rotation.
    retired = make_checkpoint(keys.keys[None], 3, "2026-12-02T10:00:00+00:00", heads, records[-1]["sig"])
    path.write_text("\n".join([*lines, json.dumps(retired)]) + "\n")
    code, kinds, result = verify(capsys)
    assert code == EXIT_AUDIT and kinds == {"checkpoint_retired_key"}
    assert "retired when key k1 took over" in result["problems"][0]["message"]

    # The new key sealing heads from before its takeover (the first checkpoint's).
    future = make_checkpoint(keys.keys["k1"], 3, "2026-12-02T10:00:00+00:00", list(checkpoint_heads(records[0]).values()),
                             records[-1]["sig"], "k1")
    path.write_text("\n".join([*lines, json.dumps(future)]) + "\n")
    code, kinds, result = verify(capsys)
    assert code == EXIT_AUDIT and kinds == {"checkpoint_future_key"}

    path.write_text("\n".join(lines) + "\n")
    assert verify(capsys)[:2] == (EXIT_OK, set())


def test_events_of_a_key_missing_from_the_keyring_are_reported(sealed, capsys):
    assert main(["audit", "rotate-key"]) == EXIT_OK
    append_events(3)
    (sealed["var"] / "audit-keyring").unlink()  # e.g. a host deployed without the keyring
    code, kinds, result = verify(capsys)
    assert code == EXIT_AUDIT and "unknown_key" in kinds
    assert any("not in the keyring" in p["message"] for p in result["problems"])


def test_a_shipped_checkpoint_copy_catches_a_tail_cut_after_the_local_file_was_replaced(sealed, capsys, tmp_path):
    shipped = tmp_path / "offhost"
    shipped.mkdir()
    append_events(10)
    assert main(["audit", "checkpoint", "--to", str(shipped)]) == EXIT_OK
    assert "shipped 2 checkpoint(s)" in capsys.readouterr().out
    append_events(5)
    assert main(["audit", "checkpoint", "--to", f"file://{shipped}/"]) == EXIT_OK
    copy = shipped / "audit-checkpoints.jsonl"
    assert copy.read_text() == (sealed["var"] / "audit-checkpoints.jsonl").read_text()

    # Someone holding the database and this host cuts a partition's tail, rewrites its head
    # and removes the local checkpoint file; the copy off the host still holds the heads.
    p = fullest_partition(sealed["owner_url"])
    run_sql(sealed["owner_url"], OWNER_DROPS_GUARDS + """
        DELETE FROM audit_events WHERE chain_partition = :p AND chain_position > (SELECT chain_position - 2 FROM audit_heads WHERE chain_partition = :p);
        UPDATE audit_heads h SET chain_position = e.chain_position, hash = e.hash FROM audit_events e
         WHERE h.chain_partition = :p AND e.chain_partition = :p AND e.chain_position = (SELECT max(chain_position) FROM audit_events WHERE chain_partition = :p);
        DROP TRIGGER IF EXISTS audit_checkpoints_no_update ON audit_checkpoints;
        DELETE FROM audit_checkpoints
    """, p=p)
    (sealed["var"] / "audit-checkpoints.jsonl").unlink()
    capsys.readouterr()
    code = main(["audit", "verify", "--json", "--checkpoints", str(copy)])
    result = json.loads(capsys.readouterr().out)
    assert code == EXIT_AUDIT and {p["kind"] for p in result["problems"]} == {"tail_deleted"}
    assert result["checkpoint_file"] == str(copy)


def test_a_lagging_copy_is_a_note_and_a_diverging_one_is_refused(sealed, capsys, tmp_path):
    shipped = tmp_path / "offhost"
    shipped.mkdir()
    assert main(["audit", "checkpoint", "--to", str(shipped)]) == EXIT_OK
    append_events(5)
    assert main(["audit", "checkpoint"]) == EXIT_OK  # written, not shipped yet
    capsys.readouterr()
    assert main(["audit", "verify", "--json", "--checkpoints", str(shipped / "audit-checkpoints.jsonl")]) == EXIT_OK
    result = json.loads(capsys.readouterr().out)
    assert any("ends 1 checkpoint(s) before" in n for n in result["notes"])
    # The local file's first checkpoint edited: shipping refuses rather than extend a copy
    # that no longer matches what is here.
    local = sealed["var"] / "audit-checkpoints.jsonl"
    lines = local.read_text().splitlines()
    first = json.loads(lines[0])
    first["heads"] = [[p, 0, GENESIS_HASH] for p, _, _ in first["heads"]]
    local.write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n")
    shipped_before = (shipped / "audit-checkpoints.jsonl").read_text()
    assert main(["audit", "checkpoint", "--to", str(shipped)]) == EXIT_AUDIT
    assert "not shipping" in capsys.readouterr().err
    assert (shipped / "audit-checkpoints.jsonl").read_text() == shipped_before
