"""bias notice

``biasnotice``: a member's own notice before the session that he may be biased on an agenda
item (§ 18 Abs. 4 S. 1 GemO, "Mitteilung möglicher Befangenheit"). Kept apart from
``biasdeclaration``: a notice excludes no one, and every reader of the declarations (votes,
quorum, minutes, OParl) would otherwise have to tell the two apart. A withdrawn notice is
deleted (the audit keeps it); one per member and item.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-11 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "biasnotice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("notified_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agenda_item_id"], ["agendaitem.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agenda_item_id", "person_id"),
    )


def downgrade() -> None:
    op.drop_table("biasnotice")
