"""documents and mail: invitation attachments as files, deliberation notes in the minutes

* ``outboxattachment``: the files an outbox e-mail carries (Anlagen of an invitation below
  ``RATSFLOW_MAIL_ATTACHMENT_MAX_BYTES``, § 34 Abs. 1 S. 1 GemO), by SHA-256 in the file store;
* ``agendaitem.deliberation_notes``: the essential content of the deliberation on an item,
  for the Niederschrift (§ 38 Abs. 1 S. 1 GemO).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 20:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outboxattachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outbox_message_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["outbox_message_id"], ["outboxmessage.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_outboxattachment_outbox_message_id"),
        "outboxattachment",
        ["outbox_message_id"],
        unique=False,
    )
    op.add_column("agendaitem", sa.Column("deliberation_notes", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("agendaitem", "deliberation_notes")
    op.drop_index(op.f("ix_outboxattachment_outbox_message_id"), table_name="outboxattachment")
    op.drop_table("outboxattachment")
