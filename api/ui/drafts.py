"""The draft editor's form: every field of a Vorlage and its Beratungsfolge, read from the
posted form and checked in the words of the form (the engine checks the rules again).

Values are kept as typed text, so a form with a mistake comes back exactly as it was sent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from api.ui.formatting import date_example, money_de, parse_amount_de, parse_date_de
from workflow.digits import as_id, is_digits
from workflow.meeting_titles import nominative
from workflow.models import Body, ConsultationStep, Proposal
from workflow.models.proposal import PROPOSAL_KINDS
from workflow.services.proposals import ProposalFields, StepInput

# The fields as the form (vorlagen/edit.html) labels them (without "(Euro)" and "?"), in
# its order: the Verlauf says with them what an edit changed ("Bearbeitet: Betreff und
# Beratungsfolge"); "steps" is the Beratungsfolge (workflow.services.proposals._update_record).
# The two checkboxes, a sentence each in the form, get a short name.
FIELD_LABELS = {
    "kind": "Art der Vorlage",
    "supplements_id": "Ergänzte Vorlage",
    "title": "Betreff",
    "proposal_date": "Datum der Vorlage",
    "file_reference": "Aktenzeichen",
    "department": "Amt",
    "author_name": "Verfasst von",
    "author_phone": "Telefon",
    "resolution_text": "Beschlussvorschlag",
    "facts": "Sachverhalt",
    "attachments": "Anlagen (Verzeichnis)",
    "previous_sessions": "Frühere Beratungen",
    "public": "Öffentlichkeit",
    "non_public_reason": "Grund für die nichtöffentliche Beratung",
    "budget_line": "Haushaltsstelle",
    "covered_by_budget": "Im Haushaltsplan gedeckt",
    "covered_amount": "Veranschlagter Betrag",
    "remaining_amount": "Verfügbare Mittel",
    "unplanned_amount": "Außer- oder überplanmäßige Ausgabe",
    "unplanned_coverage": "Deckung der außerplanmäßigen Ausgabe",
    "steps": "Beratungsfolge",
    "reserved_matter": "Dem Gemeinderat vorbehalten (§ 39 Abs. 2 GemO)",
    "subject": "Aufgabengebiet",
    "pre_deliberation_waived_reason": (
        "Grund, ohne Vorberatung im zuständigen Ausschuss zu beraten"
    ),
    "pre_deliberation_requested_by": "Vorberatung verlangt von",
    "requires_submission": "Vorlage an die Rechtsaufsichtsbehörde (§ 121 Abs. 2 GemO)",
    "requires_announcement": "Wirksam mit der öffentlichen Bekanntmachung (§ 4 Abs. 3 GemO)",
    "hearing_bodies": "Anzuhörende Ortschaftsräte (§ 70 Abs. 1 GemO)",
    "bias_notes": "Hinweise zur Befangenheit",
}


def changed_fields(data: Mapping[str, Any] | None) -> str:
    """ ": Betreff, Beschlussvorschlag und Beratungsfolge": the fields an edit changed, as the
    form names them, from its audit event's data (``{"fields": [...]}``); "" when it names
    none this form knows (never an internal name on a page)."""
    named = (data or {}).get("fields")
    if not isinstance(named, list):
        return ""
    order = list(FIELD_LABELS)
    known = sorted((f for f in set(named) if f in FIELD_LABELS), key=order.index)
    labels = [FIELD_LABELS[f] for f in known]
    if not labels:
        return ""
    if len(labels) == 1:
        return f": {labels[0]}"
    return f": {', '.join(labels[:-1])} und {labels[-1]}"


EMPTY_ROWS = 2
MAX_AMOUNT = Decimal("1e12")  # Numeric(14, 2)
MAX_ROWS = 12
TEXT_FIELDS = (
    "title",
    "resolution_text",
    "facts",
    "file_reference",
    "department",
    "author_name",
    "author_phone",
    "budget_line",
    "unplanned_coverage",
    "bias_notes",
    "non_public_reason",
    "reserved_matter",
    "subject",
    "pre_deliberation_waived_reason",
    "pre_deliberation_requested_by",
)
# Yes/no fields kept as "ja" or "" in the form's values.
FLAG_FIELDS = ("requires_submission", "requires_announcement")
LIMITS = {"title": 500, "file_reference": 100, "department": 200, "author_name": 200,
          "author_phone": 100, "budget_line": 200,
          "pre_deliberation_requested_by": 200}  # fmt: skip
REQUIRED = {
    "title": "Bitte geben Sie den Betreff ein.",
    "resolution_text": "Bitte geben Sie den Beschlussvorschlag ein.",
    "proposal_date": "Bitte geben Sie das Datum der Vorlage ein.",
}


@dataclass
class StepRow:
    body_id: str = ""
    planned_date: str = ""
    role: str = "decides"  # advises | decides
    public: bool = True


@dataclass
class DraftForm:
    values: dict[str, str] = field(default_factory=dict)
    public: bool = True
    covered: str = ""  # "ja" | "nein" | ""
    hearing_bodies: list[str] = field(default_factory=list)
    attachments: str = ""
    rows: list[StepRow] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)

    def padded(self) -> DraftForm:
        """The plan's rows plus empty ones to add steps without JavaScript."""
        rows = [*self.rows, *(StepRow() for _ in range(EMPTY_ROWS))][:MAX_ROWS]
        return DraftForm(
            values=self.values,
            public=self.public,
            covered=self.covered,
            hearing_bodies=self.hearing_bodies,
            attachments=self.attachments,
            rows=rows,
            errors=self.errors,
        )


