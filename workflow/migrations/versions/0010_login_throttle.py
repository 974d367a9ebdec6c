"""login throttle, one account per person

Failed sign-ins per account and per client address (shared by every process), and a unique
index so that a person has at most one account.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 13:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "loginthrottle",
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("blocked_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("kind", "key"),
    )
    op.create_index("uq_user_person_id", "user", ["person_id"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_user_person_id", table_name="user")
    op.drop_table("loginthrottle")
