"""After the vote: Widerspruch (§ 43), Veröffentlichung (§ 41b Abs. 5, § 35 Abs. 1 S. 4),
Niederschrift (§ 38) and Vollzug (§ 121 Abs. 2 GemO)."""

from __future__ import annotations

from datetime import date

from workflow.context import local_date
from workflow.documents import german
from workflow.law.periods import period_end
from workflow.legality.common import deciding_event, event_evidence, in_meeting, worded
from workflow.legality.facts import Event, Facts
from workflow.legality.model import FAILED, MET, NOT_APPLICABLE, RUNNING, UNKNOWN, Check, Evidence
from workflow.rules.common import OBJECTION_PERIOD, missing_minutes_signatures

PUBLICATION_PERIOD = "P1W"  # § 41b Abs. 5 GemO: "innerhalb einer Woche nach der Sitzung"
MINUTES_PERIOD = "P1M"  # § 38 Abs. 2 GemO: "innerhalb eines Monats zur Kenntnis"
OBJECTION_TRIGGERS = ("object", "refer_to_supervision")
# Transitions after which the resolution can be executed: the objection week is over or
# waived, the Rechtsaufsicht confirmed it, the council was told of the Eilentscheidung.
FINAL_TRIGGERS = (
    "finalize",
    "waive_objection",
    "supervision_confirms",
    "report_urgent_decision",
    "decide_instead_of_council",
)
EXECUTION_TRIGGERS = ("close_execution_task", "complete_execution")


def objection(f: Facts) -> Check:
    """§ 43 Abs. 2 GemO: the mayor objects "binnen einer Woche nach Beschlussfassung"; on a
    first objection the body decides again (Abs. 2 S. 4), on a committee's resolution the
    council (Abs. 3)."""
    key, title, para = "widerspruch", "Widerspruchsfrist und Ergebnis", "§ 43 Abs. 2 und 3 GemO"
    r = f.resolution
    if r.kind == "urgent" or not r.adopted and r.kind == "vote" and not _objections(f):
        return Check(
            key,
            title,
            para,
            NOT_APPLICABLE,
            "Kein widerspruchsfähiger Beschluss"
            if r.kind != "urgent"
            else "Eilentscheidung: kein Widerspruch nach § 43 Abs. 2 GemO",
        )
    end = period_end(r.decided_on, OBJECTION_PERIOD, f.calendar).date
    objections = _objections(f)
    if not objections:
        if f.today <= end and f.proposal.state == "decided":
            return Check(
                key, title, para, RUNNING, f"Die Widerspruchsfrist läuft bis {german.day(end)}"
            )
        finals = list(f.proposal_after(FINAL_TRIGGERS, deciding_event(f)))
        shown = tuple(event_evidence(e, "Bestandskräftig") for e in finals[:1])
        return Check(
            key,
            title,
            para,
            MET,
            f"Kein Widerspruch bis zum Ende der Frist am {german.day(end)}",
            shown,
        )
    first = objections[0]
    objection = worded(f, "Widerspruch des Bürgermeisters")
    evidence = [event_evidence(first, f"{objection}: {first.comment or '–'}")]
    if first.day > end:
        return Check(
            key,
            title,
            para,
            FAILED,
            f"Widerspruch erst am {german.day(first.day)}, die Frist endete am {german.day(end)}",
            tuple(evidence),
            "Der verspätete Widerspruch ist unwirksam: der Beschluss ist nicht ausgesetzt, "
            "eine erneute Beschlussfassung beruht nicht auf § 43 Abs. 2 GemO",
        )
    if first.trigger == "object":
        later = [
            e
            for e in f.proposal_events
            if e.seq > first.seq and e.trigger in ("adopt", "reject", "refer_to_supervision")
        ]
        if later:
            evidence.append(event_evidence(later[0], "Erneute Entscheidung"))
            outcome = "erneut entschieden"
        else:
            outcome = "erneute Beschlussfassung steht aus (§ 43 Abs. 2 Satz 4 GemO)"
    else:
        outcome = "der Rechtsaufsichtsbehörde vorgelegt (§ 43 Abs. 2 Satz 5 GemO)"
    return Check(
        key,
        title,
        para,
        MET,
        f"Widerspruch fristgerecht am {german.day(first.day)} "
        f"(Frist bis {german.day(end)}); {outcome}",
        tuple(evidence),
    )


def _objections(f: Facts) -> list[Event]:
    decided = deciding_event(f)
    later = f.proposal_after(OBJECTION_TRIGGERS, decided)
    nxt = list(f.proposal_after(("adopt", "reject"), decided))
    if nxt:  # objections to a later resolution are that resolution's
        later = [e for e in later if e.seq < nxt[0].seq]
    return later


