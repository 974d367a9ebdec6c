"""proposal covered amount

The amount the budget plan covers ("Durch HH-Plan …, Haushaltsstelle … abgedeckt: 1.350.000,00
Euro") as a decimal of its own; ``budget_line`` keeps the Haushaltsstelle number as text. A new
nullable column only, so no batch mode is needed on SQLite (see 0004).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 13:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("proposal", sa.Column("covered_amount", sa.Numeric(14, 2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("proposal") as batch:
        batch.drop_column("covered_amount")
