"""Beschlussfähigkeit, Befangenheit, Mehrheit und Wahl (§§ 18, 37 GemO), read from the audit
log at the moment of the vote rather than from the records as they stand now."""

from __future__ import annotations

from datetime import date

from workflow.documents import german
from workflow.law.elections import RoundKind, count_round
from workflow.law.errors import RefusedInput
from workflow.law.periods import Period, shift
from workflow.law.voting import Quorum, Tally
from workflow.legality.common import (
    deciding_event,
    event_evidence,
    in_meeting,
    vote_event,
    worded,
)
from workflow.legality.facts import Event, Facts
from workflow.legality.model import FAILED, MET, NOT_APPLICABLE, UNKNOWN, Check, Evidence
from workflow.rules.common import vote_counts

CURE_PERIOD = Period(years=1)  # § 18 Abs. 6 S. 2 GemO


def _not_in_meeting(key: str, title: str, para: str) -> Check:
    return Check(
        key, title, para, NOT_APPLICABLE, "Kein Beschluss durch Abstimmung in einer Sitzung"
    )


def attendance_at(f: Facts, moment: Event) -> Event | None:
    """The attendance recorded last before ``moment`` (§ 38 Abs. 1 GemO)."""
    found = [e for e in f.meeting_with("record_attendance") if e.seq < moment.seq]
    return found[-1] if found else None


def _excluded(f: Facts) -> set[int]:
    return {d.person_id for d in f.bias if d.excludes}


def quorum(f: Facts) -> Check:
    """§ 37 Abs. 2 GemO: half the members present and entitled at the vote; a quarter when
    more than half are biased; three in the second session (Abs. 3)."""
    key, title = "beschlussfaehigkeit", "Beschlussfähigkeit bei der Abstimmung"
    para = "§ 37 Abs. 3 GemO" if f.second_session else "§ 37 Abs. 2 GemO"
    if not in_meeting(f):
        return _not_in_meeting(key, title, para)
    vote = vote_event(f)
    if vote is None:
        return Check(
            key,
            title,
            para,
            UNKNOWN,
            "Keine Abstimmung zum Tagesordnungspunkt im Protokoll",
            consequence="Beschlussfähigkeit nicht nachweisbar",
        )
    attendance = attendance_at(f, vote)
    if attendance is None:
        return Check(
            key,
            title,
            para,
            UNKNOWN,
            "Vor der Abstimmung ist keine Anwesenheit erfasst",
            (event_evidence(vote, "Abstimmung"),),
            "Beschlussfähigkeit nicht nachweisbar",
        )
    members = set(f.members)
    present = {int(p) for p in attendance.data.get("present", [])} & members
    biased = _excluded(f) & members
    q = Quorum(
        members=len(members),
        present_entitled=len(present - biased),
        biased=len(biased),
        second_session=f.second_session,
    )
    evidence = (
        event_evidence(attendance, f"Anwesenheit: {len(present)} von {len(members)} Mitgliedern"),
        event_evidence(vote, "Abstimmung"),
        Evidence(q.counts()),
    )
    if q.reached:
        return Check(key, title, para, MET, q.counts(), evidence)
    return Check(
        key,
        title,
        para,
        FAILED,
        f"Bei der Abstimmung nicht beschlussfähig – {q.explain()}",
        evidence,
        "Beschluss rechtswidrig: das Gremium war nicht beschlussfähig (§ 37 Abs. 2 GemO); "
        "Widerspruch (§ 43 Abs. 2 GemO) und Beanstandung (§ 121 Abs. 1 GemO) geboten",
    )


def _cure(f: Facts) -> tuple[str, date | None]:
    """§ 18 Abs. 6 S. 2 GemO: a year after the resolution, or after its öffentliche
    Bekanntmachung where one is required (a Satzung, § 4 Abs. 3 GemO; ``announce``), not
    after the online publication (§ 41b Abs. 5 GemO); one still outstanding starts no year."""
    if not f.proposal.requires_announcement:
        return "Beschlussfassung", shift(f.resolution.decided_on, CURE_PERIOD)
    announced = next((e for e in f.proposal_events if e.trigger == "announce"), None)
    return "öffentlichen Bekanntmachung", (
        shift(announced.day, CURE_PERIOD) if announced is not None else None
    )


