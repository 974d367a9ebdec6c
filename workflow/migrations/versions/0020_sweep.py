"""deadline sweep: partial indexes on the pending acts and the pending outbox

The sweep claims ``deadlineact`` rows ``WHERE status = 'pending' AND due_at <= now ORDER BY
due_at, id`` and reads ``min(due_at)`` of the pending ones; the delivery reads pending
``outboxmessage`` rows by ``next_attempt_at``. Partial indexes hold only the pending rows, so
neither grows with done acts or sent e-mails (issue 14). The plain indexes on
``deadlineact.status`` and ``deadlineact.due_at`` served only these queries and go: on SQLite
the planner preferred the status index, which holds every done act.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 20:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")


def upgrade() -> None:
    with op.batch_alter_table("deadlineact") as batch:
        batch.drop_index("ix_deadlineact_status")
        batch.drop_index("ix_deadlineact_due_at")
    op.create_index(
        "ix_deadlineact_pending_due",
        "deadlineact",
        ["due_at", "id"],
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )
    op.create_index(
        "ix_outboxmessage_pending_next",
        "outboxmessage",
        ["next_attempt_at", "id"],
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )


def downgrade() -> None:
    op.drop_index("ix_outboxmessage_pending_next", table_name="outboxmessage")
    op.drop_index("ix_deadlineact_pending_due", table_name="deadlineact")
    with op.batch_alter_table("deadlineact") as batch:
        batch.create_index("ix_deadlineact_due_at", ["due_at"], unique=False)
        batch.create_index("ix_deadlineact_status", ["status"], unique=False)
