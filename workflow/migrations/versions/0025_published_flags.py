"""proposal.on_invited_agenda and proposal.resolution_published, kept by triggers

The rule of what the public reads (§ 41b GemO, ``workflow.publication``) tested two facts
as ``IN (subquery)`` over ``agendaitem``, ``meeting`` and ``resolution``, ORed into every
WHERE: no index served the lists across the district, and PostgreSQL built both subqueries
in full for each of them (issue 14, docs/benchmarks-list-notes.md). The two facts are now
columns of ``proposal``:

* ``on_invited_agenda``: a public agenda item of the proposal is on a meeting whose
  invitation went out (``meeting.invited_at`` set; § 34 Abs. 1, § 41b Abs. 2 GemO), whether
  the item was later removed or not, as the subquery read it;
* ``resolution_published``: a resolution of the proposal has ``published_at`` set
  (§ 41b Abs. 5 GemO).

Triggers on ``agendaitem``, ``meeting`` and ``resolution`` recompute them for the proposals
a row names before and after the change, whoever writes (the application or an
administrator in SQL); the application never writes them. A recompute writes the proposal
only when the value changes, so that ordinary writes to items and resolutions do not lock
the proposal row. A partial index on ``proposal (id)`` over the published candidates (all of the rule but
the municipality's § 41b Abs. 7 exemption) serves the district-wide public lists.

As with migration 0023: SQLite drops a table's triggers when a migration recreates the table
(``batch_alter_table`` on ``agendaitem``, ``meeting`` or ``resolution``); such a migration
must create them again (``create_triggers``); tests/integration/test_published_flags.py fails
if they are missing.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The facts as SQL about the proposal row being updated; exactly the former subqueries
# ``sent_with_invitation()`` and ``published_resolutions()`` of workflow.publication.
_INVITED = (
    "EXISTS (SELECT 1 FROM agendaitem JOIN meeting ON meeting.id = agendaitem.meeting_id "
    "WHERE agendaitem.proposal_id = proposal.id AND agendaitem.public "
    "AND meeting.invited_at IS NOT NULL)"
)
_PUBLISHED = (
    "EXISTS (SELECT 1 FROM resolution WHERE resolution.proposal_id = proposal.id "
    "AND resolution.published_at IS NOT NULL)"
)
# Both columns are NOT NULL and EXISTS is never NULL, so ``<>`` is IS DISTINCT FROM here
# (and reads the same on SQLite).
_SET = {
    "on_invited_agenda": f"UPDATE proposal SET on_invited_agenda = {_INVITED} "
    f"WHERE {{ids}} AND on_invited_agenda <> {_INVITED}",
    "resolution_published": f"UPDATE proposal SET resolution_published = {_PUBLISHED} "
    f"WHERE {{ids}} AND resolution_published <> {_PUBLISHED}",
}
# workflow.publication.published_proposals() but for the § 41b Abs. 7 test of the
# municipality (a copy of ``PUBLISHED_CANDIDATE`` in workflow.models.proposal, as of this
# revision). With the flag columns included, PostgreSQL counts a district-wide list from
# the index alone.
_PUBLISHED_CANDIDATE = (
    "public AND publication_withheld_reason IS NULL AND state <> 'withdrawn' "
    "AND (on_invited_agenda OR resolution_published)"
)
# Per watched table: the column it feeds, the columns whose update matters, and which
# proposals a row concerns (SQL over the row ``{row}``).
_WATCHED = {
    "agendaitem": ("on_invited_agenda", "proposal_id, meeting_id, public", "{row}.proposal_id"),
    "meeting": (
        "on_invited_agenda",
        "invited_at",
        "(SELECT proposal_id FROM agendaitem WHERE meeting_id = {row}.id)",
    ),
    "resolution": ("resolution_published", "proposal_id, published_at", "{row}.proposal_id"),
}

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION ratsflow_{table}_published() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        {old};
    END IF;
    IF TG_OP = 'UPDATE' OR TG_OP = 'INSERT' THEN
        {new};
    END IF;
    RETURN NULL;
END $$
"""


def _ids(table: str, row: str) -> str:
    proposals = _WATCHED[table][2].format(row=row)
    return f"id IN {proposals}" if proposals.startswith("(") else f"id = {proposals}"


def create_triggers(table: str) -> None:
    """The triggers of one watched table (both dialects)."""
    column, columns, _ = _WATCHED[table]
    statement = _SET[column]
    if op.get_bind().dialect.name == "postgresql":
        old = statement.format(ids=_ids(table, "OLD"))
        new = statement.format(ids=_ids(table, "NEW"))
        events = f"INSERT OR DELETE OR UPDATE OF {columns}"
        if table == "meeting":
            # A meeting's id, and so its items, do not change: OLD names them on UPDATE too.
            new, events = "NULL", "UPDATE OF invited_at OR DELETE"
        op.execute(_PG_FUNCTION.format(table=table, old=old, new=new))
        op.execute(
            f"CREATE TRIGGER ratsflow_{table}_published AFTER {events} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION ratsflow_{table}_published()"
        )
        return
    events = {"insert": ("NEW",), "update": ("OLD", "NEW"), "delete": ("OLD",)}
    if table == "meeting":
        events = {"update": ("NEW",), "delete": ("OLD",)}
    for event, rows in events.items():
        head = f"AFTER {event.upper()}"
        if event == "update":
            head += f" OF {columns}"
        body = " ".join(statement.format(ids=_ids(table, row)) + ";" for row in rows)
        op.execute(
            f"CREATE TRIGGER ratsflow_{table}_published_{event} {head} ON {table} BEGIN {body} END"
        )


def _drop_triggers(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER ratsflow_{table}_published ON {table}")
        op.execute(f"DROP FUNCTION ratsflow_{table}_published()")
        return
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS ratsflow_{table}_published_{event}")


def upgrade() -> None:
    for column in _SET:
        op.add_column(
            "proposal",
            sa.Column(column, sa.Boolean(), nullable=False, server_default=sa.false()),
        )
    op.execute(
        f"UPDATE proposal SET on_invited_agenda = {_INVITED}, resolution_published = {_PUBLISHED}"
    )
    for table in _WATCHED:
        create_triggers(table)
    op.create_index(
        "ix_proposal_published",
        "proposal",
        ["id"],
        postgresql_include=["municipality_id", "on_invited_agenda", "resolution_published"],
        postgresql_where=sa.text(_PUBLISHED_CANDIDATE),
        sqlite_where=sa.text(_PUBLISHED_CANDIDATE),
    )


def downgrade() -> None:
    op.drop_index("ix_proposal_published", table_name="proposal")
    for table in _WATCHED:
        _drop_triggers(table)
    with op.batch_alter_table("proposal") as batch:
        batch.drop_column("resolution_published")
        batch.drop_column("on_invited_agenda")