def from_proposal(proposal: Proposal, steps: Sequence[ConsultationStep]) -> DraftForm:
    values = {name: str(getattr(proposal, name) or "") for name in TEXT_FIELDS}
    values["kind"] = proposal.kind
    values["supplements_id"] = str(proposal.supplements_id or "")
    values.update({name: "ja" if getattr(proposal, name) else "" for name in FLAG_FIELDS})
    values["proposal_date"] = proposal.proposal_date.isoformat()
    for name in ("remaining_amount", "unplanned_amount"):
        amount = getattr(proposal, name)
        values[name] = money_de(amount).replace(" €", "") if amount is not None else ""
    covered = {True: "ja", False: "nein", None: ""}[proposal.covered_by_budget]
    rows = [
        StepRow(
            body_id=str(s.body_id),
            planned_date=s.planned_date.isoformat() if s.planned_date else "",
            role="decides" if s.decides else "advises",
            public=s.public,
        )
        for s in steps
    ]
    return DraftForm(
        values=values,
        public=proposal.public,
        covered=covered,
        hearing_bodies=[str(b) for b in proposal.hearing_bodies],
        attachments="\n".join(proposal.attachments),
        rows=rows,
    )


def blank(today: date, author_name: str, department: str | None) -> DraftForm:
    values = dict.fromkeys((*TEXT_FIELDS, *FLAG_FIELDS), "")
    values.update(
        kind="beschluss",
        supplements_id="",
        proposal_date=today.isoformat(),
        author_name=author_name,
        department=department or "",
        remaining_amount="",
        unplanned_amount="",
    )
    return DraftForm(values=values)


def read(posted: Mapping[str, Any], lists: Mapping[str, list[str]]) -> DraftForm:
    """The posted form as typed (``lists`` holds the multi-valued fields)."""

    def text(name: str) -> str:
        value = posted.get(name)
        return value.strip() if isinstance(value, str) else ""

    values = {name: text(name) for name in (*TEXT_FIELDS, "proposal_date")}
    values.update({name: "ja" if text(name) == "ja" else "" for name in FLAG_FIELDS})
    values["remaining_amount"] = text("remaining_amount")
    values["unplanned_amount"] = text("unplanned_amount")
    values["kind"] = text("kind") if text("kind") in PROPOSAL_KINDS else "beschluss"
    values["supplements_id"] = text("supplements_id")
    rows = []
    for i in range(MAX_ROWS):
        body = text(f"steps-{i}-body_id")
        if not body:
            continue
        rows.append(
            StepRow(
                body_id=body,
                planned_date=text(f"steps-{i}-planned_date"),
                role="advises" if text(f"steps-{i}-role") == "advises" else "decides",
                public=text(f"steps-{i}-public") != "nein",
            )
        )
    return DraftForm(
        values=values,
        public=text("public") != "nein",
        covered=text("covered_by_budget") if text("covered_by_budget") in ("ja", "nein") else "",
        hearing_bodies=[v for v in lists.get("hearing_bodies", []) if v],
        attachments=text("attachments"),
        rows=rows,
    )


