"""committee remit and proposal subject

A beschließender Ausschuss has an Aufgabengebiet (§ 39 Abs. 1 S. 1 GemO); a Vorlage names
its subject, and council matters in a committee's remit are pre-deliberated there unless
the reason for skipping it is recorded (§ 39 Abs. 4 S. 1, Abs. 5 S. 3 GemO).

Plain ``ADD COLUMN`` as in 0004 and 0007: a batch rebuild of ``body`` or ``proposal`` drops
the table, which ``PRAGMA foreign_keys=ON`` refuses while other tables refer to it. Existing
bodies get an empty remit (the server default a plain ``ADD COLUMN … NOT NULL`` needs on
SQLite), existing proposals no subject, so no new requirement arises for them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "body",
        sa.Column(
            "remit",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
            server_default=sa.text("'[]'"),
        ),
    )
    op.add_column(
        "proposal",
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )
    op.add_column(
        "proposal",
        sa.Column("pre_deliberation_waived_reason", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("proposal", "pre_deliberation_waived_reason")
    op.drop_column("proposal", "subject")
    op.drop_column("body", "remit")
