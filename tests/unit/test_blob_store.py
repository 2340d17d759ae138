"""The blob store port's contract, run against every implementation: the folder, and the
database store (here on SQLite; tests/integration/test_blob_store_pg.py runs it on
PostgreSQL) read through its local cache."""

from __future__ import annotations

import hashlib
import os
import threading

import pytest
from sqlalchemy import text

from invoicepipe.adapters.blob_cache import CachedBlobStore
from invoicepipe.adapters.blob_url import parse_blob_url
from invoicepipe.adapters.blobs import CHUNK, FolderBlobStore
from invoicepipe.adapters.blobs_db import DatabaseBlobStore
from invoicepipe.adapters.db.engine import make_engine
from invoicepipe.adapters.db.migrate import upgrade
from invoicepipe.errors import BlobCorrupt, ConfigError, NotFound, PermanentError

BIG = os.urandom(3 * CHUNK + 12345)  # more than one piece, the last one short


def database_store(url: str, cache_dir, max_bytes: int = 64 * CHUNK) -> CachedBlobStore:
    upgrade(url)
    engine = make_engine(url)
    return CachedBlobStore(DatabaseBlobStore(engine, "database test"), cache_dir, max_bytes)


@pytest.fixture(params=["folder", "database"])
def store(request, tmp_path):
    if request.param == "folder":
        yield FolderBlobStore(tmp_path / "blobs")
        return
    made = database_store(f"sqlite:///{tmp_path / 'blobs.db'}", tmp_path / "cache")
    yield made
    made.shared.engine.dispose()


def damage(store, sha: str) -> None:
    """Change one byte of the stored blob behind the store's back."""
    if isinstance(store, FolderBlobStore):
        path = store.path_for(sha)
        data = bytearray(path.read_bytes())
        data[0] ^= 0xFF
        path.write_bytes(bytes(data))
        return
    with store.shared.engine.begin() as conn:
        piece = conn.execute(text("SELECT data FROM blob_chunks WHERE sha256 = :s AND seq = 0"), {"s": sha}).scalar()
        conn.execute(text("UPDATE blob_chunks SET data = :d WHERE sha256 = :s AND seq = 0"),
                     {"d": bytes([piece[0] ^ 0xFF]) + bytes(piece[1:]), "s": sha})


def test_bytes_come_back_under_their_sha256(store):
    sha = store.put(b"%PDF-1.7 small")
    assert sha == hashlib.sha256(b"%PDF-1.7 small").hexdigest()
    assert store.get(sha) == b"%PDF-1.7 small" and store.exists(sha) and store.size(sha) == 14


def test_a_blob_of_several_pieces_streams_back_whole(store):
    sha = store.put(BIG)
    pieces = list(store.chunks(sha))
    assert len(pieces) > 1 and max(len(p) for p in pieces) <= CHUNK
    assert b"".join(pieces) == BIG and store.size(sha) == len(BIG)


def test_the_same_bytes_twice_are_one_blob(store):
    assert store.put(b"same") == store.put(b"same")
    assert list(store.shas()) == [hashlib.sha256(b"same").hexdigest()]


def test_two_writers_of_the_same_bytes_at_once_end_with_one_blob(store):
    errors = []

    def put():
        try:
            store.put(BIG)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=put) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors and list(store.shas()) == [hashlib.sha256(BIG).hexdigest()]
    assert store.get(hashlib.sha256(BIG).hexdigest()) == BIG


def test_put_stream_stores_pieces_under_the_sha_they_hash_to(store):
    sha = hashlib.sha256(BIG).hexdigest()
    assert store.put_stream(sha, (BIG[i:i + 1000_000] for i in range(0, len(BIG), 1000_000))) == sha
    assert store.get(sha) == BIG


def test_bytes_that_do_not_hash_to_the_given_sha_are_refused_and_nothing_is_stored(store):
    wrong = hashlib.sha256(b"other").hexdigest()
    with pytest.raises(BlobCorrupt) as err:
        store.put_stream(wrong, [b"not the other"])
    assert isinstance(err.value, PermanentError) and wrong in str(err.value)
    assert not store.exists(wrong) and list(store.shas()) == []


def test_a_missing_blob_is_not_found(store):
    missing = "0" * 64
    assert not store.exists(missing)
    for read in (store.get, store.size, store.local_path):
        with pytest.raises(NotFound):
            read(missing)


def test_a_name_that_is_not_a_sha256_never_becomes_a_path(store):
    for name in ("../../etc/passwd", "ABC", ""):
        with pytest.raises(NotFound):
            store.get(name)


def test_a_damaged_blob_is_a_permanent_error_naming_the_sha_never_the_content(store):
    secret = b"IBAN DE02120300000000202051 " * 10
    sha = store.put(secret)
    damage(store, sha)
    with pytest.raises(BlobCorrupt) as err:
        store.get(sha)
    assert sha in str(err.value) and "IBAN" not in str(err.value) and "DE02" not in str(err.value)