def publication(f: Facts) -> Check:
    """§ 41b Abs. 5 GemO: resolutions of public sessions on the internet within one week
    after the session; § 35 Abs. 1 S. 4: non-public ones announced in the next public
    session once the reasons for secrecy have gone. Both speak of "Beschlüsse": a rejection
    is one as well (definitions/proposal.yaml, ``publication_of_rejection``); an
    Eilentscheidung or an Umlaufverfahren is no session."""
    r = f.resolution
    if not in_meeting(f):
        return Check(
            "veroeffentlichung",
            "Veröffentlichung im Internet",
            "§ 41b Abs. 5 GemO",
            NOT_APPLICABLE,
            "Kein in einer Sitzung gefasster Beschluss",
        )
    if not r.public:
        key, title, para = (
            "bekanntgabe_nichtoeffentlich",
            "Bekanntgabe nichtöffentlicher Beschlüsse",
            "§ 35 Abs. 1 Satz 4 GemO",
        )
        announced = [
            e
            for e in f.proposal_events
            if e.trigger == "announce_resolution" and e.data.get("resolution_id") == r.id
        ]
        if announced:
            on = _iso_day(announced[0].data.get("announced_on")) or announced[0].day
            return Check(
                key,
                title,
                para,
                MET,
                f"In der öffentlichen Sitzung vom {german.day(on)} bekannt gegeben",
                (event_evidence(announced[0], "Bekanntgabe"),),
            )
        if r.disclosure_withheld is not None:  # "… sofern nicht … entgegenstehen"
            withheld = [
                e
                for e in f.proposal_events
                if e.trigger == "withhold_announcement" and e.data.get("resolution_id") == r.id
            ]
            return Check(
                key,
                title,
                para,
                MET,
                f"Bekanntgabe unterbleibt: {r.disclosure_withheld}",
                tuple(event_evidence(e, "Bekanntgabe zurückgestellt") for e in withheld[-1:]),
            )
        if r.disclosed_at is not None:  # confirmed as an agenda point of a public session
            return Check(
                key,
                title,
                para,
                MET,
                f"In öffentlicher Sitzung bekannt gegeben, bestätigt am "
                f"{german.day(local_date(r.disclosed_at))}",
            )
        return Check(
            key,
            title,
            para,
            UNKNOWN,
            "Keine Bekanntgabe in einer folgenden öffentlichen Sitzung erfasst (sofern die "
            "Gründe der Geheimhaltung entfallen sind)",
            consequence="Die Bekanntgabepflicht berührt die Wirksamkeit des Beschlusses nicht",
        )
    key, title, para = "veroeffentlichung", "Veröffentlichung im Internet", "§ 41b Abs. 5 GemO"
    if not f.municipality.publishes_online:
        return Check(
            key,
            title,
            para,
            NOT_APPLICABLE,
            "Die Gemeinde veröffentlicht nicht im Internet (§ 41b Abs. 7 GemO)",
        )
    day = f.meeting.meeting_date if f.meeting is not None else r.decided_on
    end = period_end(day, PUBLICATION_PERIOD, f.calendar).date
    consequence = (
        "Verstoß gegen die Veröffentlichungspflicht; die Wirksamkeit des Beschlusses bleibt "
        "unberührt (§ 41b Abs. 6 GemO)"
    )
    published = list(f.proposal_after(("publish",), deciding_event(f)))
    if not published:
        if f.today <= end:
            return Check(
                key,
                title,
                para,
                RUNNING,
                f"Noch nicht veröffentlicht; die Frist läuft bis {german.day(end)}",
            )
        return Check(
            key,
            title,
            para,
            FAILED,
            f"Nicht veröffentlicht; die Frist endete am {german.day(end)}",
            consequence=consequence,
        )
    event = published[0]
    evidence = (event_evidence(event, "Beschluss veröffentlicht"),)
    if event.day <= end:
        return Check(
            key,
            title,
            para,
            MET,
            f"Veröffentlicht am {german.day(event.day)}, Frist bis {german.day(end)}",
            evidence,
        )
    return Check(
        key,
        title,
        para,
        FAILED,
        f"Erst am {german.day(event.day)} veröffentlicht, die Frist endete am {german.day(end)}",
        evidence,
        consequence,
    )


