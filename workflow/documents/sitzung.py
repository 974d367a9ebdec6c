"""Documents of a meeting: Einladung, ortsübliche Bekanntmachung, Niederschrift.

Callers pass the agenda items the reader may see; these builders only split them into the
public and the non-public part (§ 35 Abs. 1 GemO) and never look for more.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlmodel import Session, col, select

from workflow import page_links
from workflow.agenda_numbers import numbered
from workflow.attendance import present_at_session
from workflow.chairs import item_chair, reason_words
from workflow.context import local_date
from workflow.documents.common import (
    body_name,
    letterhead,
    mayor_signature,
    names,
    signature_of,
)
from workflow.documents.german import day, weekday_day
from workflow.documents.model import (
    Block,
    Document,
    Fields,
    Heading,
    Paragraph,
    Signature,
    Signatures,
    Table,
)
from workflow.documents.proceedings import (
    absent_with_reasons,
    attendance_lines,
    minutes_keeper,
    motion_lines,
    origin_line,
    session_times,
)
from workflow.documents.vorlage import OUTCOMES
from workflow.law.voting import Tally
from workflow.meeting_titles import accusative, genitive
from workflow.models import (
    AgendaItem,
    Body,
    ConsultationStep,
    Meeting,
    MinutesSignature,
    Proposal,
    Resolution,
)
from workflow.queries import (
    bias_declarations,
    second_session_notice,
    stand_ins,
    steps,
    tally,
    voting_members,
)
from workflow.rules.common import grounds, member_words, vote_counts
from workflow.rules.meeting_rules import unsigned, unsigned_note
from workflow.services.public_info import step_of_item

SIGNED_STATES = ("minutes_signed", "minutes_presented")
BLANK = "____________________"  # a line to write on, where a name is not known


def _label(session: Session, item: AgendaItem) -> str:
    proposal = session.get(Proposal, item.proposal_id) if item.proposal_id else None
    return proposal.label if proposal else ""


def _agenda_table(session: Session, rows: list[tuple[str, AgendaItem]]) -> Table:
    table_rows = []
    for n, item in rows:
        label = _label(session, item)
        # The item's title ends in "(Vorlage 8/2024)" (place_on_agenda): the column says it.
        subject = titled(item).replace(f" (Vorlage {label})", "") if label else titled(item)
        table_rows.append((n, subject, label))
    return Table(header=("TOP", "Gegenstand", "Vorlage"), rows=tuple(table_rows))


def _public_agenda(
    session: Session, meeting: Meeting, rows: list[tuple[str, AgendaItem]], items: bool
) -> Table | Paragraph:
    """The public part's table, or a sentence where it has no items (no empty table);
    ``items``: whether the agenda has items at all (in the non-public part)."""
    if rows:
        return _agenda_table(session, rows)
    if meeting.state == "planned":
        if items:
            return Paragraph("Im öffentlichen Teil sind bisher keine Gegenstände vorgesehen.")
        return Paragraph("Die Tagesordnung ist noch nicht festgelegt.")
    return Paragraph("Im öffentlichen Teil werden keine Gegenstände behandelt.")


def titled(item: AgendaItem) -> str:
    """The title, marked as Nachtrag or Tischvorlage where it is one (§ 34 GemO)."""
    marks = [
        m for m, on in (("Nachtrag", item.supplement), ("Tischvorlage", item.late_paper)) if on
    ]
    return f"{item.title} ({', '.join(marks)})" if marks else item.title


def _when(meeting: Meeting) -> str:
    return f"{weekday_day(meeting.meeting_date)}, {meeting.start_time} Uhr"


def _place(meeting: Meeting) -> str:
    """``Ort: Rathaus, Sitzungssaal.``: a sentence of its own, as a free-text place takes
    no preposition that fits every place (im Rathaus, in der Turnhalle, …)."""
    location = meeting.location.strip()
    return f"Ort: {location}" if location.endswith(".") else f"Ort: {location}."


def _document(
    session: Session, meeting: Meeting, kind: str, title: str, suffix: str = "", **kwargs: object
) -> Document:
    town, arms = letterhead(session, meeting.municipality_id)
    return Document(
        kind=kind,
        title=title,
        municipality=town,
        coat_of_arms=arms,
        filename=f"{kind}-sitzung-{meeting.id}-{meeting.meeting_date.isoformat()}{suffix}",
        **kwargs,  # type: ignore[arg-type]
    )


# Where the Sitzungsunterlagen are (§ 34 Abs. 1 S. 1 GemO: they go out with the
# invitation). The Einladung on its own is what a member without e-mail gets on paper, with
# the papers enclosed; where the address of the Sitzungsmappe is known, the reader is told
# where it is online. In the Sitzungsmappe they follow it.
SEPARATE = "Die Sitzungsunterlagen liegen dieser Einladung bei."
IN_FOLDER = "Die Sitzungsunterlagen folgen in dieser Sitzungsmappe."


def papers_note(meeting: Meeting, base_url: str | None) -> str:
    """Where a reader of the Einladung on its own (printed for a member without e-mail)
    finds the Sitzungsunterlagen: online in the Sitzungsmappe at its address when
    ``base_url`` is known, else enclosed with the letter."""
    if not base_url:
        return SEPARATE
    url = base_url.rstrip("/") + page_links.sitzungsmappe(meeting.id)
    return f"Die Sitzungsunterlagen finden Sie in der Sitzungsmappe zu dieser Sitzung: {url}"


def build_einladung(
    session: Session, meeting: Meeting, items: Sequence[AgendaItem], papers: str = SEPARATE
) -> Document:
    """§ 34 Abs. 1 GemO: time, place and the items, with the § 37 Abs. 3 note for a second
    session; the non-public part only if ``items`` hold non-public ones. ``papers`` says
    where the Sitzungsunterlagen are: in the Sitzungsmappe, linked in an e-mail. A draft
    until the invitation is sent."""
    body = body_name(session, meeting.body_id)
    public_rows, secret_rows = numbered(items, True), numbered(items, False)
    draft = meeting.invited_at is None
    blocks: list[Block] = []
    if draft:
        blocks.append(Paragraph("Entwurf – die Einladung ist noch nicht versandt.", "note"))
    blocks += [
        Fields(rows=(("Datum", _when(meeting)), ("Ort", meeting.location))),
        Paragraph("Sehr geehrte Damen und Herren,"),
        Paragraph(
            f"hiermit lade ich Sie zur Sitzung {genitive(body)} am "
            f"{weekday_day(meeting.meeting_date)}, um {meeting.start_time} Uhr ein "
            f"(§ 34 Abs. 1 GemO). {_place(meeting)}"
        ),
    ]
    if meeting.emergency:
        reason = f": {meeting.emergency_reason}" if meeting.emergency_reason else ""
        blocks.append(Paragraph(f"Notsitzung ohne Frist (§ 34 Abs. 2 GemO){reason}", "note"))
    notice = second_session_notice(session, meeting)
    if notice:
        blocks.append(Paragraph(notice, "note"))
    blocks += [
        Heading("Tagesordnung – öffentlicher Teil"),
        _public_agenda(session, meeting, public_rows, bool(secret_rows)),
    ]
    if secret_rows:
        blocks += [
            Heading("Tagesordnung – nichtöffentlicher Teil"),
            _agenda_table(session, secret_rows),
        ]
    if public_rows or secret_rows:  # nothing to enclose before the agenda is set
        blocks.append(Paragraph(papers, "note"))
    blocks += [
        Paragraph("Mit freundlichen Grüßen"),
        Signatures(entries=(mayor_signature(session, meeting),)),
    ]
    return _document(
        session,
        meeting,
        "einladung",
        "Einladung",
        suffix="-entwurf" if draft else "",
        subtitle=f"zur Sitzung {genitive(body)} am {day(meeting.meeting_date)}",
        blocks=tuple(blocks),
        draft=draft,
        public=not secret_rows,
    )


def build_bekanntmachung(
    session: Session, meeting: Meeting, items: Sequence[AgendaItem]
) -> Document:
    """Ortsübliche Bekanntgabe of time, place and public agenda (§ 34 Abs. 1 S. 7 GemO);
    that a non-public part follows is said, nothing of what it is about."""
    body = body_name(session, meeting.body_id)
    public_rows = numbered(items, True)
    blocks: list[Block] = [
        Paragraph(
            f"Am {weekday_day(meeting.meeting_date)}, um {meeting.start_time} Uhr findet "
            f"eine öffentliche Sitzung {genitive(body)} statt. {_place(meeting)}"
        ),
        Heading("Tagesordnung"),
        _public_agenda(session, meeting, public_rows, any(not i.removed for i in items)),
    ]
    if any(not i.public and not i.removed for i in items):
        blocks.append(Paragraph("Im Anschluss findet eine nichtöffentliche Sitzung statt."))
    blocks.append(Paragraph("Die Einwohnerinnen und Einwohner sind hierzu eingeladen."))
    blocks.append(Signatures(entries=(mayor_signature(session, meeting),)))
    return _document(
        session,
        meeting,
        "bekanntmachung",
        "Öffentliche Bekanntmachung",
        subtitle=f"Sitzung {genitive(body)} am {day(meeting.meeting_date)}",
        blocks=tuple(blocks),
    )


def resolution_of(session: Session, item: AgendaItem) -> Resolution | None:
    return session.exec(
        select(Resolution)
        .where(Resolution.agenda_item_id == item.id)
        .order_by(col(Resolution.id).desc())
    ).first()


def vote_line(session: Session, item: AgendaItem, resolution: Resolution | None) -> str:
    counts = tally(session, item.id or 0)
    if resolution is not None and resolution.kind != "vote":
        return "ohne Abstimmung in der Sitzung"
    return vote_counts(counts.yes, counts.no, counts.abstain)


def bias_line(session: Session, item: AgendaItem) -> str:
    """§ 18 Abs. 5 GemO: who was excluded and left; § 38 Abs. 1 GemO puts it in the minutes."""
    declared = [d for d in bias_declarations(session, item.id or 0) if d.excludes]
    who = names(session, (d.person_id for d in declared))
    if not declared:
        return "keine"
    # One sentence per member, the reason its own sentence: in brackets after the name a
    # reason with brackets of its own read "((…))".
    return " ".join(
        f"{who.get(d.person_id, '')} hat mitgewirkt, obwohl befangen (nachträglich "
        f"festgestellt; § 18 Abs. 6 GemO: der Beschluss ist rechtswidrig). {grounds(d.reason)}"
        if d.after_vote
        else f"{who.get(d.person_id, '')} hat an Beratung und Beschlussfassung nicht "
        f"mitgewirkt (§ 18 GemO). {grounds(d.reason)}"
        for d in declared
    ).rstrip()


def chair_line(session: Session, meeting: Meeting, item: AgendaItem) -> str | None:
    """§ 38 Abs. 1 GemO names the chair: at an item chaired by another than the meeting's
    chair (head of the minutes), who and why (workflow.chairs); None where it is the same."""
    chair = item_chair(session, meeting, item)
    if not chair.differs:
        return None
    why = reason_words(session, meeting, chair)
    if chair.person_id is None:
        return f"Bei diesem Tagesordnungspunkt führte niemand den Vorsitz ({why})."
    who = names(session, [chair.person_id]).get(chair.person_id, "")
    return f"Den Vorsitz bei diesem Tagesordnungspunkt führte {who} ({why})."


def _item_blocks(session: Session, meeting: Meeting, number: str, item: AgendaItem) -> list[Block]:
    resolution = resolution_of(session, item)
    outcome = OUTCOMES.get(item.outcome or "", "nicht behandelt")
    rows: list[tuple[str, str]] = [("Vorlage", _label(session, item) or "–")]
    origin = origin_line(item)
    if origin:
        rows.append(("Aufnahme", origin))
    rows += [("Anwesenheit", line) for line in attendance_lines(session, item)]
    rows.append(("Befangenheit", bias_line(session, item)))
    rows += [("Antrag", line) for line in motion_lines(session, meeting, item)]
    voted = vote_line(session, item, resolution) if item.outcome else "–"
    if item.outcome == "noted":  # an Informationsvorlage or Bekanntgabe: nothing was voted on
        voted = "keine (Kenntnisnahme)"
    elif item.outcome == "announced":  # resolutions read out (§ 35 Abs. 1 S. 4 GemO)
        voted = "keine (Bekanntgabe)"
    elif item.outcome == "handled" and tally(session, item.id or 0) == Tally(0, 0, 0):
        voted = "keine"  # a free item dealt with, not voted on ("0 Ja, 0 Nein …" misled)
    if item.secret_ballot and item.outcome:
        voted = f"geheime Abstimmung: {voted}"
    rows += [("Abstimmung", voted), ("Ergebnis", outcome)]
    # Level 2 under the document's title (h1), as in the Beschlussauszug: no skipped level.
    blocks: list[Block] = [Heading(f"TOP {number}: {item.title}", 2)]
    chaired = chair_line(session, meeting, item)
    if chaired:
        blocks.append(Paragraph(chaired))
    blocks.append(Fields(rows=tuple(rows)))
    if item.deliberation_notes:
        # § 38 Abs. 1 S. 1 GemO: "den wesentlichen Inhalt der Verhandlungen"
        blocks.append(Paragraph("Wesentlicher Inhalt der Beratung:"))
        blocks += [
            Paragraph(" ".join(part.split()))
            for part in re.split(r"\n\s*\n", item.deliberation_notes)
            if part.strip()
        ]
    if resolution is not None and item.outcome in ("adopted", "rejected"):
        verb = "Beschluss" if resolution.adopted else "Abgelehnter Beschlussantrag"
        blocks += [Paragraph(f"{verb}:"), Paragraph(resolution.text, "box")]
    step = step_of_item(session, item) if item.outcome == "recommended" else None
    if step is not None:
        # An advising body's resolution is its recommendation: § 38 Abs. 1 GemO puts its
        # wording in the minutes, as a Beschluss's.
        text = step.recommendation or OUTCOMES["recommended"]
        blocks += [Paragraph(f"{recommended_to(session, step)}:"), Paragraph(text, "box")]
    return blocks


def recommended_to(session: Session, step: ConsultationStep) -> str:
    """``Empfehlung an den Gemeinderat``: the body of the plan's next step, which decides
    or deliberates next."""
    later = [s for s in steps(session, step.proposal_id) if s.position > step.position]
    body = session.get(Body, later[0].body_id) if later else None
    return f"Empfehlung an {accusative(body.name)}" if body is not None else "Empfehlung"


def build_niederschrift(
    session: Session, meeting: Meeting, items: Sequence[AgendaItem], *, public: bool
) -> Document:
    """§ 38 Abs. 1 GemO: chair, present and absent members, items, votes and the wording of
    the resolutions; one document per part; a draft until signed (Abs. 2)."""
    body = body_name(session, meeting.body_id)
    members = set(voting_members(session, meeting.body_id, meeting.meeting_date))
    present = present_at_session(session, meeting.id or 0)
    # A personal deputy present in place of an absent member counts as that member
    # (Hauptsatzung, § 40 Abs. 1 S. 2 GemO) and is named as whose deputy he took part.
    deputies = stand_ins(session, meeting)
    who = names(session, members | present | {meeting.chair_person_id or 0})
    rows = numbered(items, public)
    signed = list(
        session.exec(
            select(MinutesSignature)
            .where(MinutesSignature.meeting_id == meeting.id)
            .order_by(col(MinutesSignature.id))
        )
    )
    chair = meeting.chair_person_id
    sitting = session.get(Body, meeting.body_id)
    member, members_word = member_words(sitting.kind if sitting is not None else "")
    times = session_times(session, meeting)
    keeper = minutes_keeper(session, meeting, signed)
    attending = sorted(
        [who.get(p, "") for p in (present & members) - {chair}]
        + [
            f"{who.get(d, '')} (als Stellvertreter/in von {who.get(m, '')})"
            for d, m in deputies.items()
        ]
    )
    if chair in present & members:
        # The number present counts the chair where he is a member (the mayor in the
        # council, § 25 Abs. 1 GemO, and in a committee he chairs): named among them too,
        # so that the names add up to the number.
        attending.insert(0, f"{who.get(chair, '')} (Vorsitz)")
    blocks: list[Block] = [
        Fields(
            rows=(
                (
                    "Datum",
                    f"{weekday_day(meeting.meeting_date)}, {times}" if times else _when(meeting),
                ),
                ("Ort", meeting.location),
                # § 38 Abs. 1 GemO: the chair's name, the number present, the absent by name
                ("Vorsitz", who.get(chair or 0, "–")),
                ("Schriftführung", keeper or BLANK),
                (
                    "Anwesend",
                    f"{len(present & members) + len(deputies)} von {len(members)} Mitgliedern",
                ),
                (f"Anwesende {members_word}", ", ".join(attending) or "–"),
                ("Abwesend", absent_with_reasons(session, meeting, members)),
            )
        ),
    ]
    notice = second_session_notice(session, meeting)
    if notice:
        blocks.append(Paragraph(notice, "note"))
    if not rows:
        blocks.append(Paragraph("In diesem Teil der Sitzung wurden keine Gegenstände behandelt."))
    for number, item in rows:
        blocks += _item_blocks(session, meeting, number, item)
    blocks.append(Heading("Unterschriften (§ 38 Abs. 2 GemO)", 2))
    draft = meeting.state not in SIGNED_STATES
    missing = unsigned(session, meeting) if draft else []
    if missing:
        blocks.append(Paragraph(f"{unsigned_note(missing)}.", "note"))
    blocks.append(Signatures(entries=_signatures(session, meeting, signed, keeper, member)))
    part = "öffentliche" if public else "nichtöffentliche"
    return _document(
        session,
        meeting,
        "niederschrift",
        "Niederschrift",
        suffix="" if public else "-nichtoeffentlich",
        subtitle=f"über die {part} Sitzung {genitive(body)} am {day(meeting.meeting_date)}",
        blocks=tuple(blocks),
        draft=draft,
        public=public,
    )


def _signatures(
    session: Session,
    meeting: Meeting,
    signed: Sequence[MinutesSignature],
    keeper: str | None,
    member: str,
) -> tuple[Signature, ...]:
    """§ 38 Abs. 2 GemO: chair, two members who took part, Schriftführer. "gez." only for a
    signature given; a line to sign on for each still missing, with the name where it is
    known who signs (the chair of this session, the Schriftführer)."""
    who = names(session, [*(s.person_id for s in signed), meeting.chair_person_id or 0])
    known = {"chair": who.get(meeting.chair_person_id or 0, ""), "secretary": keeper or ""}
    functions = {"chair": "Vorsitz", "councillor": member, "secretary": "Schriftführung"}
    entries: list[Signature] = []
    for capacity, needed in (("chair", 1), ("councillor", 2), ("secretary", 1)):
        given = [s for s in signed if s.capacity == capacity]
        entries += [
            Signature(
                function=functions[capacity],
                name=signature_of(who.get(s.person_id, ""), "").name,
                signed=f"gez. am {day(local_date(s.signed_at))}",
            )
            for s in given
        ]
        name = signature_of(known.get(capacity, ""), "").name
        entries += [Signature(functions[capacity], name)] * max(needed - len(given), 0)
    return tuple(entries)
