"""Beschlussauszug: one item's resolution as adopted, for the department that executes it."""

from __future__ import annotations

from sqlmodel import Session, select

from workflow.agenda_numbers import numbered
from workflow.documents.common import body_name, letterhead, names
from workflow.documents.german import day
from workflow.documents.model import (
    Block,
    Document,
    Fields,
    Heading,
    Paragraph,
    Signature,
    Signatures,
)
from workflow.documents.sitzung import SIGNED_STATES, bias_line, vote_line
from workflow.meeting_titles import genitive
from workflow.models import AgendaItem, Meeting, MinutesSignature, Proposal, Resolution

UNSIGNED = "Entwurf – Auszug aus der noch nicht unterzeichneten Niederschrift (§ 38 Abs. 2 GemO)."


def build_auszug(
    session: Session,
    meeting: Meeting,
    item: AgendaItem,
    resolution: Resolution,
    visible: list[AgendaItem],
) -> Document:
    """The wording is the resolution's own text as adopted (it may differ from the
    Beschlussvorschlag, e.g. after an amendment); § 38 Abs. 1 GemO lists what the minutes
    hold of it: the wording, the vote, and who was excluded for bias (§ 18 GemO).

    Certified by the Schriftführer only from signed minutes (§ 38 Abs. 2 GemO); until then
    a draft, as the Niederschrift it is taken from, which says so instead."""
    town, arms = letterhead(session, meeting.municipality_id)
    body = body_name(session, meeting.body_id)
    number = next((n for n, i in numbered(visible, item.public) if i.id == item.id), "")
    proposal = session.get(Proposal, resolution.proposal_id)
    part = "öffentliche" if item.public else "nichtöffentliche"
    department = proposal.department if proposal and proposal.department else "–"
    secretary = session.exec(
        select(MinutesSignature).where(
            MinutesSignature.meeting_id == meeting.id, MinutesSignature.capacity == "secretary"
        )
    ).first()
    draft = meeting.state not in SIGNED_STATES  # as the Niederschrift (build_niederschrift)
    blocks: list[Block] = []
    if draft:
        blocks.append(Paragraph(UNSIGNED, "note"))
    blocks += [
        Heading(f"TOP {number}: {item.title}", 2),
        Fields(
            rows=(
                ("Vorlage", proposal.label if proposal else "–"),
                ("Sitzung", f"{body}, {day(meeting.meeting_date)}"),
                ("Zur Ausführung", department),
            )
        ),
        Heading("Beschluss" if resolution.adopted else "Abgelehnter Beschlussantrag", 3),
        Paragraph(resolution.text, "box"),
        Fields(
            rows=(
                ("Abstimmungsergebnis", vote_line(session, item, resolution)),
                (
                    "Stimmberechtigt anwesend",
                    f"{resolution.present_entitled} von {resolution.members} Mitgliedern",
                ),
                ("Befangenheit", bias_line(session, item)),
            )
        ),
    ]
    if resolution.unlawful_reason:
        blocks.append(Paragraph(f"Hinweis: {resolution.unlawful_reason}", "note"))
    if not draft:
        signer = (
            names(session, [secretary.person_id]).get(secretary.person_id, "") if secretary else ""
        )
        blocks += [
            Paragraph("Für die Richtigkeit des Auszugs:"),
            Signatures(entries=(Signature("Schriftführung", signer),)),
        ]
    return Document(
        kind="beschlussauszug",
        title="Beschlussauszug",
        subtitle=f"aus der Niederschrift über die {part} Sitzung {genitive(body)} "
        f"am {day(meeting.meeting_date)}",
        municipality=town,
        coat_of_arms=arms,
        blocks=tuple(blocks),
        # the TOP as printed ("noe-1" for NÖ 1), not the item's database id
        filename=f"beschlussauszug-top-{number.lower().replace('ö', 'oe').replace(' ', '-')}-"
        f"{meeting.meeting_date.isoformat()}{'-entwurf' if draft else ''}",
        draft=draft,
        public=item.public,
    )
