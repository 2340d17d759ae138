"""Document search on PostgreSQL: the pg_trgm path gives the same answers as SQLite's FTS5
trigram table, short fragments match whole numbers, and the number, PO and file-name
conditions are ones a trigram index can answer."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select, text

from invoicepipe.adapters.db import tables as t
from invoicepipe.config import Settings
from invoicepipe.services.document_search import _where, filters_from_text
from tests.conftest import lenient_policy
from tests.unit.test_document_search import (  # noqa: F401 - the fixture and the tests, run here on PostgreSQL
    loaded, test_a_number_is_found_with_ocr_look_alikes_spaces_and_without_its_prefix,
    test_documents_in_every_state_are_found_by_vendor_amount_date_po_and_state, test_pages_continue_by_id_not_offset,
    test_the_search_page_and_api_open_each_result, numbered, test_fragments_short_fragments_and_other_scripts)

pytestmark = pytest.mark.integration

@pytest.fixture
def settings(tmp_path, postgres_url) -> Settings:
    return Settings.from_env({}, var_dir=tmp_path / "var", inbox_dir=tmp_path / "inbox", database_url=postgres_url, settle_s=0.0,
                             policy_path=lenient_policy(tmp_path))


def test_the_trigram_indexes_serve_number_po_and_file_name(numbered):
    """With sequential scans priced out, the plan reaches the rows through the GIN indexes:
    proof the conditions are indexable (a planner choice on a big table is the benchmark's)."""
    d, i = t.documents, t.invoices
    with numbered.uow.begin() as tx:
        tx.conn.execute(text("SET LOCAL enable_seqscan = off"))
        for raw, index in ((dict(number="00759"), "ix_invoices_invoice_number_bare_trgm"), (dict(po="4500003"), "ix_invoices_po_number_bare_trgm"),
                           (dict(filename="scan_inv"), "ix_documents_filename_trgm")):
            query = _where(tx.conn, select(d.c.id).select_from(d.outerjoin(i, i.c.document_id == d.c.id)), filters_from_text(**raw))
            sql = str(query.compile(tx.conn, compile_kwargs={"literal_binds": True}))
            plan = "\n".join(tx.conn.exec_driver_sql(f"EXPLAIN {sql}".replace("%", "%%")).scalars())
            assert index in plan, plan


def test_the_application_role_can_search(numbered, postgres_url):
    """pg_trgm's operators are usable by the least-privilege role the web service logs in as."""
    from sqlalchemy import create_engine

    from invoicepipe.adapters.db.roles import grant_app_role

    role = f"ip_search_{uuid.uuid4().hex[:8]}"
    owner = create_engine(postgres_url)
    grant_app_role(owner, role, "pw-search")
    app_engine = create_engine(postgres_url.replace("postgres@", f"{role}:pw-search@"))
    try:
        with app_engine.connect() as conn:
            d, i = t.documents, t.invoices
            query = _where(conn, select(d.c.id).select_from(d.outerjoin(i, i.c.document_id == d.c.id)), filters_from_text(number="00759"))
            assert conn.execute(query).scalars().all() == [1]
    finally:
        app_engine.dispose()
        with owner.begin() as conn:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))
        owner.dispose()
