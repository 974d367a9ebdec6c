"""Shapes of Beschlussvorlagen, their actions, transitions and history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, Strict, model_validator
from pydantic.json_schema import SkipJsonSchema

from api.schemas.common import (
    Amount,
    Comment,
    Flag,
    Id,
    Input,
    Output,
    Short,
    Text,
    Title,
    Version,
)
from api.schemas.decisions import OptionKey
from workflow.law.reserved_matters import RESERVED_MATTERS
from workflow.law.subjects import SUBJECTS
from workflow.limits import MAX_TEXT

Trigger = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
Username = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00]*$")]


LongText = Annotated[str, Field(min_length=1, max_length=MAX_TEXT, pattern=r"^[^\x00]*$")]
Reference = Annotated[str, Field(max_length=100, pattern=r"^[^\x00]*$")]
Attachments = Annotated[list[Short], Field(max_length=100)]
Sessions = Annotated[list[dict[str, Short]], Field(max_length=50)]


def _known_matter(key: str) -> str:
    if key not in RESERVED_MATTERS:
        raise ValueError(f"Unbekannte Angelegenheit nach § 39 Abs. 2 GemO: {key}")
    return key


ReservedMatterKey = Annotated[
    str,
    AfterValidator(_known_matter),
    Field(
        max_length=64,
        description="Angelegenheit, über die nur der Gemeinderat beschließt (§ 39 Abs. 2, "
        "§ 44 Abs. 2 Satz 3 GemO): "
        + ", ".join(f"{m.key} (Nr. {m.number})" for m in RESERVED_MATTERS.values()),
        json_schema_extra={"enum": list(RESERVED_MATTERS)},
    ),
]


def _known_subject(key: str) -> str:
    if key not in SUBJECTS:
        raise ValueError(f"Unbekanntes Aufgabengebiet: {key}")
    return key


SubjectKey = Annotated[
    str,
    AfterValidator(_known_subject),
    Field(
        max_length=64,
        description="Aufgabengebiet (§ 39 Abs. 1 Satz 1 GemO): "
        + ", ".join(f"{s.key} ({s.label})" for s in SUBJECTS.values()),
        json_schema_extra={"enum": list(SUBJECTS)},
    ),
]
ProposalSubject = Annotated[
    SubjectKey,
    Field(
        description="Aufgabengebiet der Vorlage: entscheidet der Gemeinderat, soll der "
        "beschließende Ausschuss mit diesem Aufgabengebiet vorberaten (§ 39 Abs. 4 Satz 1 GemO)"
    ),
]
WaiverReason = Annotated[
    Text,
    Field(
        description="Warum der zuständige beschließende Ausschuss nicht vorberät, z. B. weil er "
        "wegen Befangenheit nicht beschlussfähig ist (§ 39 Abs. 4 Satz 1, Abs. 5 Satz 3 GemO)"
    ),
]
PreDeliberationRequest = Annotated[
    Short,
    Field(
        description="Wer die Vorberatung im zuständigen beschließenden Ausschuss verlangt hat: "
        "der Vorsitz, eine Fraktion oder ein Sechstel der Gemeinderäte (§ 39 Abs. 4 Satz 2 "
        "GemO); bindend, wenn die Hauptsatzung es vorsieht"
    ),
]
Submission = Annotated[
    bool,
    Field(
        description="vorlagepflichtiger Beschluss: erst nach Bestätigung der Rechtsaufsicht "
        "oder einem Monat ohne Beanstandung zu vollziehen (§ 121 Abs. 2 GemO)"
    ),
]
Announcement = Annotated[
    bool,
    Field(
        description="Beschluss (Satzung) wird erst mit der öffentlichen Bekanntmachung "
        "wirksam und vorher nicht vollzogen (§ 4 Abs. 3 GemO)"
    ),
]
HearingBodies = Annotated[
    list[Id],
    Field(
        max_length=20,
        description="Ortschaftsräte/Bezirksbeiräte der Gemeinde, die vor der Entscheidung zu "
        "hören sind; die Beratungsfolge braucht vorher je einen vorberatenden Schritt "
        "(§ 70 Abs. 1, § 65 Abs. 2 GemO)",
    ),
]


class StepIn(Input):
    """One line of the Beratungsfolge; a step either advises or decides."""

    body_id: Id
    planned_date: date | None = None
    advises: Flag = False
    decides: Flag = Field(
        default=False,
        description="Gemeinderat, beschließender Ausschuss oder Ortschaftsrat mit übertragener "
        "Entscheidung (§§ 39, 41, 70 GemO)",
    )
    public: Flag = Field(
        default=True,
        description="Nichtöffentlich nur mit Begründung (non_public_reason der Vorlage); "
        "eine nichtöffentliche Vorlage wird in jedem Gremium nichtöffentlich behandelt "
        "(§ 35 Abs. 1 GemO)",
    )


Steps = Annotated[list[StepIn], Field(max_length=20)]


class StepRead(Output):
    id: int
    position: int
    body_id: int
    planned_date: date | None
    advises: bool
    decides: bool
    public: bool
    outcome: str | None
    recommendation: str | None
    agenda_item_id: int | None


class ProposalContent(Input):
    title: Title
    resolution_text: LongText
    proposal_date: date
    facts: Text = ""
    file_reference: Reference | None = None
    department: Short | None = None
    author_name: Short | None = None
    author_phone: Reference | None = None
    budget_line: Short | None = None
    covered_by_budget: Flag | None = None
    covered_amount: Amount | None = None
    remaining_amount: Amount | None = None
    unplanned_amount: Amount | None = None
    unplanned_coverage: Text | None = None
    bias_notes: Text | None = None
    public: Flag = True
    non_public_reason: Text | None = Field(
        default=None,
        description="Begründung der nichtöffentlichen Behandlung (§ 35 Abs. 1 GemO); vor der "
        "Mitzeichnung nötig, wenn die Vorlage oder einer ihrer Beratungsschritte "
        "nichtöffentlich ist",
    )
    attachments: Attachments = []
    previous_sessions: Sessions = []
    reserved_matter: ReservedMatterKey | None = None
    hearing_bodies: HearingBodies = []
    subject: ProposalSubject | None = None
    pre_deliberation_waived_reason: WaiverReason | None = None
    pre_deliberation_requested_by: PreDeliberationRequest | None = None
    requires_submission: Submission = False
    requires_announcement: Announcement = False


ProposalKind = Annotated[
    Literal["beschluss", "information", "ergaenzung"],
    Field(
        description="Art der Vorlage: Beschlussvorlage (beschluss), Informations- oder "
        "Mitteilungsvorlage (information: wird zur Kenntnis genommen, ohne Abstimmung und "
        "ohne Widerspruchsfrist nach § 43 Abs. 2 GemO), Ergänzungsvorlage (ergaenzung: "
        "ergänzt die Vorlage supplements_id); beim Anlegen festgelegt",
    ),
]


class ProposalCreate(ProposalContent):
    kind: ProposalKind = "beschluss"
    supplements_id: Id | None = Field(
        default=None,
        description="Ergänzungsvorlage: die Vorlage derselben Gemeinde, die sie ergänzt",
    )
    municipality_id: Id | None = Field(
        default=None, description="Standard: die Gemeinde des angemeldeten Benutzers"
    )
    steps: Steps = []


# Fields the database cannot store empty: present in an update means a value.
_REQUIRED = ("title", "resolution_text", "proposal_date", "facts", "public")


class ProposalUpdate(Input):
    """Only the fields sent are changed; ``steps`` replaces the consultation plan.

    Fields the table cannot store empty accept no ``null`` (``SkipJsonSchema`` keeps the
    Python default out of the document).
    """

    expected_version: Version | None = None
    title: Title | SkipJsonSchema[None] = None
    resolution_text: LongText | SkipJsonSchema[None] = None
    proposal_date: date | SkipJsonSchema[None] = None
    facts: Text | SkipJsonSchema[None] = None
    file_reference: Reference | None = None
    department: Short | None = None
    author_name: Short | None = None
    author_phone: Reference | None = None
    budget_line: Short | None = None
    covered_by_budget: Flag | None = None
    covered_amount: Amount | None = None
    remaining_amount: Amount | None = None
    unplanned_amount: Amount | None = None
    unplanned_coverage: Text | None = None
    bias_notes: Text | None = None
    public: Flag | SkipJsonSchema[None] = None
    non_public_reason: Text | None = None
    attachments: Attachments | SkipJsonSchema[None] = None
    previous_sessions: Sessions | SkipJsonSchema[None] = None
    reserved_matter: ReservedMatterKey | None = None
    hearing_bodies: HearingBodies | SkipJsonSchema[None] = None
    subject: ProposalSubject | None = None
    pre_deliberation_waived_reason: WaiverReason | None = None
    pre_deliberation_requested_by: PreDeliberationRequest | None = None
    requires_submission: Submission | SkipJsonSchema[None] = None
    requires_announcement: Announcement | SkipJsonSchema[None] = None
    steps: Steps | SkipJsonSchema[None] = None

    @model_validator(mode="after")
    def _no_nulls(self) -> ProposalUpdate:
        for name in (
            *_REQUIRED,
            "attachments",
            "previous_sessions",
            "hearing_bodies",
            "steps",
            "requires_submission",
            "requires_announcement",
        ):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} darf nicht null sein")
        return self

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True, exclude={"expected_version", "steps"})


class PlanUpdate(Input):
    expected_version: Version | None = None
    steps: Steps


class ProposalRead(Output):
    id: int
    label: str = Field(description='Vorlagennummer wie gedruckt, z. B. "8/2024"')
    municipality_id: int
    year: int
    number: int
    state: str
    state_label: str
    version: int
    definition_name: str
    definition_version: int
    title: str
    resolution_text: str
    proposal_date: date
    facts: str
    file_reference: str | None
    department: str | None
    author_name: str | None
    author_phone: str | None
    budget_line: str | None
    covered_by_budget: bool | None
    covered_amount: Decimal | None
    remaining_amount: Decimal | None
    unplanned_amount: Decimal | None
    unplanned_coverage: str | None
    bias_notes: str | None
    public: bool
    non_public_reason: str | None
    attachments: list[str]
    previous_sessions: list[dict[str, str]]
    reserved_matter: str | None
    hearing_bodies: list[int]
    subject: str | None
    pre_deliberation_waived_reason: str | None
    pre_deliberation_requested_by: str | None = None
    requires_submission: bool = False
    requires_announcement: bool = False
    current_step: int
    urgent_reason: str | None
    kind: str = "beschluss"
    kind_label: str = Field(default="Beschlussvorlage", description="Art der Vorlage in Worten")
    supplements_id: int | None = None
    created_at: datetime
    updated_at: datetime


class ProposalsRead(Output):
    data: list[ProposalRead]
    count: int
    next_cursor: str | None


class TransitionData(Input):
    """What individual transitions read (unknown keys are refused, not ignored)."""

    cosigners: Annotated[list[Username], Field(max_length=50)] | None = None
    required: Annotated[int, Strict(), Field(ge=1, le=50)] | None = None
    meeting_id: Id | None = None
    text: Text | None = None
    recommendation: Text | None = None
    emergency_reason: Comment | None = None
    late_reason: Comment | None = None
    option: OptionKey | None = Field(
        default=None, description="Abfrage: gewählte Option (link_proposal; answer mit Übertragung)"
    )
    proposal_id: Id | None = Field(
        default=None, description="Abfrage: Vorlage der eigenen Gemeinde (link_proposal)"
    )
    simple_matter: Flag | None = Field(
        default=None,
        description="Umlaufverfahren: Gegenstand einfacher Art (§ 37 Abs. 1 Satz 2 GemO)",
    )
    ground: Literal["unlawful", "detrimental"] | None = Field(
        default=None,
        description="Widerspruch: Grund, rechtswidrig (unlawful) oder nachteilig (detrimental) "
        "(§ 43 Abs. 2 GemO)",
    )
    councillors_heard: Flag | None = Field(
        default=None,
        description="Die nicht befangenen Gemeinderäte sind angehört (§ 37 Abs. 4 GemO)",
    )


class TransitionRequest(Input):
    trigger: Trigger
    expected_version: Version | None = Field(default=None, description="oder als If-Match-Header")
    comment: Comment | None = None
    data: TransitionData = TransitionData()


class DeadlineChange(Output):
    change: Literal["opened", "met", "missed", "elapsed", "cancelled"] | str
    rule: str
    label: str
    due_date: date


class FiredRead(Output):
    trigger: str
    actor: str
    source: str
    state: str
    state_label: str
    version: int
    deadlines: list[DeadlineChange]
    followed_by: list[FiredRead]


class TransitionResult(Output):
    """``state``/``version`` are those after automatic follow-ups (e.g. co-signing done)."""

    kind: str
    id: int
    trigger: str
    state: str
    state_label: str
    version: int
    deadlines: list[DeadlineChange]
    followed_by: list[FiredRead]


class HistoryEventRead(Output):
    seq: int
    at: datetime
    actor: str
    actor_role: str
    trigger: str
    source: str | None
    dest: str
    comment: str | None
    data: dict[str, Any]
    hash: str
    label: str | None = Field(
        default=None,
        description="Beschriftung der Aktion, z. B. „Freigeben“; leer bei Einträgen, die "
        "kein Übergang der Definition sind (Bearbeitet, Tagesordnungspunkt aufgenommen …): "
        "sie sind keine Aktion, was geschah sagt done_label",
    )
    done_label: str | None = Field(
        default=None,
        description="Was geschah, auf Deutsch, wie der Verlauf der Seiten es nennt: bei einem "
        "Übergang der Definition deren done_label (sonst label), z. B. „Freigegeben“; bei "
        "den übrigen Einträgen die Bezeichnung des Ereignisses, z. B. „Angelegt“, "
        "„Tagesordnungspunkt aufgenommen“, „Anlage hinzugefügt“; leer nur bei einem "
        "Ereignis ohne bekannte Bezeichnung",
        examples=["Tagesordnungspunkt aufgenommen"],
    )


class ExecutionTaskCreate(Input):
    title: Title
    owner_id: Id | None = None
    target_date: date | None = None


class ExecutionTaskClose(Input):
    status: Literal["done", "not_feasible"]
    note: Comment | None = None


class ExecutionTaskRead(Output):
    id: int
    proposal_id: int
    title: str
    owner_id: int | None
    target_date: date | None
    status: str
    note: str | None
    closed_at: datetime | None


class RevisionSummary(Output):
    """A Fassung: the content of the Vorlage as submitted (the n-th submission)."""

    number: int
    created_at: datetime
    created_by: str
    title: str


class RevisionRead(RevisionSummary):
    content: dict[str, Any] = Field(
        description="Betreff, Art, Beschlussvorschlag, Sachvortrag, Finanzierung, "
        "Öffentlichkeit und Beratungsfolge, wie sie zur Mitzeichnung gegeben wurden"
    )
