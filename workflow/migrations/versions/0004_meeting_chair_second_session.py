"""meeting chair and second session link

Who chaired a meeting signs its minutes (§ 38 Abs. 2 GemO); a second session names the
session that was not quorate (§ 37 Abs. 3 GemO).

Plain ``ADD COLUMN … REFERENCES`` instead of a batch block: on SQLite a batch rebuild of
``meeting`` drops the table, which ``PRAGMA foreign_keys=ON`` refuses while agenda items and
attendance refer to it (the pragma cannot be switched off inside the migration's transaction,
and ``defer_foreign_keys`` still counts the drop's orphans at commit). Both dialects accept an
inline reference on an added nullable column; PostgreSQL names it ``meeting_<column>_fkey``,
as it named the unnamed foreign keys of 0001.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "meeting",
        sa.Column("second_session_of", sa.Integer(), sa.ForeignKey("meeting.id"), nullable=True),
        inline_references=True,
    )
    op.add_column(
        "meeting",
        sa.Column("chair_person_id", sa.Integer(), sa.ForeignKey("person.id"), nullable=True),
        inline_references=True,
    )
    # Meetings with attendance on record were chaired by the body's standing chair (the
    # mayor) when present: the only chair the engine knew of before this revision. Where he
    # was absent the chair stays unknown (NULL).
    op.execute(
        """
        UPDATE meeting SET chair_person_id = (
            SELECT MIN(membership.person_id) FROM membership
            JOIN attendance ON attendance.person_id = membership.person_id
            WHERE membership.body_id = meeting.body_id
              AND membership.role = 'chair'
              AND attendance.meeting_id = meeting.id
              AND attendance.present
        )
        """
    )


def downgrade() -> None:
    # Dropping the column drops its inline reference on both dialects.
    op.drop_column("meeting", "chair_person_id")
    op.drop_column("meeting", "second_session_of")
