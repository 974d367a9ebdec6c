"""doubtful bias and unlawful resolutions

A doubtful bias is decided by the body in the member's absence (§ 18 Abs. 4 S. 2 GemO),
with its tally; a bias disclosed after the vote flags the resolution unlawful (§ 18 Abs. 6).
Plain ``ADD COLUMN`` as in 0004 (no batch rebuild of referenced tables on SQLite); existing
declarations are plain ones, made before the vote.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 09:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "biasdeclaration",
        sa.Column("doubtful", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "biasdeclaration",
        sa.Column("after_vote", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "biasdeclaration",
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    )
    op.add_column("biasdeclaration", sa.Column("decided_biased", sa.Boolean(), nullable=True))
    op.add_column("biasdeclaration", sa.Column("decision_yes", sa.Integer(), nullable=True))
    op.add_column("biasdeclaration", sa.Column("decision_no", sa.Integer(), nullable=True))
    op.add_column("biasdeclaration", sa.Column("decision_abstain", sa.Integer(), nullable=True))
    op.add_column("resolution", sa.Column("unlawful_reason", sa.Text(), nullable=True))
    op.add_column(
        "resolution",
        sa.Column("unlawful_since", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("resolution", "unlawful_since")
    op.drop_column("resolution", "unlawful_reason")
    for column in (
        "decision_abstain",
        "decision_no",
        "decision_yes",
        "decided_biased",
        "decided_at",
        "after_vote",
        "doubtful",
    ):
        op.drop_column("biasdeclaration", column)
