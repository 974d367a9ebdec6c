"""writes: drop indexes that no query needs

Every index is written with its row: a transition inserts audit, deadline, co-signature,
revision and outbox rows and, because its state column is indexed, a new entry in every
index of ``proposal``. These indexes served no query another index does not serve as well:

- one foreign key column of each of seventeen tables (``cosignature.proposal_id``,
  ``vote.agenda_item_id``, …): each is the leading column of the table's unique key, whose
  index serves every query by it (``DROPPED``);
- ``instance_id`` of ``auditevent`` and ``deadline``: the second column of their unique keys
  ``(instance_type, instance_id, …)``, and every query of those tables names the instance
  type with the id;
- ``outboxmessage.status`` and ``outboxmessage.next_attempt_at``: the sender's claim and
  its next wake-up read pending messages only, through ``ix_outboxmessage_pending_next``;
  the lists read a municipality's messages through ``municipality_id``;
- ``proposal.kind``: a handful of values, always filtered within a municipality.

Measured with the transition benchmark (2 processes, PostgreSQL): about 4 % more
transitions per second without them (issue 14, docs/benchmarks.md).

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 03:45:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DROPPED = (
    ("ix_attendance_meeting_id", "attendance", "meeting_id"),
    ("ix_biasdeclaration_agenda_item_id", "biasdeclaration", "agenda_item_id"),
    ("ix_body_municipality_id", "body", "municipality_id"),
    ("ix_bodydeputy_body_id", "bodydeputy", "body_id"),
    ("ix_circulationreply_circulation_id", "circulationreply", "circulation_id"),
    ("ix_decisionresponse_request_id", "decisionresponse", "request_id"),
    ("ix_electionballot_round_id", "electionballot", "round_id"),
    ("ix_electioncandidate_election_id", "electioncandidate", "election_id"),
    ("ix_electioncount_round_id", "electioncount", "round_id"),
    ("ix_electionround_election_id", "electionround", "election_id"),
    ("ix_membership_body_id", "membership", "body_id"),
    ("ix_minutessignature_meeting_id", "minutessignature", "meeting_id"),
    ("ix_userdeputy_user_id", "userdeputy", "user_id"),
    ("ix_vote_agenda_item_id", "vote", "agenda_item_id"),
    ("ix_consultationstep_proposal_id", "consultationstep", "proposal_id"),
    ("ix_cosignature_proposal_id", "cosignature", "proposal_id"),
    ("ix_proposalrevision_proposal_id", "proposalrevision", "proposal_id"),
    ("ix_auditevent_instance_id", "auditevent", "instance_id"),
    ("ix_deadline_instance_id", "deadline", "instance_id"),
    ("ix_outboxmessage_status", "outboxmessage", "status"),
    ("ix_outboxmessage_next_attempt_at", "outboxmessage", "next_attempt_at"),
    ("ix_proposal_kind", "proposal", "kind"),
)


def upgrade() -> None:
    for name, table, _ in DROPPED:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for name, table, column in DROPPED:
        op.create_index(name, table, [column])