def test_local_path_is_a_local_file_with_the_bytes(store, tmp_path):
    sha = store.put(BIG)
    path = store.local_path(sha)
    assert path.is_file() and path.read_bytes() == BIG and tmp_path in path.parents


# -- the cache in front of the shared store ------------------------------------------------------

def test_the_cache_serves_later_reads_locally_and_keeps_within_its_bound(tmp_path):
    store = database_store(f"sqlite:///{tmp_path / 'blobs.db'}", tmp_path / "cache", max_bytes=2 * CHUNK)
    shas = [store.put(os.urandom(CHUNK - 100)) for _ in range(4)]
    for sha in shas:
        store.get(sha)
    cached = [p for p in (tmp_path / "cache").glob("*/*") if not p.name.startswith(".tmp-")]
    assert sum(p.stat().st_size for p in cached) <= 2 * CHUNK
    assert store.local_path(shas[-1]) in cached  # the latest read is kept


def test_a_damaged_local_copy_is_fetched_again_from_the_shared_store(tmp_path):
    store = database_store(f"sqlite:///{tmp_path / 'blobs.db'}", tmp_path / "cache")
    sha = store.put(b"the shared copy decides")
    store.local_path(sha).write_bytes(b"damaged")
    assert store.get(sha) == b"the shared copy decides"


def test_a_folder_store_writes_no_temporary_file_it_leaves_behind(tmp_path):
    store = FolderBlobStore(tmp_path / "blobs")
    with pytest.raises(BlobCorrupt):
        store.put_stream("1" * 64, [b"x"])
    assert not [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()]


# -- the setting ---------------------------------------------------------------------------------

def test_the_blob_url_chooses_the_store(tmp_path):
    assert parse_blob_url(None, tmp_path / "var" / "blobs").folder == tmp_path / "var" / "blobs"
    assert parse_blob_url("file:///srv/blobs", tmp_path).folder.as_posix() == "/srv/blobs"
    assert parse_blob_url("db:", tmp_path).kind == "database" and parse_blob_url("db:", tmp_path).database_url is None
    pg = parse_blob_url("postgresql://u:pw@db.example:5432/blobs", tmp_path)
    assert pg.database_url == "postgresql+psycopg://u:pw@db.example:5432/blobs" and "pw" not in pg.describe()


@pytest.mark.parametrize("bad", ["s3://bucket/prefix", "ftp://u:hunter2@host/x", "file://relative/x", "nosuch:"])
def test_a_bad_blob_url_is_refused_naming_the_setting_never_the_password(tmp_path, bad):
    with pytest.raises(ConfigError) as err:
        parse_blob_url(bad, tmp_path)
    assert "INVOICEPIPE_BLOB_URL" in str(err.value) and "hunter2" not in str(err.value)


def test_settings_refuse_a_bad_blob_url_at_start(tmp_path):
    from invoicepipe.config import Settings

    with pytest.raises(ConfigError, match="INVOICEPIPE_BLOB_URL"):
        Settings.from_env({"INVOICEPIPE_BLOB_URL": "s3://bucket", "INVOICEPIPE_VAR_DIR": str(tmp_path)})


def test_an_app_on_db_colon_keeps_its_blobs_in_its_own_database(tmp_path):
    from invoicepipe.adapters.blobs_db import DatabaseBlobStore
    from invoicepipe.bootstrap import bootstrap
    from invoicepipe.config import Settings
    from dramatiq.brokers.stub import StubBroker
    from tests.fakes import TextReaders

    settings = Settings.from_env({"INVOICEPIPE_BLOB_URL": "db:"}, var_dir=tmp_path / "var",
                                 database_url=f"sqlite:///{tmp_path / 'var' / 'app.db'}")
    app = bootstrap(settings, broker=StubBroker(), readers=TextReaders())
    try:
        assert isinstance(app.blobs.shared, DatabaseBlobStore) and app.blobs.shared.engine is app.engine
        sha = app.blobs.put(b"in the database")
        assert not (tmp_path / "var" / "blobs").exists() and app.blobs.get(sha) == b"in the database"
    finally:
        app.close()


def test_a_database_store_that_does_not_answer_is_storage_unavailable_naming_the_cause(tmp_path):
    from invoicepipe.adapters.blob_url import make_blob_store
    from invoicepipe.config import Settings
    from invoicepipe.errors import StorageUnavailable, TransientError

    settings = Settings.from_env({"INVOICEPIPE_BLOB_URL": "postgresql://ip:secretpw@127.0.0.1:1/blobs"}, var_dir=tmp_path / "var")
    store = make_blob_store(settings)
    payload = b"IBAN DE02120300000000202051"
    for attempt in (lambda: store.put(payload), lambda: store.get("a" * 64)):
        with pytest.raises(StorageUnavailable) as err:
            attempt()
        message = str(err.value)
        assert isinstance(err.value, TransientError) and "blob store" in message and "refused" in message.lower()
        assert "secretpw" not in message and "IBAN" not in message
