"""proposal reserved matter and bodies to be heard

A Vorlage names the matter of § 39 Abs. 2 GemO that only the council may decide, and the
Ortschaftsräte/Bezirksbeiräte to be heard before the decision (§ 70 Abs. 1, § 65 Abs. 2).

Plain ``ADD COLUMN`` instead of a batch block, as in 0004: a batch rebuild of ``proposal``
drops the table, which ``PRAGMA foreign_keys=ON`` refuses while steps and agenda items refer
to it. Existing proposals get no reserved matter and an empty list (the server default,
which a plain ``ADD COLUMN … NOT NULL`` needs on SQLite).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 09:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "proposal",
        sa.Column("reserved_matter", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )
    op.add_column(
        "proposal",
        sa.Column(
            "hearing_bodies",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
            server_default=sa.text("'[]'"),
        ),
    )


def downgrade() -> None:
    op.drop_column("proposal", "hearing_bodies")
    op.drop_column("proposal", "reserved_matter")
