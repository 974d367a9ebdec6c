"""agenda item chair

Who chairs an agenda item where the rule does not decide it (workflow.chairs): the member
the body determined when the mayor and all his Stellvertreter are prevented (§ 48 Abs. 1
GemO), or an explicit handover; the minutes name him (§ 38 Abs. 1 GemO).

Plain ``ADD COLUMN … REFERENCES`` as in 0004: a batch rebuild of ``agendaitem`` on SQLite
would drop the table, which ``PRAGMA foreign_keys=ON`` refuses while votes and bias
declarations refer to it, and would drop its triggers of 0025 as well. Both dialects accept
an inline reference on an added nullable column; PostgreSQL names it
``agendaitem_chair_person_id_fkey``. Existing items keep NULL: their chair is derived.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-08 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "agendaitem",
        sa.Column("chair_person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=True),
        inline_references=True,
    )


def downgrade() -> None:
    # Dropping the column drops its inline reference on both dialects. SQLite (3.35+)
    # drops a column without rebuilding the table, so the triggers of 0025 stay.
    op.drop_column("agendaitem", "chair_person_id")
