"""public information: § 41b GemO publication, redaction, OParl timestamps

* ``proposal.redactions`` (fields with personal data / business secrets, § 41b Abs. 2 S. 2),
  ``proposal.publication_withheld_reason``/``_at`` (§ 41b Abs. 2 S. 3);
* ``attachment.redaction`` (personal_data | business_secret);
* ``resolution.announced_meeting_id``/``disclosed_at`` (§ 35 Abs. 1 S. 4: non-public
  resolutions announced at the next public session);
* ``municipality.publishes_online`` (§ 41b Abs. 7: off without an electronic system) and
  ``municipality.ags`` (Amtlicher Gemeindeschlüssel for OParl);
* ``created_at``/``updated_at`` on municipality, body, person, membership and agendaitem, the
  ``created``/``modified`` of their OParl objects; existing rows get the migration's time.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 16:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAMPED = ("municipality", "body", "person", "membership", "agendaitem")


def upgrade() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
    op.add_column(
        "proposal",
        sa.Column("redactions", json, nullable=False, server_default=sa.text("'{}'")),
    )
    op.add_column("proposal", sa.Column("publication_withheld_reason", sa.Text(), nullable=True))
    op.add_column(
        "proposal",
        sa.Column("publication_withheld_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    )
    op.add_column("resolution", sa.Column("announced_meeting_id", sa.Integer(), nullable=True))
    op.add_column(
        "resolution",
        sa.Column("disclosed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    )
    op.add_column("attachment", sa.Column("redaction", sa.String(length=32), nullable=True))
    op.add_column(
        "municipality",
        sa.Column("publishes_online", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.add_column("municipality", sa.Column("ags", sa.String(length=8), nullable=True))
    for table in STAMPED:
        op.add_column(
            table, sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        op.add_column(
            table, sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        op.execute(
            sa.text(
                f"UPDATE {table} SET created_at = CURRENT_TIMESTAMP, "  # noqa: S608
                "updated_at = CURRENT_TIMESTAMP"
            )
        )


def downgrade() -> None:
    for table in reversed(STAMPED):
        op.drop_column(table, "updated_at")
        op.drop_column(table, "created_at")
    op.drop_column("municipality", "ags")
    op.drop_column("municipality", "publishes_online")
    op.drop_column("attachment", "redaction")
    op.drop_column("resolution", "disclosed_at")
    op.drop_column("resolution", "announced_meeting_id")
    op.drop_column("proposal", "publication_withheld_at")
    op.drop_column("proposal", "publication_withheld_reason")
    op.drop_column("proposal", "redactions")
