"""The Vorlage in the layout of the seed (Vorlage Nr. 8/2024 of Ilsfeld); an Informations-
or Ergänzungsvorlage says so in its header."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, col, select

from workflow.documents.common import names
from workflow.documents.german import day
from workflow.documents.model import (
    CHECKED,
    UNCHECKED,
    Block,
    Document,
    Fields,
    Heading,
    Paragraph,
    Table,
)
from workflow.law.budget_coverage import format_euro as euro
from workflow.models import AgendaItem, Body, ConsultationStep, Meeting, Municipality, Proposal
from workflow.outcomes import OUTCOME_LABELS
from workflow.publication import omission_note, redacted_value
from workflow.queries import bias_declarations, steps, tally
from workflow.rules.common import grounds, vote_counts
from workflow.supervision import municipality_title

OUTCOMES = OUTCOME_LABELS
# Committees first, the council last, as on the seed's form.
BODY_ORDER = {"deciding_committee": 0, "advisory_committee": 0, "local_council": 1, "council": 2}


def mark(checked: bool) -> str:
    return CHECKED if checked else UNCHECKED


def _bodies(session: Session, proposal: Proposal, plan: list[ConsultationStep]) -> list[Body]:
    """The municipality's council and committees (the form's rows), plus any body of the plan
    (e.g. an Ortschaftsrat to be heard)."""
    planned = {s.body_id for s in plan}
    bodies = [
        b
        for b in session.exec(select(Body).where(Body.municipality_id == proposal.municipality_id))
        if b.kind != "local_council" or b.id in planned
    ]
    return sorted(bodies, key=lambda b: (BODY_ORDER.get(b.kind, 1), b.id or 0))


def session_day(session: Session, step: ConsultationStep) -> date | None:
    """The day of the meeting whose agenda holds the step (held, or set for it), else the
    day planned when the Vorlage was written: the plan is not the record."""
    item = session.get(AgendaItem, step.agenda_item_id) if step.agenda_item_id else None
    meeting = session.get(Meeting, item.meeting_id) if item is not None else None
    return meeting.meeting_date if meeting is not None else step.planned_date


def consultation_table(session: Session, proposal: Proposal) -> Table:
    """Beratung | Beschluss, one row per body: ☒ Gemeinderat am 23.04.2024, and the
    öffentlich/nicht öffentlich marks of each column (§ 35 Abs. 1 GemO)."""
    plan = steps(session, proposal.id or 0)
    rows: list[tuple[str, ...]] = []
    for body in _bodies(session, proposal, plan):
        mine = [s for s in plan if s.body_id == body.id]
        deliberates = mine[0] if mine else None
        deciding = next((s for s in mine if s.decides), None)

        def cell(step: ConsultationStep | None, name: str = body.name) -> str:
            on = session_day(session, step) if step else None
            when = f" {day(on)}" if on else ""
            return f"{mark(step is not None)} {name} am{when}"

        rows.append((cell(deliberates), cell(deciding)))
    advising_public = all(s.public for s in plan) if plan else proposal.public
    deciding_steps = [s for s in plan if s.decides]
    deciding_public = all(s.public for s in deciding_steps) if deciding_steps else proposal.public

    def visibility(public: bool) -> str:
        return f"{mark(public)} öffentlich {mark(not public)} nicht öffentlich"

    rows.append((visibility(advising_public), visibility(deciding_public)))
    # An Informationsvorlage is taken note of, not decided on.
    last = "Kenntnisnahme" if proposal.is_information else "Beschluss"
    return Table(header=("Beratung", last), rows=tuple(rows))


def previous_sessions(session: Session, proposal: Proposal) -> list[tuple[str, str]]:
    """Sessions recorded in the text the Vorlage came from, then those of its own history."""
    rows: list[tuple[date, str]] = [
        (date.fromisoformat(s["date"]), s["body"]) for s in proposal.previous_sessions
    ]
    held = session.exec(
        select(ConsultationStep, AgendaItem, Meeting, Body)
        .join(AgendaItem, col(AgendaItem.id) == col(ConsultationStep.agenda_item_id))
        .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
        .join(Body, col(Body.id) == col(Meeting.body_id))
        .where(ConsultationStep.proposal_id == proposal.id, col(AgendaItem.outcome).is_not(None))
        .order_by(col(Meeting.meeting_date))
    ).all()
    for _, item, meeting, body in held:
        label = OUTCOMES.get(item.outcome or "", item.outcome or "")
        rows.append((meeting.meeting_date, f"{body.name} ({label})"))
    return [(day(d), name) for d, name in sorted(rows, key=lambda r: r[0])]


def recommendations(session: Session, proposal: Proposal, *, published: bool) -> list[str]:
    """``Technischer Ausschuss am 16.04.2024 (8 Ja, 0 Nein, 0 Enthaltungen): Zustimmung
    empfohlen``: what each advising body resolved to recommend (§ 39 Abs. 4 GemO; the
    committee's resolution, § 38 Abs. 1 GemO), for the body that decides. The published
    rendition leaves out what was recommended in a non-public session (§ 35 Abs. 1 GemO)."""
    lines = []
    for step in steps(session, proposal.id or 0):
        if step.outcome != "recommended" or step.agenda_item_id is None:
            continue
        item = session.get(AgendaItem, step.agenda_item_id)
        meeting = session.get(Meeting, item.meeting_id) if item is not None else None
        body = session.get(Body, step.body_id)
        if item is None or meeting is None or body is None or (published and not item.public):
            continue
        t = tally(session, item.id or 0)
        text = " ".join((step.recommendation or OUTCOMES["recommended"]).split())
        lines.append(
            f"{body.name} am {day(meeting.meeting_date)} "
            f"({vote_counts(t.yes, t.no, t.abstain)}): {text}"
        )
    return lines


def bias(session: Session, proposal: Proposal, *, published: bool) -> list[Paragraph]:
    """What the author noted, then who was excluded in a session for bias, by name (§ 18
    GemO, as the minutes record it); "–" where nothing is known: an empty field does not
    say that no member is biased. The published rendition names only those of public
    sessions (§ 35 Abs. 1 GemO)."""
    lines = [Paragraph(proposal.bias_notes)] if proposal.bias_notes else []
    held = session.exec(
        select(AgendaItem, Meeting, Body)
        .join(Meeting, col(Meeting.id) == col(AgendaItem.meeting_id))
        .join(Body, col(Body.id) == col(Meeting.body_id))
        .where(AgendaItem.proposal_id == proposal.id, ~col(AgendaItem.removed))
        .order_by(col(Meeting.meeting_date), col(AgendaItem.id))
    ).all()
    for item, meeting, body in held:
        if published and not item.public:
            continue
        declared = [d for d in bias_declarations(session, item.id or 0) if d.excludes]
        who = names(session, (d.person_id for d in declared))
        lines += [
            Paragraph(
                f"{body.name} am {day(meeting.meeting_date)}: {who.get(d.person_id, '')} hat "
                "an Beratung und Beschlussfassung nicht mitgewirkt (§ 18 GemO). "
                f"{grounds(d.reason)}".rstrip()
            )
            for d in declared
        ]
    return lines or [Paragraph("–")]


def financing(proposal: Proposal) -> Fields:
    """The seed's three lines; empty ones keep the form's blank (§ 84 GemO: spending outside
    the plan names its coverage)."""
    # The Haushaltsstelle (text) and the amount the plan covers are separate fields.
    parts = [f"HH-Stelle {proposal.budget_line}"] if proposal.budget_line else []
    if proposal.covered_amount is not None:
        parts.append(euro(proposal.covered_amount))
    covered = ", ".join(parts)
    if proposal.covered_by_budget is False and not covered:
        covered = "nein"
    unplanned = ""
    if proposal.unplanned_amount is not None:
        unplanned = euro(proposal.unplanned_amount)
        coverage = proposal.unplanned_coverage
        if coverage:
            prefix = "" if coverage.lower().startswith("deckung") else "Deckung: "
            unplanned += f", {prefix}{coverage}"
    remaining = euro(proposal.remaining_amount) if proposal.remaining_amount is not None else ""
    return Fields(
        rows=(
            ("Durch HH-Plan, Haushaltsstelle abgedeckt:", covered or "_____"),
            ("Restliche Verfügungssumme bei der HH-Stelle:", remaining or "_____"),
            ("Außer-/Überplanmäßig:", unplanned or "_____"),
        )
    )


def paragraphs(text: str) -> list[Paragraph]:
    return [Paragraph(p.strip()) for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def build_vorlage(
    session: Session,
    proposal: Proposal,
    attachments: Sequence[str],
    *,
    published: bool = False,
    left_out: int = 0,
) -> Document:
    """``attachments``: the names the reader may see (non-public ones already left out).

    ``published``: the rendition for the public (§ 41b Abs. 2 S. 2 GemO): fields marked as
    personal data or business secret are replaced by a note, and a closing note says what
    (including ``left_out`` attachments) was left out.
    """
    if published:
        proposal = _redacted(proposal)
    municipality = session.get(Municipality, proposal.municipality_id)
    author = ", ".join(x for x in (proposal.author_name, proposal.author_phone) if x)
    head = Fields(
        rows=(
            ("AZ", proposal.file_reference or ""),
            ("Amt", proposal.department or ""),
            ("Verfasser", author),
            ("Datum", day(proposal.proposal_date)),
        )
    )
    sessions = previous_sessions(session, proposal)
    recommended = recommendations(session, proposal, published=published)
    enclosed = [*proposal.attachments, *attachments]
    blocks: list[Block] = [
        head,
        Heading(proposal.title, level=2),
        consultation_table(session, proposal),
    ]
    if not proposal.public and proposal.non_public_reason:
        blocks.append(Paragraph(f"Nichtöffentlich: {proposal.non_public_reason}", "note"))
    proposed = "Zur Kenntnisnahme" if proposal.is_information else "Beschlussvorschlag"
    blocks += [
        Heading("Befangenheit", 3),
        *bias(session, proposal, published=published),
        Heading(proposed, 3),
        Paragraph(proposal.resolution_text, "box"),
    ]
    if recommended:
        blocks.append(Heading("Empfehlung der Vorberatung", 3))
        blocks += [Paragraph(line) for line in recommended]
    blocks += [
        Heading("Bisherige Sitzungen", 3),
        Table(header=("Datum", "Gremium"), rows=tuple(sessions))
        if sessions
        else Paragraph("Die Vorlage wurde noch in keiner Sitzung beraten."),
        Heading("Finanzierung", 3),
        financing(proposal),
        Heading("Sachvortrag", 3),
        *paragraphs(proposal.facts),
        Heading(f"{proposed}:", 3),
        Paragraph(proposal.resolution_text, "box"),
    ]
    if enclosed:
        blocks += [Heading("Anlagen", 3), Table(("Nr.", "Anlage"), _numbered(enclosed))]
    note = omission_note(proposal, left_out) if published else None
    if note:
        blocks.append(Paragraph(note, "note"))
    name = "Vorlage" if proposal.kind == "beschluss" else proposal.kind_label
    return Document(
        kind="vorlage",
        title=f"{name} Nr. {proposal.label}",
        subtitle=_amends(session, proposal),
        municipality=municipality_title(municipality) if municipality else "",
        blocks=tuple(blocks),
        filename=f"vorlage-{proposal.number}-{proposal.year}",
        public=proposal.public,
        attachments=tuple(enclosed),
    )


def _amends(session: Session, proposal: Proposal) -> str | None:
    """``Ergänzungsvorlage zu Nr. 8/2024 (Neubau Bauhof)``."""
    if proposal.supplements_id is None:
        return None
    amended = session.get(Proposal, proposal.supplements_id)
    if amended is None:
        return None
    # the amended Vorlage's subject only where it is public itself (§ 35 Abs. 1 GemO)
    subject = f" ({amended.title})" if amended.public else ""
    return f"Ergänzungsvorlage zu Nr. {amended.label}{subject}"


def _redacted(proposal: Proposal) -> Proposal:
    """A detached copy with the redacted fields replaced (the row itself stays untouched)."""
    if not proposal.redactions:
        return proposal
    copy = Proposal.model_validate(proposal.model_dump())
    for field in proposal.redactions:
        value = getattr(proposal, field, None)
        if isinstance(value, str):
            setattr(copy, field, redacted_value(proposal, field, value))
    return copy


def _numbered(names: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    return tuple((str(i), name) for i, name in enumerate(names, start=1))