def minutes(f: Facts) -> Check:
    """§ 38 Abs. 2 GemO: signed by the chair, two councillors who took part and the
    Schriftführer, and brought to the council's notice within one month."""
    key, title, para = "niederschrift", "Niederschrift und Unterschriften", "§ 38 GemO"
    if not in_meeting(f) or f.meeting is None:
        return Check(key, title, para, NOT_APPLICABLE, "Kein Beschluss in einer Sitzung")
    meeting = f.meeting
    end = period_end(meeting.meeting_date, MINUTES_PERIOD, f.calendar).date
    signs = f.meeting_with("sign_minutes")
    chair = [
        s for s in f.signatures if s.capacity == "chair" and s.person_id == meeting.chair_person_id
    ]
    councillors = {
        s.person_id for s in f.signatures if s.capacity == "councillor"
    } & f.councillor_signers
    secretary = [s for s in f.signatures if s.capacity == "secretary"]
    evidence = [_signature_evidence(f, e) for e in signs]
    missing = missing_minutes_signatures(
        chair=bool(chair), councillors=len(councillors), secretary=bool(secretary)
    )
    consequence = (
        "Verstoß gegen § 38 GemO; die Wirksamkeit des Beschlusses bleibt unberührt, die "
        "Beweiskraft der Niederschrift ist gemindert"
    )
    if missing:
        if f.today <= end:
            return Check(
                key,
                title,
                para,
                RUNNING,
                f"Unterschriften stehen aus ({', '.join(missing)}); Frist bis {german.day(end)}",
                tuple(evidence),
            )
        return Check(
            key,
            title,
            para,
            FAILED,
            f"Es fehlen Unterschriften: {', '.join(missing)} (Frist endete am {german.day(end)})",
            tuple(evidence),
            consequence,
        )
    last = max(e.day for e in signs) if signs else None
    if last is None:
        return Check(
            key,
            title,
            para,
            UNKNOWN,
            "Unterschriften ohne Protokollereignis",
            consequence=consequence,
        )
    if last > end:
        return Check(
            key,
            title,
            para,
            FAILED,
            f"Erst am {german.day(last)} vollständig unterzeichnet, die Frist endete am "
            f"{german.day(end)}",
            tuple(evidence),
            consequence,
        )
    presented = f.meeting_with("present_minutes")
    if presented:
        evidence.append(event_evidence(presented[0], "Dem Gemeinderat zur Kenntnis gebracht"))
        if presented[0].day > end:
            return Check(
                key,
                title,
                para,
                FAILED,
                f"Erst am {german.day(presented[0].day)} zur Kenntnis gebracht, "
                f"Frist bis {german.day(end)}",
                tuple(evidence),
                consequence,
            )
    return Check(
        key,
        title,
        para,
        MET,
        f"Am {german.day(last)} von Vorsitz, zwei Ratsmitgliedern und Schriftführung "
        f"unterzeichnet (Frist bis {german.day(end)})",
        tuple(evidence),
    )


def _signature_evidence(f: Facts, event: Event) -> Evidence:
    """One signature under the minutes, or the step that records them as signed."""
    person = _int(event.data.get("person_id"))
    if person is None:
        return event_evidence(event, f"Niederschrift als unterzeichnet erfasst ({event.who})")
    capacity = _CAPACITY.get(str(event.data.get("capacity")), "")
    return event_evidence(
        event, f"Unterschrift {f.name(person)}" + (f" ({capacity})" if capacity else "")
    )


def _iso_day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


_CAPACITY = {"chair": "Vorsitz", "councillor": "Ratsmitglied", "secretary": "Schriftführung"}


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None


def execution(f: Facts) -> Check:
    """§ 121 Abs. 2 GemO: a resolution needing the approval of the Rechtsaufsicht is executed
    only after it; § 43 Abs. 2 S. 2: an objection suspends it, so nothing is executed before
    the objection week has passed or was waived; § 4 Abs. 3: a Satzung after its publication."""
    key, title, para = (
        "vollzug",
        "Vollzug erst nach Bestandskraft und Genehmigung",
        "§ 121 Abs. 2, § 43 Abs. 2 GemO",
    )
    if not f.resolution.adopted:
        return Check(
            key, title, para, NOT_APPLICABLE, "Abgelehnter Beschluss: nichts zu vollziehen"
        )
    decided = deciding_event(f)
    executed = f.proposal_after(EXECUTION_TRIGGERS, decided)
    if not executed:
        return Check(key, title, para, NOT_APPLICABLE, "Noch kein Vollzug erfasst")
    first = executed[0]
    evidence = [event_evidence(first, "Vollzug")]
    final = f.proposal_after(FINAL_TRIGGERS, decided)
    if f.resolution.kind == "mayor":
        final = [decided] if decided else final
    consequence = (
        "Vollzug eines nicht bestandskräftigen oder nicht genehmigten Beschlusses: "
        "rechtswidriges Verwaltungshandeln, Beanstandung durch die Rechtsaufsicht (§ 121 GemO)"
    )
    if not final or final[0].seq > first.seq:
        return Check(
            key,
            title,
            para,
            FAILED,
            "Vollzogen, bevor der Beschluss bestandskräftig war (Widerspruchsfrist, "
            "§ 43 Abs. 2 GemO)",
            tuple(evidence),
            consequence,
        )
    evidence.append(event_evidence(final[0], "Bestandskräftig"))
    if f.proposal.reserved_matter == "bylaws":
        published = f.proposal_after(("publish",), decided)
        if not published or published[0].seq > first.seq:
            return Check(
                key,
                title,
                "§ 4 Abs. 3 GemO",
                FAILED,
                "Satzung vollzogen vor ihrer öffentlichen Bekanntmachung",
                tuple(evidence),
                consequence,
            )
    supervised = [e for e in f.proposal_events if e.trigger == "refer_to_supervision"]
    if supervised and not any(
        e.trigger == "supervision_confirms" and e.seq < first.seq for e in f.proposal_events
    ):
        return Check(
            key,
            title,
            para,
            FAILED,
            "Vollzogen vor der Entscheidung der Rechtsaufsichtsbehörde",
            tuple(evidence),
            consequence,
        )
    return Check(key, title, para, MET, "Vollzug nach Eintritt der Bestandskraft", tuple(evidence))
