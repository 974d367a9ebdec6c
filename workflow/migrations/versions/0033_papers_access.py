"""papers access: personal links to the Sitzungsmappe for members without an account

A member whose invitation goes to an address of his own, without an account to sign in
with, gets a personal link to the Sitzungsmappe of that session (§ 34 Abs. 1 S. 1 GemO: the
documents needed go with the invitation). Only the link's SHA-256 is kept; it ends some days
after the session.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "papersaccess",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_sha256"),
    )
    op.create_index("ix_papersaccess_meeting_id", "papersaccess", ["meeting_id"])
    op.create_index("ix_papersaccess_person_id", "papersaccess", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_papersaccess_person_id", table_name="papersaccess")
    op.drop_index("ix_papersaccess_meeting_id", table_name="papersaccess")
    op.drop_table("papersaccess")