def bias(f: Facts) -> Check:
    """§ 18 Abs. 4 and 5 GemO: bias disclosed before deliberation, the member takes no part,
    a doubtful case decided by the body without him; § 18 Abs. 6: otherwise unlawful, cured
    a year after the resolution (or its publication)."""
    key, title, para = "befangenheit", "Befangenheit", "§ 18 Abs. 4–6 GemO"
    if not in_meeting(f):
        return _not_in_meeting(key, title, para)
    vote = vote_event(f)
    declared = {
        e.data.get("person_id"): e
        for e in f.meeting_with("declare_bias")
        if e.data.get("agenda_item_id") == (f.item.id if f.item else None)
    }
    decided = {
        e.data.get("person_id"): e
        for e in f.meeting_with("decide_bias")
        if e.data.get("agenda_item_id") == (f.item.id if f.item else None)
    }
    voters = {v.person_id for v in f.votes}
    # Who was in the room at the vote, as the attendance recorded last before it says; the
    # GemO bars a biased member from advising as well as deciding (§ 18 Abs. 1, 5).
    attendance = attendance_at(f, vote) if vote is not None else None
    in_room = {int(p) for p in attendance.data.get("present", [])} if attendance else set()
    evidence: list[Evidence] = []
    problems: list[str] = []
    for d in f.bias:
        who = f.name(d.person_id)
        event = declared.get(d.person_id)
        if event is not None:
            evidence.append(event_evidence(event, f"Befangenheit erklärt: {who} ({d.reason})"))
        late = d.after_vote or (vote is not None and event is not None and event.seq > vote.seq)
        if d.doubtful:
            ruling = decided.get(d.person_id)
            if d.decided_at is None:
                problems.append(
                    f"{who}: über die zweifelhafte Befangenheit wurde nicht entschieden"
                )
            elif ruling is not None:
                evidence.append(
                    event_evidence(
                        ruling,
                        f"Gremium entschied ohne {who}: "
                        f"{'befangen' if d.decided_biased else 'nicht befangen'} "
                        f"({vote_counts(d.decision_yes, d.decision_no, d.decision_abstain)})",
                    )
                )
                if vote is not None and ruling.seq > vote.seq and not late:
                    problems.append(
                        f"{who}: über die Befangenheit wurde erst nach der Abstimmung entschieden"
                    )
        if not d.excludes:
            continue
        if f.item_present is not None and not late:
            if d.person_id in f.item_present:
                problems.append(
                    f"{who}: befangen, hat den Sitzungsraum für den Tagesordnungspunkt nicht "
                    "verlassen (§ 18 Abs. 5 GemO)"
                )
            else:
                evidence.append(Evidence(f"{who} hat den Sitzungsraum für den Punkt verlassen"))
        if d.person_id in voters:
            when = "erst nach der Abstimmung offenbart" if late else "erklärt"
            problems.append(f"{who}: befangen ({when}), hat aber mitgestimmt")
        elif late and d.person_id in in_room:
            problems.append(
                f"{who}: befangen, erst nach der Abstimmung offenbart, war bei der Beratung "
                "anwesend"
            )
    if f.resolution.unlawful_reason:  # the engine's note, shown; the result is computed above
        evidence.append(Evidence(f"Vermerk am Beschluss: {f.resolution.unlawful_reason}"))
    problems = list(dict.fromkeys(problems))
    if not f.bias and not problems:
        return Check(
            key, title, para, MET, "Keine Befangenheit erklärt oder festgestellt", tuple(evidence)
        )
    if not problems:
        excluded = {d.person_id for d in f.bias if d.excludes}
        return Check(
            key,
            title,
            para,
            MET,
            f"Vor der Beratung offenbart, ohne Mitwirkung an der Abstimmung: "
            f"{f.names(excluded)} (ob das Mitglied den Raum verließ, ist mit der "
            "Anwesenheit je Sitzung nicht gesondert erfasst)"
            if excluded
            else "Zweifelhafte Befangenheit vom Gremium verneint",
            tuple(evidence),
        )
    since, cured = _cure(f)
    when = (
        f"geheilt am {german.day(cured)} (ein Jahr nach der {since})"
        if cured is not None
        else f"geheilt ein Jahr nach der {since}, die noch aussteht"
    )
    return Check(
        key,
        title,
        para,
        FAILED,
        "; ".join(problems),
        tuple(evidence),
        worded(
            f,
            f"Beschluss rechtswidrig (§ 18 Abs. 6 Satz 1 GemO); {when}, sofern bis dahin kein "
            "Widerspruch des Bürgermeisters oder keine Beanstandung der Rechtsaufsicht "
            "erfolgt (§ 18 Abs. 6 Satz 2 GemO)",
        ),
        cured,
    )


