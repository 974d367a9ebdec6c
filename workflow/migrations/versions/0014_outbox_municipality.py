"""outbox messages know their municipality

Invitations also go to members without an account (``user_id`` empty); the administrators
of the municipality must still see them in the outbox. Existing rows take the municipality
of their user.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 16:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outboxmessage") as batch:
        batch.add_column(sa.Column("municipality_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_outboxmessage_municipality_id", "municipality", ["municipality_id"], ["id"]
        )
        batch.create_index("ix_outboxmessage_municipality_id", ["municipality_id"])
    op.execute(
        'UPDATE outboxmessage SET municipality_id = (SELECT "user".municipality_id FROM "user" '
        'WHERE "user".id = outboxmessage.user_id) WHERE user_id IS NOT NULL'
    )


def downgrade() -> None:
    with op.batch_alter_table("outboxmessage") as batch:
        batch.drop_index("ix_outboxmessage_municipality_id")
        batch.drop_constraint("fk_outboxmessage_municipality_id", type_="foreignkey")
        batch.drop_column("municipality_id")
