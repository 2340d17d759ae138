"""cost day slots: a UTC day of the cost ledger is 16 rows, not one

Every parse locked the day's one ``cost_days`` row at its grant (``FOR UPDATE``, held until
the transaction's commit) and updated it again at its close, so parses on every worker
queued on that row as they once did on the audit chain's single head. A day is now one row
per slot (``slot`` 0..15, ``document_id % 16``): a parse reserves and counts on its
document's slot, readers sum the slots, and each slot holds its share of what the day's
ceiling leaves (``share_*``, apportioned from the ceiling ``share_of_*``; NULL until a grant
apportions the day). ``adapters/db/costs.py`` says why the ceiling still holds.

A day written before becomes slot 0 of its day, unapportioned; its other slots are created
by the next grant on that day, which apportions the day. A parse granted before the upgrade
and closed after it moves its reservation out of its document's slot rather than slot 0: a
slot's own figures are then off by it, the day's sums (what every reader reads) are not, and
the shares stay within the ceiling (a slot that seems to hold less was apportioned from the
day's true sum all the same). (PostgreSQL and SQLite alike: the
table is copied, since changing a primary key in place is not portable; it has a row per day.)

Revision ID: 0021_cost_day_slots
Revises: 0020_data_versions
"""
from alembic import op
import sqlalchemy as sa

revision = "0021_cost_day_slots"
down_revision = "0020_data_versions"
branch_labels = None
depends_on = None

TOTALS = ("cpu_seconds", "calls", "cost", "reserved_cpu_seconds", "reserved_calls", "reserved_cost", "parses",
          "ceiling_hits", "engines")


def _totals() -> list:
    return [sa.Column("cpu_seconds", sa.Float(), nullable=False),
            sa.Column("calls", sa.Integer(), nullable=False),
            sa.Column("cost", sa.Float(), nullable=False),
            sa.Column("reserved_cpu_seconds", sa.Float(), nullable=False),
            sa.Column("reserved_calls", sa.Integer(), nullable=False),
            sa.Column("reserved_cost", sa.Float(), nullable=False),
            sa.Column("parses", sa.Integer(), nullable=False),
            sa.Column("ceiling_hits", sa.Integer(), nullable=False),
            sa.Column("engines", sa.JSON(), nullable=True)]


def upgrade() -> None:
    op.create_table(
        "cost_day_slots",
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("slot", sa.Integer(), autoincrement=False, nullable=False),
        *_totals(),
        sa.Column("share_cpu_seconds", sa.Float(), nullable=True),
        sa.Column("share_calls", sa.Integer(), nullable=True),
        sa.Column("share_cost", sa.Float(), nullable=True),
        sa.Column("share_of_cpu_seconds", sa.Float(), nullable=True),
        sa.Column("share_of_calls", sa.Integer(), nullable=True),
        sa.Column("share_of_cost", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("day", "slot"),
    )
    columns = ", ".join(TOTALS)
    op.execute(f"INSERT INTO cost_day_slots (day, slot, {columns}) SELECT day, 0, {columns} FROM cost_days")
    op.drop_table("cost_days")
    op.rename_table("cost_day_slots", "cost_days")


def downgrade() -> None:
    # each day's slots summed into its one row (the engines of slot 0 only: the older code
    # cannot read more; the per-engine figures of the other slots stay in cost_ledger)
    op.create_table("cost_days_single", sa.Column("day", sa.String(length=10), nullable=False), *_totals(),
                    sa.PrimaryKeyConstraint("day"))
    sums = ", ".join(f"SUM({c})" for c in TOTALS if c != "engines")
    op.execute(f"INSERT INTO cost_days_single (day, {', '.join(c for c in TOTALS if c != 'engines')}, engines) "
               f"SELECT day, {sums}, (SELECT s.engines FROM cost_days s WHERE s.day = d.day AND s.slot = 0) "
               "FROM cost_days d GROUP BY day")
    op.drop_table("cost_days")
    op.rename_table("cost_days_single", "cost_days")
