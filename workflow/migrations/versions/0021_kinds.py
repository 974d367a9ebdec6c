"""kinds of Vorlage and their Fassungen

* ``proposal.kind`` (beschluss | information | ergaenzung; existing rows are
  Beschlussvorlagen) and ``proposal.supplements_id`` (the Vorlage an Ergänzungsvorlage
  amends), added as in 0004 with an inline reference (no batch rebuild of ``proposal``);
* ``proposalrevision``: the content of a Vorlage at each submission, numbered per Vorlage.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 20:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    op.add_column(
        "proposal",
        sa.Column(
            "kind",
            sqlmodel.sql.sqltypes.AutoString(length=32),
            nullable=False,
            server_default="beschluss",
        ),
    )
    op.create_index(op.f("ix_proposal_kind"), "proposal", ["kind"], unique=False)
    op.add_column(
        "proposal",
        sa.Column("supplements_id", sa.Integer(), sa.ForeignKey("proposal.id"), nullable=True),
        inline_references=True,
    )
    op.create_index(
        op.f("ix_proposal_supplements_id"), "proposal", ["supplements_id"], unique=False
    )
    op.create_table(
        "proposalrevision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("content", json, nullable=False),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("proposal_id", "number"),
    )
    op.create_index(
        op.f("ix_proposalrevision_proposal_id"), "proposalrevision", ["proposal_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_proposalrevision_proposal_id"), table_name="proposalrevision")
    op.drop_table("proposalrevision")
    op.drop_index(op.f("ix_proposal_supplements_id"), table_name="proposal")
    with op.batch_alter_table("proposal") as batch:
        batch.drop_column("supplements_id")
    op.drop_index(op.f("ix_proposal_kind"), table_name="proposal")
    op.drop_column("proposal", "kind")
