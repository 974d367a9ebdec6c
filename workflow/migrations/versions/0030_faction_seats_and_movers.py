"""faction seats and movers

``factionmember.ended_on``: the day a seat ended (its Fraktion's dissolution), NULL while
it is current. A partial unique index on ``person_id`` where it is NULL lets the database
hold "one current Fraktion per councillor" (§ 32a GemO), which the service checks first but
two concurrent changes of different Fraktionen could both pass. Seats of Fraktionen
dissolved before this migration get the dissolution day.

``motion.mover_faction_id``: the Fraktion that moves an Antrag in the session, where it was
chosen from the list (``motion.mover_person_id`` names a member likewise); ``motion.mover``
keeps the name as moved, so minutes and older rows read as before.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-10 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENT_SEAT = sa.text("ended_on IS NULL")


def upgrade() -> None:
    op.add_column("factionmember", sa.Column("ended_on", sa.Date(), nullable=True))
    op.execute(
        "UPDATE factionmember SET ended_on = (SELECT faction.dissolved_on FROM faction"
        " WHERE faction.id = factionmember.faction_id)"
        " WHERE faction_id IN (SELECT id FROM faction WHERE dissolved_on IS NOT NULL)"
    )
    twice = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT person_id FROM factionmember WHERE ended_on IS NULL"
                " GROUP BY person_id HAVING COUNT(*) > 1 ORDER BY person_id"
            )
        )
        .scalars()
        .all()
    )
    if twice:
        ids = ", ".join(str(i) for i in twice)
        raise RuntimeError(
            "Migration 0030: Personen in mehr als einer aktuellen Fraktion (person_id "
            f"{ids}); bitte die Mitglieder der Fraktionen zuerst berichtigen."
        )
    op.create_index(
        "uq_factionmember_current_person",
        "factionmember",
        ["person_id"],
        unique=True,
        postgresql_where=CURRENT_SEAT,
        sqlite_where=CURRENT_SEAT,
    )
    op.add_column(
        "motion",
        sa.Column("mover_faction_id", sa.Integer(), sa.ForeignKey("faction.id"), nullable=True),
        inline_references=True,
    )


def downgrade() -> None:
    with op.batch_alter_table("motion") as batch:  # SQLite drops a referencing column so
        batch.drop_column("mover_faction_id")
    op.drop_index("uq_factionmember_current_person", table_name="factionmember")
    op.drop_column("factionmember", "ended_on")