def majority(f: Facts) -> Check:
    """§ 37 Abs. 6 GemO: adopted with more yes than no votes; § 37 Abs. 7 for elections."""
    if f.elections:
        return election(f)
    key, title, para = "mehrheit", "Stimmenmehrheit", "§ 37 Abs. 6 GemO"
    if not in_meeting(f):
        return _not_in_meeting(key, title, para)
    vote = vote_event(f)
    decided = deciding_event(f)
    if vote is None:
        return Check(
            key,
            title,
            para,
            UNKNOWN,
            "Keine Abstimmung im Protokoll",
            consequence="Das Abstimmungsergebnis ist nicht nachweisbar",
        )
    t = Tally(
        yes=int(vote.data.get("yes", 0)),
        no=int(vote.data.get("no", 0)),
        abstain=int(vote.data.get("abstain", 0)),
    )
    r = f.resolution
    evidence = [event_evidence(vote, f"Abstimmung: {vote_counts(t.yes, t.no, t.abstain)}")]
    if decided is not None:
        evidence.append(event_evidence(decided, "Beschluss gefasst" if r.adopted else "Abgelehnt"))
    if (t.yes, t.no, t.abstain) != (r.yes, r.no, r.abstain):
        return Check(
            key,
            title,
            para,
            FAILED,
            f"Der Beschluss nennt {vote_counts(r.yes, r.no, r.abstain)}, das "
            f"Protokoll {vote_counts(t.yes, t.no, t.abstain)}",
            tuple(evidence),
            "Das festgestellte Ergebnis weicht von der Abstimmung ab: Beschluss rechtswidrig",
        )
    if t.adopted != r.adopted:
        said = "angenommen" if r.adopted else "abgelehnt"
        return Check(
            key,
            title,
            para,
            FAILED,
            f"Als {said} festgestellt, obwohl {t.yes} Ja gegen {t.no} Nein stehen",
            tuple(evidence),
            "Das Ergebnis ist falsch festgestellt: Beschluss rechtswidrig (§ 37 Abs. 6 GemO)",
        )
    outcome = "angenommen" if r.adopted else "abgelehnt (Stimmengleichheit oder Mehrheit Nein)"
    return Check(
        key,
        title,
        para,
        MET,
        f"{vote_counts(t.yes, t.no, t.abstain)}: {outcome}",
        tuple(evidence),
    )


def election(f: Facts) -> Check:
    """§ 37 Abs. 7 GemO: elected with more than half the votes of the present entitled
    members, else run-off or second ballot; each recorded round is counted again with the
    engine's own rule (``workflow.law.elections.count_round``) and compared."""
    key, title, para = "wahl", "Wahlergebnis", "§ 37 Abs. 7 GemO"
    rounds = f.election_rounds
    if not rounds:
        return Check(key, title, para, UNKNOWN, "Kein Wahlgang erfasst")
    evidence = [
        Evidence(
            f"Wahlgang {r.number} am {german.day(r.held_on)}: {r.entitled} Stimmberechtigte, "
            f"{r.invalid} ungültig, Stimmen je Bewerber "
            + ", ".join(f"{c}: {v}" for c, v in f.election_counts.get(r.id or 0, {}).items())
        )
        for r in rounds
    ]
    wrong = []
    for r in rounds:
        counts = f.election_counts.get(r.id or 0, {})
        try:
            kind: RoundKind = r.kind  # type: ignore[assignment]
            result = count_round(kind=kind, counts=counts, entitled=r.entitled, lot=r.lot)
        except RefusedInput as exc:
            return Check(
                key,
                title,
                para,
                UNKNOWN,
                f"Wahlgang {r.number}: {exc}",
                tuple(evidence),
            )
        if result.next != r.next or result.elected != r.elected_candidate_id:
            wrong.append(
                f"Wahlgang {r.number}: festgestellt {r.next}, nach den Stimmen {result.next}"
            )
    if wrong:
        return Check(
            key,
            title,
            para,
            FAILED,
            "; ".join(wrong),
            tuple(evidence),
            "Wahl rechtswidrig: das Ergebnis ist falsch festgestellt (§ 37 Abs. 7 GemO)",
        )
    return Check(
        key,
        title,
        para,
        MET,
        "Ergebnis jedes Wahlgangs nach § 37 Abs. 7 GemO bestätigt",
        tuple(evidence),
    )
