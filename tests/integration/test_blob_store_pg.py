"""The blob store port's contract on real PostgreSQL (tests/unit/test_blob_store.py runs it
on the folder and on SQLite), writers in separate processes, and the application's
restricted role (``invoicepipe db grant-app-role``) storing and reading blobs."""

from __future__ import annotations

import hashlib
import multiprocessing

import pytest
from sqlalchemy import create_engine, text

from invoicepipe.adapters.db.roles import grant_app_role
from tests.unit.test_blob_store import (  # noqa: F401 - the contract, collected here against PostgreSQL
    BIG,
    database_store,
    test_a_blob_of_several_pieces_streams_back_whole,
    test_a_damaged_blob_is_a_permanent_error_naming_the_sha_never_the_content,
    test_a_missing_blob_is_not_found,
    test_a_name_that_is_not_a_sha256_never_becomes_a_path,
    test_bytes_come_back_under_their_sha256,
    test_bytes_that_do_not_hash_to_the_given_sha_are_refused_and_nothing_is_stored,
    test_local_path_is_a_local_file_with_the_bytes,
    test_put_stream_stores_pieces_under_the_sha_they_hash_to,
    test_the_same_bytes_twice_are_one_blob,
    test_two_writers_of_the_same_bytes_at_once_end_with_one_blob,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def store(postgres_url, tmp_path):
    made = database_store(postgres_url, tmp_path / "cache")
    yield made
    made.shared.engine.dispose()


def _put_in_a_process(url: str, cache: str, seed: int, barrier) -> None:
    from pathlib import Path

    store = database_store(url, Path(cache))
    barrier.wait()
    store.put(bytes(range(256)) * (3 * 4096))  # the same bytes in every process
    store.shared.engine.dispose()


def test_writers_in_separate_processes_end_with_one_blob(postgres_url, tmp_path):
    data = bytes(range(256)) * (3 * 4096)
    database_store(postgres_url, tmp_path / "c0").shared.engine.dispose()  # schema first, once
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(3)
    procs = [ctx.Process(target=_put_in_a_process, args=(postgres_url, str(tmp_path / f"c{i}"), i, barrier)) for i in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT sha256, size FROM blobs")).all()
        chunks = conn.execute(text("SELECT count(*) FROM blob_chunks")).scalar()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(hashlib.sha256(data).hexdigest(), len(data))] and chunks == 3  # 3 MiB: three pieces


def test_the_application_role_stores_and_reads_blobs(postgres_url, app_role, tmp_path):
    from invoicepipe.adapters.db.engine import make_engine

    database_store(postgres_url, tmp_path / "owner-cache").shared.engine.dispose()  # migrated as the owner
    owner = make_engine(postgres_url)
    grant_app_role(owner, app_role)
    owner.dispose()
    from invoicepipe.adapters.blob_cache import CachedBlobStore
    from invoicepipe.adapters.blobs_db import DatabaseBlobStore

    engine = make_engine(postgres_url.replace("postgres@", f"{app_role}@", 1))
    try:
        store = CachedBlobStore(DatabaseBlobStore(engine, "app role"), tmp_path / "cache", 1 << 30)
        sha = store.put(BIG)
        assert store.get(sha) == BIG and list(store.shas()) == [sha]
    finally:
        engine.dispose()
