"""resolution.disclosure_withheld: a non-public resolution that is not announced

§ 35 Abs. 1 S. 4 GemO: non-public resolutions are announced in the next public session
"sofern nicht das öffentliche Wohl oder berechtigte Interessen Einzelner entgegenstehen".
The Sitzungsdienst records why one stays unannounced (and since when); it is then no longer
proposed at every later session, and the Rechtmäßigkeitsnachweis shows the reason.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07 22:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("resolution", sa.Column("disclosure_withheld", sa.Text(), nullable=True))
    op.add_column(
        "resolution",
        sa.Column("disclosure_withheld_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("resolution", "disclosure_withheld_at")
    op.drop_column("resolution", "disclosure_withheld")
