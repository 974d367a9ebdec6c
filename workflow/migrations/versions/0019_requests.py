"""council requests: Anträge an den Gemeinderat (§ 34 Abs. 1 S. 3–6, §§ 20b, 41a GemO)

One new table ``councilrequest``: Fraktionsanträge, Anträge von Gemeinderäten, Sitzungs- and
Tagesordnungsverlangen, Einwohneranträge and requests of the youth representation, with what
they became (Vorlage, agenda item) or why they were refused. Their Fristen are ordinary
``deadline`` rows (``instance_type = 'council_request'``).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 20:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    op.create_table(
        "councilrequest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("submitted_by", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("faction", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("signer_person_ids", json, nullable=False),
        sa.Column("signature_count", sa.Integer(), nullable=True),
        sa.Column("required_signatures", sa.Integer(), nullable=True),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("refusal_ground", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column("previous_agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("settled_note", sa.Text(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipality.id"]),
        sa.ForeignKeyConstraint(["body_id"], ["body.id"]),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposal.id"]),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.ForeignKeyConstraint(["agenda_item_id"], ["agendaitem.id"]),
        sa.ForeignKeyConstraint(["previous_agenda_item_id"], ["agendaitem.id"]),
        sa.ForeignKeyConstraint(["author_id"], ["user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_councilrequest_municipality_id"),
        "councilrequest",
        ["municipality_id"],
        unique=False,
    )
    op.create_index(op.f("ix_councilrequest_body_id"), "councilrequest", ["body_id"], unique=False)
    op.create_index(op.f("ix_councilrequest_state"), "councilrequest", ["state"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_councilrequest_state"), table_name="councilrequest")
    op.drop_index(op.f("ix_councilrequest_body_id"), table_name="councilrequest")
    op.drop_index(op.f("ix_councilrequest_municipality_id"), table_name="councilrequest")
    op.drop_table("councilrequest")
