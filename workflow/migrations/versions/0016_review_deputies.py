"""review: deputies, absences, objection ground, § 121 Abs. 2, minutes objections

Stellvertretung (``absence``, ``userdeputy``, ``bodydeputy``); the ground of the mayor's
objection and the § 121 Abs. 2 / § 4 Abs. 3 GemO dates on ``resolution``; the Vorberatung
demanded under § 39 Abs. 4 S. 2 and the submission/announcement flags on ``proposal``;
objections to the minutes (§ 38 Abs. 2 S. 3) in ``minutesobjection``. New columns are
nullable or have a server default, so existing rows stay valid.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 16:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_absence_user_id"), "absence", ["user_id"], unique=False)
    op.create_table(
        "userdeputy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["deputy_id"], ["user.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "deputy_id"),
    )
    op.create_index(op.f("ix_userdeputy_user_id"), "userdeputy", ["user_id"], unique=False)
    op.create_table(
        "bodydeputy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("member_person_id", sa.Integer(), nullable=False),
        sa.Column("deputy_person_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"]),
        sa.ForeignKeyConstraint(["deputy_person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["member_person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("body_id", "member_person_id", "deputy_person_id"),
    )
    op.create_index(op.f("ix_bodydeputy_body_id"), "bodydeputy", ["body_id"], unique=False)
    op.create_table(
        "minutesobjection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("raised_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("raised_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("upheld", sa.Boolean(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("decided_in_meeting_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.ForeignKeyConstraint(["decided_in_meeting_id"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_minutesobjection_meeting_id"), "minutesobjection", ["meeting_id"], unique=False
    )
    op.add_column(
        "resolution",
        sa.Column("objection_ground", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    )
    op.add_column(
        "resolution", sa.Column("submitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    )
    op.add_column(
        "resolution", sa.Column("confirmed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    )
    op.add_column(
        "resolution", sa.Column("announced_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    )
    op.add_column(
        "proposal",
        sa.Column(
            "pre_deliberation_requested_by",
            sqlmodel.sql.sqltypes.AutoString(length=200),
            nullable=True,
        ),
    )
    op.add_column(
        "proposal",
        sa.Column("requires_submission", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "proposal",
        sa.Column("requires_announcement", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("proposal", "requires_announcement")
    op.drop_column("proposal", "requires_submission")
    op.drop_column("proposal", "pre_deliberation_requested_by")
    op.drop_column("resolution", "announced_at")
    op.drop_column("resolution", "confirmed_at")
    op.drop_column("resolution", "submitted_at")
    op.drop_column("resolution", "objection_ground")
    op.drop_index(op.f("ix_minutesobjection_meeting_id"), table_name="minutesobjection")
    op.drop_table("minutesobjection")
    op.drop_index(op.f("ix_bodydeputy_body_id"), table_name="bodydeputy")
    op.drop_table("bodydeputy")
    op.drop_index(op.f("ix_userdeputy_user_id"), table_name="userdeputy")
    op.drop_table("userdeputy")
    op.drop_index(op.f("ix_absence_user_id"), table_name="absence")
    op.drop_table("absence")
