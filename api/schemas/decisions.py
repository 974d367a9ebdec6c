"""Shapes of Abfragen des Landratsamts, the municipalities' responses and the overview."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from api.schemas.common import Id, Input, Name, Output, Short, Text, Title

OptionKey = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description='Schlüssel der Option, z. B. "belassen"',
    ),
]


def _plausible_year(day: date) -> date:
    # Deadlines are computed around the date (reminders before, escalation after): the
    # calendar's ends would overflow.
    if not 1900 <= day.year <= 2999:
        raise ValueError("Datum zwischen 1900 und 2999 erwartet")
    return day


Day = Annotated[date, AfterValidator(_plausible_year)]
CENT = Decimal("0.01")
Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=14, decimal_places=2, allow_inf_nan=False),
    AfterValidator(lambda amount: amount.quantize(CENT)),  # stored as text: "12000.00"
]


class OptionIn(Input):
    key: OptionKey
    label: Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]
    description: Annotated[str, Field(max_length=5_000, pattern=r"^[^\x00]*$")] = ""


class DecisionRequestCreate(Input):
    """A draft request; it reaches the municipalities with the ``send`` transition."""

    title: Title
    explanation: Text = Field(default="", description="Sachverhalt, wie ihn die Gemeinden lesen")
    options: Annotated[list[OptionIn], Field(min_length=2, max_length=10)]
    default_option: OptionKey = Field(
        description="gilt für jede Gemeinde, die bis zur Antwortfrist nicht antwortet"
    )
    reply_deadline: Day = Field(description="Antwortfrist (letzter Tag)")
    effective_date: Day | None = Field(default=None, description="gilt ab, z. B. 2025-01-01")
    amounts: Annotated[dict[Name, Money], Field(max_length=100)] = Field(
        default_factory=dict,
        description="Betrag je Gemeinde (Name → Euro) bei eigener Durchführung",
    )
    targets: Annotated[list[Name], Field(min_length=1, max_length=100)] | None = Field(
        default=None, description="Namen der befragten Gemeinden; Standard: alle des Landkreises"
    )
    attachments: Annotated[list[Short], Field(max_length=100)] = []

    @model_validator(mode="after")
    def _consistent(self) -> DecisionRequestCreate:
        keys = [o.key for o in self.options]
        if len(set(keys)) != len(keys):
            raise ValueError("Die Schlüssel der Optionen müssen eindeutig sein")
        if self.default_option not in keys:
            raise ValueError("Die Standardoption muss eine der Optionen sein")
        if self.targets is not None and len(set(self.targets)) != len(self.targets):
            raise ValueError("Jede Gemeinde darf nur einmal befragt werden")
        return self


class OptionRead(Output):
    key: str
    label: str
    description: str = ""


class DecisionRequestRead(Output):
    id: int
    district_id: int
    title: str
    explanation: str
    options: list[OptionRead]
    default_option: str
    reply_deadline: date
    effective_date: date | None
    amounts: dict[str, Decimal]
    targets: list[int] = Field(description="IDs der befragten Gemeinden")
    attachments: list[str]
    state: str
    state_label: str
    version: int
    definition_name: str
    definition_version: int
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime


class DecisionRequestsRead(Output):
    data: list[DecisionRequestRead]
    count: int
    next_cursor: str | None


class DecisionResponseRead(Output):
    id: int
    request_id: int
    request_title: str
    reply_deadline: date
    municipality_id: int
    municipality: str = Field(description="Name der Gemeinde")
    amount: Decimal | None
    proposal_id: int | None = Field(description="verknüpfte Beschlussvorlage")
    option: str | None
    option_label: str
    decided_by: str | None = Field(description="entscheidendes Gremium oder Bürgermeister/in")
    decided_on: date | None
    resolution_id: int | None
    answered_at: datetime | None
    late: bool
    state: str
    state_label: str
    version: int
    definition_name: str
    definition_version: int
    updated_at: datetime


class DecisionResponsesRead(Output):
    data: list[DecisionResponseRead]
    count: int
    next_cursor: str | None


class ProposalFromRequest(Input):
    """The Vorlage the municipality's body decides, pre-filled from the request."""

    option: OptionKey = Field(description="vorgeschlagene Option (Beschlussvorschlag)")
    body_id: Id = Field(description="entscheidendes Gremium der Gemeinde")


class OverviewRowRead(Output):
    response_id: int
    municipality: str
    state: str
    state_label: str
    option: str | None
    option_label: str
    decided_by: str | None = Field(description="entscheidendes Gremium oder Bürgermeister/in")
    decided_on: date | None
    proposal: str | None = Field(description='Vorlagennummer, z. B. "8/2024"')
    earliest_decision: date | None = Field(
        description="frühestmöglicher Beschluss nach dem Sitzungsplan, solange offen"
    )
    late: bool = Field(description="verspätet beantwortet")
    overdue: bool = Field(description="Antwortfrist verstrichen, noch keine Antwort")


class OptionTotal(Output):
    option: str
    label: str
    count: int


class OverviewRead(Output):
    request_id: int
    title: str
    state: str
    reply_deadline: date
    default_option: str
    rows: list[OverviewRowRead]
    totals: list[OptionTotal]
    overdue: list[str] = Field(description="Gemeinden mit versäumter Antwortfrist")
