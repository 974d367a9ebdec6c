"""who is away on a day

* ``ix_absence_ends_on``: a firing reads the users away today once
  (``starts_on <= today <= ends_on``); absences that ended are most of the table.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 08:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_absence_ends_on", "absence", ["ends_on"])


def downgrade() -> None:
    op.drop_index("ix_absence_ends_on", table_name="absence")
