"""elections

Wahlen in a meeting (§ 37 Abs. 7 GemO): the election on an agenda item, its candidates, one
row per round, the votes per candidate and round, and who cast a ballot (never for whom).
New tables only, so no batch mode is needed on SQLite (see 0004).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "election",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("mode", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("open_proposed", sa.Boolean(), nullable=False),
        sa.Column("objected_by", _json(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("elected_candidate_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["agenda_item_id"], ["agendaitem.id"]),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_election_meeting_id"), "election", ["meeting_id"], unique=False)
    op.create_index(
        op.f("ix_election_agenda_item_id"), "election", ["agenda_item_id"], unique=False
    )
    op.create_table(
        "electioncandidate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["election_id"], ["election.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("election_id", "name"),
    )
    op.create_index(
        op.f("ix_electioncandidate_election_id"),
        "electioncandidate",
        ["election_id"],
        unique=False,
    )
    op.create_table(
        "electionround",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("agenda_item_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("mode", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("entitled", sa.Integer(), nullable=False),
        sa.Column("invalid", sa.Integer(), nullable=False),
        sa.Column("required", sa.Integer(), nullable=True),
        sa.Column("lot", _json(), nullable=False),
        sa.Column("next", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("elected_candidate_id", sa.Integer(), nullable=True),
        sa.Column("runoff", _json(), nullable=False),
        sa.Column("early_reason", sa.Text(), nullable=True),
        sa.Column("recorded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agenda_item_id"], ["agendaitem.id"]),
        sa.ForeignKeyConstraint(["election_id"], ["election.id"]),
        sa.ForeignKeyConstraint(["meeting_id"], ["meeting.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("election_id", "number"),
    )
    op.create_index(
        op.f("ix_electionround_election_id"), "electionround", ["election_id"], unique=False
    )
    op.create_table(
        "electioncount",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["electioncandidate.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["electionround.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "candidate_id"),
    )
    op.create_index(op.f("ix_electioncount_round_id"), "electioncount", ["round_id"], unique=False)
    op.create_table(
        "electionballot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["round_id"], ["electionround.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "person_id"),
    )
    op.create_index(
        op.f("ix_electionballot_round_id"), "electionballot", ["round_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_electionballot_round_id"), table_name="electionballot")
    op.drop_table("electionballot")
    op.drop_index(op.f("ix_electioncount_round_id"), table_name="electioncount")
    op.drop_table("electioncount")
    op.drop_index(op.f("ix_electionround_election_id"), table_name="electionround")
    op.drop_table("electionround")
    op.drop_index(op.f("ix_electioncandidate_election_id"), table_name="electioncandidate")
    op.drop_table("electioncandidate")
    op.drop_index(op.f("ix_election_agenda_item_id"), table_name="election")
    op.drop_index(op.f("ix_election_meeting_id"), table_name="election")
    op.drop_table("election")
