"""Einberufung, ortsübliche Bekanntgabe and Öffentlichkeit (§§ 34, 35 GemO)."""

from __future__ import annotations

from datetime import date

from workflow.documents import german
from workflow.law.consultation import agenda_visibility
from workflow.legality.common import event_evidence, in_meeting, worded
from workflow.legality.facts import Facts
from workflow.legality.model import FAILED, MET, NOT_APPLICABLE, UNKNOWN, Check, Evidence

INVALID = (
    "Beschluss rechtswidrig: nicht ordnungsgemäß einberufene Sitzung (Verfahrensfehler); "
    "anfechtbar, Widerspruch des Bürgermeisters (§ 43 Abs. 2 GemO) oder Beanstandung "
    "durch die Rechtsaufsicht (§ 121 Abs. 1 GemO) möglich"
)
# Triggers that record the ortsübliche Bekanntgabe of a session (services/announcements).
ANNOUNCE_TRIGGERS = ("record_announcement",)


def _outside_meeting(key: str, title: str, paragraph: str, f: Facts) -> Check:
    kind = {
        "urgent": "Eilentscheidung des Bürgermeisters (§ 43 Abs. 4 GemO)",
        "circulation": "Umlaufverfahren (§ 37 Abs. 1 Satz 2 GemO)",
        "mayor": "Entscheidung des Bürgermeisters anstelle des Gemeinderats (§ 37 Abs. 4 GemO)",
    }.get(f.resolution.kind, "kein Beschluss in einer Sitzung")
    return Check(key, title, paragraph, NOT_APPLICABLE, worded(f, f"Ohne Sitzung gefasst: {kind}"))


