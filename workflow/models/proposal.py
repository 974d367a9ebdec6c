"""The Vorlage (Beschluss-, Informations-, Ergänzungsvorlage), its number counter,
consultation plan, co-signatures and submitted versions (Fassungen)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Index, Numeric, Text, UniqueConstraint, false, text
from sqlmodel import Field, SQLModel

from workflow.models.base import JSONType, WorkflowInstance, utcnow

# Kinds of Vorlage: a Beschlussvorlage is decided; an Informationsvorlage (also called
# Mitteilungsvorlage) is only taken note of, without a vote and so without a resolution the
# mayor could object to (§ 43 Abs. 2 GemO) or that would be published (§ 41b Abs. 5 GemO);
# an Ergänzungsvorlage amends an earlier Vorlage (``supplements_id``) and is decided.
PROPOSAL_KINDS = {
    "beschluss": "Beschlussvorlage",
    "information": "Informationsvorlage",
    "ergaenzung": "Ergänzungsvorlage",
}
# Columns the database maintains (triggers of migration 0025); model_dump callers leave them out.
DATABASE_MAINTAINED = frozenset({"on_invited_agenda", "resolution_published"})
# ``workflow.publication.published_proposals`` but for the municipality's § 41b Abs. 7 test,
# with the literals that clause renders inline (a bound parameter would not prove it).
PUBLISHED_CANDIDATE = (
    "public AND publication_withheld_reason IS NULL AND state <> 'withdrawn' "
    "AND (on_invited_agenda OR resolution_published)"
)


class ProposalCounter(SQLModel, table=True):
    """Last number issued per municipality and year; bumped inside the creating transaction,
    so a rollback returns the number and concurrent creators serialize on this row."""

    municipality_id: int = Field(foreign_key="municipality.id", primary_key=True)
    year: int = Field(primary_key=True)
    last_number: int = 0


class Proposal(WorkflowInstance, table=True):
    __table_args__ = (
        UniqueConstraint("municipality_id", "year", "number"),
        # A municipality's lists page by id: the first page reads its rows, not the whole
        # municipality's (migration 0024, issue 14).
        Index("ix_proposal_municipality_id_id", "municipality_id", "id"),
        # The anonymous, portal and OParl lists across the district page the published
        # proposals by id and count them from the index alone (migration 0025, issue 14).
        Index(
            "ix_proposal_published",
            "id",
            postgresql_include=["municipality_id", "on_invited_agenda", "resolution_published"],
            postgresql_where=text(PUBLISHED_CANDIDATE),
            sqlite_where=text(PUBLISHED_CANDIDATE),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    municipality_id: int = Field(foreign_key="municipality.id")
    year: int
    number: int
    file_reference: str | None = Field(default=None, max_length=100)
    department: str | None = Field(default=None, max_length=200)
    author_name: str | None = Field(default=None, max_length=200)
    author_phone: str | None = Field(default=None, max_length=100)
    author_id: int | None = Field(default=None, foreign_key="user.id")
    proposal_date: date
    title: str = Field(max_length=500)
    resolution_text: str = Field(sa_type=Text)
    facts: str = Field(default="", sa_type=Text)
    budget_line: str | None = Field(default=None, max_length=200)  # Haushaltsstelle
    covered_by_budget: bool | None = None
    covered_amount: Decimal | None = Field(default=None, sa_type=Numeric(14, 2))
    remaining_amount: Decimal | None = Field(default=None, sa_type=Numeric(14, 2))
    unplanned_amount: Decimal | None = Field(default=None, sa_type=Numeric(14, 2))
    unplanned_coverage: str | None = Field(default=None, sa_type=Text)
    bias_notes: str | None = Field(default=None, sa_type=Text)
    public: bool = True
    non_public_reason: str | None = Field(default=None, sa_type=Text)
    attachments: list[str] = Field(default_factory=list, sa_type=JSONType)
    previous_sessions: list[dict[str, str]] = Field(default_factory=list, sa_type=JSONType)
    # Key into workflow.law.reserved_matters: only the council decides it (§ 39 Abs. 2 GemO).
    reserved_matter: str | None = Field(default=None, max_length=64)
    # Ortschaftsräte/Bezirksbeiräte to be heard before the decision (§ 70 Abs. 1, § 65 Abs. 2).
    hearing_bodies: list[int] = Field(default_factory=list, sa_type=JSONType)
    # Key into workflow.law.subjects: the committee with it in its remit advises first (§ 39 Abs. 4
    # S. 1 GemO) unless the reason for going without its Vorberatung is recorded ("soll").
    subject: str | None = Field(default=None, max_length=64)
    pre_deliberation_waived_reason: str | None = Field(default=None, sa_type=Text)
    # § 39 Abs. 4 S. 2 GemO: where the Hauptsatzung says so, the chair, a Fraktion or a sixth
    # of the council can demand the Vorberatung; then no waiver reason replaces it.
    pre_deliberation_requested_by: str | None = Field(default=None, max_length=200)
    # § 121 Abs. 2 GemO (vorlagepflichtig) and § 4 Abs. 3 GemO (a Satzung is announced):
    # execution waits for the Rechtsaufsicht or the announcement.
    requires_submission: bool = False
    requires_announcement: bool = False
    cosignatures_required: int | None = None  # k of the n requested; None = all
    current_step: int = 0  # position of the consultation step now in progress
    urgent_reason: str | None = Field(default=None, sa_type=Text)
    # Set when the proposal answers a district's decision request: the option it resolves.
    decision_option: str | None = Field(default=None, max_length=64)
    # § 41b Abs. 2 S. 2 GemO: fields holding personal data or business secrets, left out of
    # every published rendition: {"facts": "personal_data", "budget_line": "business_secret"}.
    redactions: dict[str, str] = Field(default_factory=dict, sa_type=JSONType)
    # § 41b Abs. 2 S. 3 GemO: publication omitted in the individual case, with the reason.
    publication_withheld_reason: str | None = Field(default=None, sa_type=Text)
    publication_withheld_at: datetime | None = None
    kind: str = Field(default="beschluss", max_length=32)
    # Ergänzungsvorlage: the Vorlage it amends (same municipality).
    supplements_id: int | None = Field(default=None, foreign_key="proposal.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    # Maintained by the database, never written by Python (triggers on agendaitem, meeting
    # and resolution, migration 0025): the inputs of § 41b GemO that ``workflow.publication``
    # tests in SQL. on_invited_agenda: a public agenda item of an invited meeting (§ 34 Abs. 1,
    # § 41b Abs. 2); resolution_published: a resolution with ``published_at`` (§ 41b Abs. 5).
    # A loaded object may hold a value the triggers have since changed within the transaction:
    # only SQL clauses read them. Never assign them: the ORM writes only changed attributes.
    on_invited_agenda: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    resolution_published: bool = Field(default=False, sa_column_kwargs={"server_default": false()})

    @property
    def label(self) -> str:
        """The Vorlagennummer as printed: ``8/2024``."""
        return f"{self.number}/{self.year}"

    @property
    def spends_outside_budget(self) -> bool:
        return bool(self.unplanned_amount) or self.covered_by_budget is False

    @property
    def kind_label(self) -> str:
        return PROPOSAL_KINDS.get(self.kind, self.kind)

    @property
    def is_information(self) -> bool:
        return self.kind == "information"


class ConsultationStep(SQLModel, table=True):
    """One line of the Beratungsfolge: which body advises or decides, when, in public or not."""

    __table_args__ = (UniqueConstraint("proposal_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id")  # led by the unique key's index
    position: int
    body_id: int = Field(foreign_key="body.id")
    planned_date: date | None = None
    advises: bool = False
    decides: bool = False
    public: bool = True
    outcome: str | None = Field(
        default=None, max_length=32
    )  # recommended|adopted|rejected|deferred
    recommendation: str | None = Field(default=None, sa_type=Text)
    # No foreign key: agendaitem references this table, and a cycle would break table ordering.
    agenda_item_id: int | None = None


class CoSignature(SQLModel, table=True):
    """A requested Mitzeichnung; ``mandatory`` marks the finance office when money is spent
    outside the budget plan."""

    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id")  # led by the unique key's index
    user_id: int = Field(foreign_key="user.id")
    mandatory: bool = False
    signed_at: datetime | None = None
    comment: str | None = Field(default=None, sa_type=Text)


class ProposalRevision(SQLModel, table=True):
    """A Fassung: the content of a Vorlage as it was submitted, numbered 1, 2, … per
    Vorlage; a Vorlage returned to its author and submitted again gets a new one, so what
    the co-signers and the mayor saw each time stays on record and can be compared."""

    __table_args__ = (UniqueConstraint("proposal_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id")  # led by the unique key's index
    number: int
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(max_length=100)
    # the content fields and the Beratungsfolge (workflow.revisions.snapshot)
    content: dict[str, object] = Field(default_factory=dict, sa_type=JSONType)
