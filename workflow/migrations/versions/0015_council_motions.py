"""council motions, votes as counts, attendance per item, agenda after the invitation

Anträge within an agenda item (Änderungs-, Gegen- and Geschäftsordnungsanträge) with their
own vote; an item's vote as counts (secret ballots, § 37 Abs. 6 GemO); members leaving and
arriving during a session, absence reasons; Nachtrag, Tischvorlage and urgent additions
(§ 34 GemO); per-body settings (Hauptsatzung: motion order, § 39 Abs. 3 S. 3 minority).
New tables and plain ``ADD COLUMN`` with server defaults, as in 0006 and 0013.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 16:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ITEM_FLAGS = ("supplement", "late_paper", "secret_ballot")
ITEM_COUNTS = ("vote_yes", "vote_no", "vote_abstain")


def upgrade() -> None:
    op.create_table(
        "motion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("procedure", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("mover", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("mover_person_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reach", sa.Integer(), nullable=False),
        sa.Column("target_body_id", sa.Integer(), nullable=True),
        sa.Column("yes", sa.Integer(), nullable=True),
        sa.Column("no", sa.Integer(), nullable=True),
        sa.Column("abstain", sa.Integer(), nullable=True),
        sa.Column("adopted", sa.Boolean(), nullable=True),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("voted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agenda_item_id"], ["agendaitem.id"]),
        sa.ForeignKeyConstraint(["mover_person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["target_body_id"], ["body.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_motion_agenda_item_id"), "motion", ["agenda_item_id"], unique=False)
    op.create_table(
        "itemattendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("only_item", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agenda_item_id"], ["agendaitem.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_itemattendance_agenda_item_id"),
        "itemattendance",
        ["agenda_item_id"],
        unique=False,
    )
    for flag in ITEM_FLAGS:
        op.add_column(
            "agendaitem",
            sa.Column(flag, sa.Boolean(), nullable=False, server_default=sa.false()),
        )
    op.add_column("agendaitem", sa.Column("urgent_reason", sa.Text(), nullable=True))
    for count in ITEM_COUNTS:
        op.add_column("agendaitem", sa.Column(count, sa.Integer(), nullable=True))
    op.add_column("attendance", sa.Column("absence_reason", sa.Text(), nullable=True))
    op.add_column(
        "body",
        sa.Column(
            "settings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
            server_default=sa.text("'{}'"),
        ),
    )


def downgrade() -> None:
    op.drop_column("body", "settings")
    op.drop_column("attendance", "absence_reason")
    for column in (*ITEM_COUNTS, "urgent_reason", *ITEM_FLAGS):
        op.drop_column("agendaitem", column)
    op.drop_index(op.f("ix_itemattendance_agenda_item_id"), table_name="itemattendance")
    op.drop_table("itemattendance")
    op.drop_index(op.f("ix_motion_agenda_item_id"), table_name="motion")
    op.drop_table("motion")