def validate(
    form: DraftForm, body_ids: set[str], hearing_ids: set[str], today: date
) -> tuple[ProposalFields | None, list[StepInput]]:
    """The service's input, or None with ``form.errors`` naming each field in words
    (``today`` in Europe/Berlin gives the example of a date)."""
    errors = form.errors
    for name, message in REQUIRED.items():
        if not form.values.get(name):
            errors[name] = message
    for name, limit in LIMITS.items():
        if len(form.values.get(name, "")) > limit:
            errors[name] = f"Bitte höchstens {limit} Zeichen eingeben."
    day = (
        parse_date_de(form.values.get("proposal_date", ""))
        if form.values.get("proposal_date")
        else None
    )
    if form.values.get("proposal_date") and day is None:
        errors["proposal_date"] = f"Bitte ein gültiges Datum eingeben, {date_example(today)}."
    amounts: dict[str, Decimal | None] = {}
    for name in ("remaining_amount", "unplanned_amount"):
        raw = form.values.get(name, "")
        amount = parse_amount_de(raw) if raw else None
        amounts[name] = amount
        if raw and (amount is None or abs(amount) >= MAX_AMOUNT):
            errors[name] = "Bitte einen Betrag in Euro eingeben, z. B. 30.387,20."
    if not form.public and not form.values.get("non_public_reason"):
        errors["non_public_reason"] = (
            "Bitte geben Sie an, warum die Vorlage nichtöffentlich beraten wird (§ 35 GemO)."
        )
    supplements = form.values.get("supplements_id", "")
    if form.values.get("kind") == "ergaenzung" and as_id(supplements) is None:
        errors["supplements_id"] = "Bitte wählen Sie die Vorlage, die ergänzt wird."
    if any(h not in hearing_ids for h in form.hearing_bodies):
        errors["hearing_bodies"] = "Bitte wählen Sie nur Ortschaftsräte aus der Liste."
    steps = _steps(form, body_ids)
    if errors or day is None:
        return None, steps

    def optional(name: str) -> str | None:
        return form.values.get(name) or None

    content = ProposalFields(
        title=form.values["title"],
        resolution_text=form.values["resolution_text"],
        proposal_date=day,
        facts=form.values.get("facts", ""),
        file_reference=optional("file_reference"),
        department=optional("department"),
        author_name=optional("author_name"),
        author_phone=optional("author_phone"),
        budget_line=optional("budget_line"),
        covered_by_budget={"ja": True, "nein": False}.get(form.covered),
        remaining_amount=amounts["remaining_amount"],
        unplanned_amount=amounts["unplanned_amount"],
        unplanned_coverage=optional("unplanned_coverage"),
        bias_notes=optional("bias_notes"),
        public=form.public,
        non_public_reason=optional("non_public_reason"),
        attachments=[line.strip() for line in form.attachments.splitlines() if line.strip()],
        reserved_matter=optional("reserved_matter"),
        hearing_bodies=[int(h) for h in form.hearing_bodies],
        subject=optional("subject"),
        pre_deliberation_waived_reason=optional("pre_deliberation_waived_reason"),
        pre_deliberation_requested_by=optional("pre_deliberation_requested_by"),
        requires_submission=form.values.get("requires_submission") == "ja",
        requires_announcement=form.values.get("requires_announcement") == "ja",
        kind=form.values.get("kind") or "beschluss",
        supplements_id=as_id(supplements) if form.values.get("kind") == "ergaenzung" else None,
    )
    return content, steps


def _steps(form: DraftForm, body_ids: set[str]) -> list[StepInput]:
    steps: list[StepInput] = []
    for i, row in enumerate(form.rows):
        if row.body_id not in body_ids:
            form.errors[f"steps-{i}-body_id"] = "Bitte wählen Sie ein Gremium aus der Liste."
            continue
        planned = parse_date_de(row.planned_date) if row.planned_date else None
        if row.planned_date and planned is None:
            form.errors[f"steps-{i}-planned_date"] = "Bitte ein gültiges Datum eingeben."
        steps.append(
            StepInput(
                body_id=int(row.body_id),
                planned_date=planned,
                advises=row.role == "advises",
                decides=row.role == "decides",
                public=row.public,
            )
        )
    return steps


# "Der Gemeinderat beschließt …", "Der Gemeinderat stimmt … zu": the council as the one who
# resolves. "dem Gemeinderat", "des Gemeinderats" name it otherwise and are left alone.
COUNCIL_RESOLVES = re.compile(
    r"\bder\s+Gemeinderat\b|\bGemeinderat\s+beschlie(?:ß|ss)t\b", re.IGNORECASE
)


def council_named_warning(resolution_text: str, deciding: Body | None) -> str | None:
    """A Beschlussvorschlag that has the Gemeinderat resolve while a beschließender Ausschuss
    is to decide (§ 39 GemO): a warning, not a refusal, since the text may rightly mention
    the council (a matter it delegated); the author reads the sentence before submitting."""
    if deciding is None or deciding.kind == "council":
        return None
    if not COUNCIL_RESOLVES.search(resolution_text or ""):
        return None
    return (
        "Der Beschlussvorschlag nennt den Gemeinderat, beschließen soll aber "
        f"{nominative(deciding.name)}."
    )


def draft_warning(form: DraftForm, bodies: Sequence[Body]) -> str | None:
    """``council_named_warning`` for the form as typed: its deciding row's body."""
    by_id = {str(b.id): b for b in bodies}
    deciding = next(
        (by_id[r.body_id] for r in form.rows if r.role == "decides" and r.body_id in by_id),
        None,
    )
    return council_named_warning(form.values.get("resolution_text", ""), deciding)


def engine_field(field_name: str | None) -> str:
    """The form field of an engine error's field (``steps.1.decides`` → ``steps-1-role``)."""
    if not field_name:
        return "title"
    parts = field_name.split(".")
    if parts[0] == "steps" and len(parts) >= 2 and is_digits(parts[1]):
        sub = parts[2] if len(parts) > 2 else "body_id"
        return f"steps-{parts[1]}-{'role' if sub in ('decides', 'advises') else sub}"
    if parts[0] == "hearing_bodies":
        return "hearing_bodies"
    return parts[0]
