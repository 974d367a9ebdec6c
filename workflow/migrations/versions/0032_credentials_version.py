"""user.credentials_version: a new password ends every other sign-in

Counted up when the password changes (by its holder or by the admin for a forgotten one);
web sessions and API tokens carry the number they were signed in with and stop working
when it moved on, so a password changed because it leaked shuts out whoever used it.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 16:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch: SQLite's batch copies the table and would drop the
    # config-version triggers on "user" (migration 0023).
    op.add_column(
        "user",
        sa.Column("credentials_version", sa.Integer(), nullable=False, server_default="0"),
    )


def downgrade() -> None:
    # DROP COLUMN of its own on both (SQLite since 3.35) for the same reason.
    op.execute('ALTER TABLE "user" DROP COLUMN credentials_version')