def invitation(f: Facts) -> Check:
    """§ 34 Abs. 1 S. 1 GemO: the invitation with the agenda "in der Regel mindestens sieben
    Tage vor dem Sitzungstag"; § 34 Abs. 2: an emergency session without a period."""
    key, title, para = "einberufung", "Ordnungsgemäße Einberufung", "§ 34 Abs. 1 und 2 GemO"
    if not in_meeting(f) or f.meeting is None:
        return _outside_meeting(key, title, para, f)
    invites = f.meeting_with("invite")
    if not invites:
        return Check(
            key,
            title,
            para,
            UNKNOWN,
            "Das Protokoll der Sitzung enthält keine Einladung",
            consequence=worded(f, INVALID),
        )
    invite = invites[0]
    sent = invite.data.get("invitations")
    to = f" an {sent} Empfänger (mit Tagesordnung und Unterlagen)" if isinstance(sent, int) else ""
    evidence = [event_evidence(invite, f"Einladung versandt von {invite.who}{to}")]
    scheduled = [
        e
        for e in f.proposal_events
        if e.trigger == "schedule"
        and e.data.get("agenda_item_id") == (f.item.id if f.item else None)
    ]
    if scheduled:
        evidence.append(event_evidence(scheduled[-1], "Vorlage auf die Tagesordnung gesetzt"))
    if scheduled and scheduled[-1].at > invite.at:
        return Check(
            key,
            title,
            para,
            FAILED,
            "Der Tagesordnungspunkt wurde erst nach der Einladung auf die Tagesordnung gesetzt "
            "und war nicht Teil der Einladung (§ 34 Abs. 1 Satz 1 GemO)",
            tuple(evidence),
            worded(f, INVALID),
        )
    latest = f.invitation_latest
    # Members no e-mail reached, invited in writing (workflow.services.written_invitations).
    late_in_writing: list[str] = []
    in_writing: set[int] = set()
    for event in f.meeting_with("record_written_invitation"):
        sent = date.fromisoformat(str(event.data.get("on")))
        invited_ids = [int(p) for p in event.data.get("person_ids", [])]
        in_writing.update(invited_ids)
        names = f.names(invited_ids)
        evidence.append(
            event_evidence(event, f"Schriftliche Einladung an {names} am {german.day(sent)}")
        )
        if latest is not None and sent > latest:
            late_in_writing.append(f"{names} erst am {german.day(sent)}")
    excused = f.meeting.emergency_reason or f.meeting.late_invitation_reason
    # a late e-mail invitation is the finding (below); the written ones are judged beside one
    # in time
    mailed_late = latest is not None and invite.day > latest
    if late_in_writing and not excused and latest is not None and not mailed_late:
        return Check(
            key,
            title,
            para,
            FAILED,
            f"Schriftliche Einladung an {'; '.join(late_in_writing)}, spätestens hätte sie am "
            f"{german.day(latest)} versandt werden müssen (§ 34 Abs. 1 Satz 1 GemO)",
            tuple(evidence),
            worded(f, INVALID),
        )
    # Neither an e-mail nor a recorded written invitation: that the member was invited is not
    # shown (an emergency session is convened "formlos", § 34 Abs. 2 GemO: not asked there).
    unproven = [p for p in f.not_mailed if p not in in_writing]
    if (
        unproven
        and not f.meeting.emergency_reason
        and (f.meeting.late_invitation_reason or (latest is not None and invite.day <= latest))
    ):
        return Check(
            key,
            title,
            para,
            UNKNOWN,
            f"Einladung am {german.day(invite.day)}; für {f.names(unproven)} ist "
            "weder eine E-Mail noch eine schriftliche Einladung erfasst (§ 34 Abs. 1 Satz 1 "
            "GemO: jedes Mitglied ist einzuladen). Erfassen Sie die schriftliche Einladung auf "
            "der Seite der Sitzung",
            tuple(evidence),
            worded(f, INVALID),
        )
    if latest is not None and invite.day <= latest:
        return Check(
            key,
            title,
            para,
            MET,
            f"Einladung am {german.day(invite.day)}, spätestens am {german.day(latest)} "
            f"({f.invitation_period} vor der Sitzung am {german.day(f.meeting.meeting_date)})",
            tuple(evidence),
        )
    emergency = f.meeting.emergency_reason
    if emergency:
        return Check(
            key,
            title,
            para,
            MET,
            f"Notsitzung ohne Frist (§ 34 Abs. 2 GemO), Grund: {emergency}",
            tuple(evidence),
        )
    if f.meeting.late_invitation_reason:
        return Check(
            key,
            title,
            para,
            MET,
            f"Verkürzte Ladungsfrist mit Begründung (§ 34 Abs. 1 Satz 1 GemO: „in der Regel“): "
            f"{f.meeting.late_invitation_reason}",
            tuple(evidence),
        )
    return Check(
        key,
        title,
        para,
        FAILED,
        f"Einladung erst am {german.day(invite.day)}, spätestens hätte sie am "
        f"{german.day(latest) if latest else '–'} versandt werden müssen; weder Notsitzung "
        "(§ 34 Abs. 2 GemO) noch ein Grund für die kürzere Frist ist erfasst",
        tuple(evidence),
        # the curing by appearance is commentary and case law, not the GemO's words, and not
        # verified here (DOMAIN.md: UNVERIFIED): said as a question to check, not as the rule
        worded(f, INVALID)
        + "; ob der Mangel geheilt ist, weil alle Mitglieder erschienen sind und keines die "
        "Verletzung gerügt hat, ist rechtlich zu prüfen (nicht in der GemO geregelt)",
    )


