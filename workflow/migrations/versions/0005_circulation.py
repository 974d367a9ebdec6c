"""circulation procedure

Umlaufverfahren on simple matters (§ 37 Abs. 1 S. 2 GemO): one row per round and one reply
per member and round. New tables only, so no batch mode is needed on SQLite (see 0004).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 09:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "circulation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("consultation_step_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"]),
        sa.ForeignKeyConstraint(["consultation_step_id"], ["consultationstep.id"]),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_circulation_proposal_id"), "circulation", ["proposal_id"], unique=False
    )
    op.create_table(
        "circulationreply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circulation_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("choice", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["circulation_id"], ["circulation.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("circulation_id", "person_id"),
    )
    op.create_index(
        op.f("ix_circulationreply_circulation_id"),
        "circulationreply",
        ["circulation_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_circulationreply_circulation_id"), table_name="circulationreply")
    op.drop_table("circulationreply")
    op.drop_index(op.f("ix_circulation_proposal_id"), table_name="circulation")
    op.drop_table("circulation")
