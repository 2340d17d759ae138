"""Tables that processes keep in memory (the vendor master, the webhook subscribers) are
read again after a write from anywhere: a trigger moves their version in the writer's
transaction, on both databases."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, select, update

from invoicepipe.adapters.db import tables as t
from invoicepipe.bootstrap import bootstrap
from invoicepipe.config import Settings
from invoicepipe.services.masterdata import load_master_data
from tests.masterdata_samples import write_master

pytestmark = pytest.mark.integration


@pytest.fixture
def app(database_url, tmp_path):
    settings = Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=database_url)
    application = bootstrap(settings, log_level="WARNING")
    for kind, path in write_master(tmp_path / "master").items():
        load_master_data(application, kind, path)
    yield application
    application.close()


def vendors(app):
    with app.uow.read() as tx:
        return tx.master.vendors()


def versions(database_url) -> dict:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(select(t.data_versions.c.name, t.data_versions.c.version)).all())
    finally:
        engine.dispose()


def test_the_vendor_master_is_read_again_after_a_write_from_another_connection(app, database_url):
    held = vendors(app)
    assert held and vendors(app) is held  # unchanged table: the same copy, no re-read
    other = create_engine(database_url)
    try:
        with other.begin() as conn:  # an operator's SQL, not the loader
            conn.execute(update(t.vendors).where(t.vendors.c.vendor_id == held[0].vendor_id).values(name="Renamed GmbH"))
        renamed = vendors(app)
        assert renamed is not held and renamed[0].name == "Renamed GmbH"
        with other.begin() as conn:
            conn.execute(t.vendors.delete().where(t.vendors.c.vendor_id == held[0].vendor_id))
        assert held[0].vendor_id not in {v.vendor_id for v in vendors(app)}
    finally:
        other.dispose()


def test_every_write_to_a_cached_table_moves_its_version_and_a_rollback_does_not(app, database_url):
    before = versions(database_url)
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(t.webhook_subscribers.insert().values(name="s", url="http://127.0.0.1:9/", secret="x" * 20, events="*",
                                                               created_by="user:admin", created_at=datetime.now(timezone.utc)))
        with pytest.raises(RuntimeError):
            with engine.begin() as conn:
                conn.execute(update(t.vendors).values(active=False))
                raise RuntimeError("rolled back")
        after_insert = versions(database_url)
        assert after_insert["webhook_subscribers"] > before["webhook_subscribers"]
        assert after_insert["vendors"] == before["vendors"]
        with engine.begin() as conn:
            conn.execute(update(t.webhook_subscribers).values(events=",approved,"))
        assert versions(database_url)["webhook_subscribers"] > after_insert["webhook_subscribers"]
    finally:
        engine.dispose()