def announcement(f: Facts) -> Check:
    """§ 34 Abs. 1 S. 7 GemO: time, place and agenda of a public session "rechtzeitig
    ortsüblich bekannt zu geben"."""
    key, title, para = "bekanntgabe", "Ortsübliche Bekanntgabe", "§ 34 Abs. 1 Satz 7 GemO"
    if not in_meeting(f) or f.meeting is None:
        return _outside_meeting(key, title, para, f)
    if not f.public_items:
        return Check(key, title, para, NOT_APPLICABLE, "Die Sitzung hat keinen öffentlichen Teil")
    found = [e for e in f.meeting_events if e.trigger in ANNOUNCE_TRIGGERS]
    if f.meeting.emergency_reason:
        # § 34 Abs. 2 GemO: an emergency session is convened "ohne Frist und formlos";
        # Abs. 1 Satz 7 (the ortsübliche Bekanntgabe) does not apply to it
        return Check(
            key,
            title,
            para,
            NOT_APPLICABLE,
            "Notsitzung (§ 34 Abs. 2 GemO): keine ortsübliche Bekanntgabe vorgeschrieben",
            tuple(event_evidence(e, "Bekanntgabe dennoch erfasst") for e in found[:1]),
        )
    consequence = (
        "Verfahrensfehler: die Öffentlichkeit konnte von der Sitzung nicht erfahren; Beschlüsse "
        "des öffentlichen Teils sind rechtswidrig (Verstoß gegen den Öffentlichkeitsgrundsatz)"
    )
    if not found:
        return Check(
            key,
            title,
            para,
            UNKNOWN,
            "Keine ortsübliche Bekanntgabe der öffentlichen Sitzung erfasst",
            consequence=consequence,
        )
    event = found[0]
    on = event.data.get("announced_on")
    day = (_parse(on) if isinstance(on, str) else None) or event.day
    medium = str(event.data.get("medium") or "ortsüblich")
    evidence = (event_evidence(event, f"Bekanntgabe am {german.day(day)} ({medium})"),)
    lead = f.announcement_latest
    if lead is not None and lead < day < f.meeting.meeting_date:
        # "rechtzeitig" as the municipality's Bekanntmachungssatzung says (announcement_days)
        return Check(
            key,
            title,
            para,
            FAILED,
            f"Bekanntgabe erst am {german.day(day)}, nach der Vorgabe der Gemeinde "
            f"({f.announcement_period} vor der Sitzung: spätestens am {german.day(lead)})",
            evidence,
            consequence,
        )
    if day < f.meeting.meeting_date:
        return Check(
            key, title, para, MET, f"Ortsüblich bekannt gegeben am {german.day(day)}", evidence
        )
    return Check(
        key,
        title,
        para,
        FAILED,
        f"Bekanntgabe erst am {german.day(day)}, nicht vor der Sitzung am "
        f"{german.day(f.meeting.meeting_date)}",
        evidence,
        consequence,
    )


def _parse(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def publicity(f: Facts) -> Check:
    """§ 35 Abs. 1 GemO: sessions are public; non-public only where öffentliches Wohl or
    berechtigte Interessen Einzelner require it, and then with the reason."""
    key, title, para = "oeffentlichkeit", "Öffentlichkeit der Beratung", "§ 35 Abs. 1 GemO"
    if not in_meeting(f) or f.item is None:
        return _outside_meeting(key, title, para, f)
    item = f.item
    where = "öffentlich" if item.public else "nichtöffentlich"
    evidence = [Evidence(f"TOP {f.item_number} {where} behandelt")]
    if f.step is not None:
        expected, _ = agenda_visibility(f.proposal, f.step)
    else:
        expected = f.proposal.public
    reason = item.non_public_reason or f.proposal.non_public_reason
    if not item.public and reason:
        evidence.append(Evidence(f"Grund: {reason}"))
    consequence = (
        "Beschluss rechtswidrig: Verstoß gegen den Grundsatz der Öffentlichkeit (§ 35 Abs. 1 "
        "GemO), ein wesentlicher Verfahrensfehler"
    )
    if item.public and not expected:
        return Check(
            key,
            title,
            para,
            FAILED,
            "Die Vorlage ist nichtöffentlich zu behandeln, wurde aber öffentlich beraten",
            tuple(evidence),
            "Verletzung der Rechte der Betroffenen (§ 35 Abs. 1 GemO)",
        )
    if not item.public and not (reason or "").strip():
        return Check(
            key,
            title,
            para,
            FAILED,
            "Nichtöffentlich behandelt, ohne dass ein Grund erfasst ist",
            tuple(evidence),
            consequence,
        )
    if not item.public and expected:
        return Check(
            key,
            title,
            para,
            FAILED,
            "Nichtöffentlich behandelt, obwohl Vorlage und Beratungsschritt öffentlich sind",
            tuple(evidence),
            consequence,
        )
    return Check(
        key,
        title,
        para,
        MET,
        "Öffentlich beraten" if item.public else f"Nichtöffentlich beraten, Grund: {reason}",
        tuple(evidence),
    )
