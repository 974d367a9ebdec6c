"""factions

Fraktionen (§ 32a GemO) as rows of the municipality: ``faction`` with its name, short name
and the day it was dissolved, ``factionmember`` for the councillors in it, and
``councilrequest.faction_id`` for the Fraktion a Fraktionsantrag names (§ 34 Abs. 1 S. 4).

A Fraktion's name is unique among the municipality's current Fraktionen only (a partial
unique index, as 0020's, on both dialects): a name may return after a dissolution.

``councilrequest.faction`` stays: requests filed before this migration keep the name they
were filed with and NULL as ``faction_id``; new ones carry both (the name as filed). The
column is added with an inline reference as in 0028, so SQLite does not rebuild the table.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-09 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENT = sa.text("dissolved_on IS NULL")


def upgrade() -> None:
    op.create_table(
        "faction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("short_name", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("dissolved_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "uq_faction_current_name",
        "faction",
        ["municipality_id", "name"],
        unique=True,
        postgresql_where=CURRENT,
        sqlite_where=CURRENT,
    )
    op.create_table(
        "factionmember",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("faction_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["faction_id"], ["faction.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("faction_id", "person_id"),
    )
    op.create_index(
        op.f("ix_factionmember_person_id"), "factionmember", ["person_id"], unique=False
    )
    op.add_column(
        "councilrequest",
        sa.Column("faction_id", sa.Integer(), sa.ForeignKey("faction.id"), nullable=True),
        inline_references=True,
    )


def downgrade() -> None:
    # A referencing column: SQLite's DROP COLUMN refuses it once the reference is a table
    # constraint (as any rebuild of the table writes it), so the table is rebuilt (batch),
    # as 0030 does for motion.mover_faction_id; PostgreSQL just drops it.
    with op.batch_alter_table("councilrequest") as batch:
        batch.drop_column("faction_id")
    op.drop_index(op.f("ix_factionmember_person_id"), table_name="factionmember")
    op.drop_table("factionmember")
    op.drop_index("uq_faction_current_name", table_name="faction")
    op.drop_table("faction")
