"""``ratsflow demo``: the seed's story, played in-process on a fresh database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import Engine
from sqlmodel import Session

import workflow.demo.district as demo_district
from workflow.context import BERLIN
from workflow.deadlines.lifecycle import open_deadlines
from workflow.definitions.machines import Workflows
from workflow.demo.data import SEED_PATH, seed_text
from workflow.demo.factions import form_factions
from workflow.demo.story import Story, berlin, invite_by_post
from workflow.demo.today import play_today
from workflow.models import Proposal, User
from workflow.queries import current_agenda_item, voting_members
from workflow.services import meetings as meeting_service
from workflow.services import proposals as proposal_service
from workflow.services.importer import import_vorlage
from workflow.services.notices import record_announcement
from workflow.services.setup import actor_for, load_demo_data
from workflow.settings import DEFAULT_BASE_URL


def play(
    engine: Engine,
    workflows: Workflows,
    out: Callable[[str], None] = print,
    now: datetime | None = None,
    base_url: str = DEFAULT_BASE_URL,
) -> int:
    """Play Vorlage 8/2024 of Ilsfeld from import to execution, then the current cases of
    ``now`` (default: the real clock); returns the id of Vorlage 8/2024."""
    story = Story(engine=engine, workflows=workflows, out=out, base_url=base_url)
    start = berlin(date(2024, 4, 7), 8)
    out("== Stammdaten: Landkreis Heilbronn, Gemeinden Ilsfeld und Flein, Demo-Benutzer ==")
    demo = story.run(start, load_demo_data)
    users: dict[str, User] = demo.users
    actor = {name: actor_for(user) for name, user in users.items()}
    council_id = demo.ilsfeld.bodies["Gemeinderat"].id or 0
    # Told first: the Fraktionen were formed long before the story's requests.
    form_factions(story, demo.ilsfeld, berlin(date(2024, 1, 8), 9), actor["ilsfeld.secretary"])
    coordinator = actor["lra.coordinator"]

    out("\n== Abfrage des Landratsamts Heilbronn an alle Gemeinden ==")
    request_id = demo_district.send(story, coordinator)

    out("\n== Import der Vorlage Nr. 8/2024 aus dem Seed ==")
    text = seed_text()
    result = story.run(
        start,
        lambda s: import_vorlage(
            session=s,
            workflows=workflows,
            actor=actor["ilsfeld.clerk"],
            now=start,
            text=text,
            municipality_name="Ilsfeld",
            source=SEED_PATH.name,
        ),
    )
    proposal_id = result.proposal.id or 0
    story.note(
        start,
        f"ilsfeld.clerk      importiert Vorlage {result.proposal.label}: "
        f"{result.proposal.title} → Entwurf",
    )
    for issue in result.inconsistencies:
        out(f"{'':<19}  Hinweis (Zeile {issue.line}): {issue.message}")
    demo_district.link_seed(story, request_id, proposal_id, actor["ilsfeld.clerk"])

    t = berlin(date(2024, 4, 8), 8, 30)
    meeting = story.run(
        t,
        lambda s: meeting_service.create_meeting(
            session=s,
            workflows=workflows,
            actor=actor["ilsfeld.secretary"],
            now=t,
            body_id=council_id,
            meeting_date=date(2024, 4, 23),
            start_time="19:00",
        ),
    )
    meeting_id = meeting.id or 0
    story.note(t, "ilsfeld.secretary  legt Sitzung des Gemeinderats am 23.04.2024 an → Geplant")
    for deadline in story.run(t, lambda s: open_deadlines(s, "meeting", meeting_id)):
        out(f"{'':<19}  Frist eröffnet: {deadline.label} (bis {deadline.due_date:%d.%m.%Y})")

    out("\n== Mitzeichnung und Freigabe ==")
    story.fire(
        berlin(date(2024, 4, 8), 10),
        "proposal",
        proposal_id,
        "submit",
        actor["ilsfeld.clerk"],
        data={"cosigners": ["ilsfeld.head", "ilsfeld.finance"]},
    )
    story.fire(
        berlin(date(2024, 4, 8), 14), "proposal", proposal_id, "cosign", actor["ilsfeld.head"]
    )
    story.fire(
        berlin(date(2024, 4, 9), 9),
        "proposal",
        proposal_id,
        "cosign",
        actor["ilsfeld.finance"],
        comment="Keine Haushaltsmittel betroffen.",
    )
    story.fire(
        berlin(date(2024, 4, 10), 8), "proposal", proposal_id, "release", actor["ilsfeld.mayor"]
    )

    out("\n== Tagesordnung und Einladung ==")
    story.fire(
        berlin(date(2024, 4, 10), 11),
        "proposal",
        proposal_id,
        "schedule",
        actor["ilsfeld.secretary"],
        data={"meeting_id": meeting_id},
    )
    story.fire(
        berlin(date(2024, 4, 12), 9),
        "meeting",
        meeting_id,
        "set_agenda",
        actor["ilsfeld.secretary"],
    )
    story.sweep(berlin(date(2024, 4, 13), 7, 30))
    story.fire(
        berlin(date(2024, 4, 15), 9), "meeting", meeting_id, "invite", actor["ilsfeld.mayor"]
    )
    invite_by_post(story, berlin(date(2024, 4, 15), 11), actor["ilsfeld.secretary"], meeting_id)
    announced = berlin(date(2024, 4, 18), 10)
    story.run(
        announced,
        lambda s: record_announcement(
            session=s,
            actor=actor["ilsfeld.secretary"],
            now=announced,
            meeting_id=meeting_id,
            announced_on=date(2024, 4, 18),
            medium="Mitteilungsblatt der Gemeinde Ilsfeld",
        ),
    )
    story.note(
        announced,
        "ilsfeld.secretary  ortsübliche Bekanntgabe im Mitteilungsblatt vom 18.04.2024 "
        "(§ 34 Abs. 1 Satz 7 GemO)",
    )

    out("\n== Sitzung des Gemeinderats am 23.04.2024 ==")
    session_start = berlin(date(2024, 4, 23), 19)
    members = story.run(session_start, lambda s: voting_members(s, council_id))
    absent = set(members[-2:])  # two councillors excused
    present = [p for p in members if p not in absent]
    story.run(
        session_start,
        lambda s: meeting_service.record_attendance(
            session=s,
            actor=actor["ilsfeld.secretary"],
            now=session_start,
            meeting_id=meeting_id,
            present=present,
        ),
    )
    story.note(
        session_start,
        f"ilsfeld.secretary  Anwesenheit: {len(present)} von {len(members)} "
        "Mitgliedern (einschließlich Bürgermeisterin)",
    )
    story.fire(session_start, "meeting", meeting_id, "open_session", actor["ilsfeld.mayor"])
    item_id = story.run(session_start, lambda s: _item_id(s, proposal_id))
    vote_time = berlin(date(2024, 4, 23), 19, 40)
    votes = dict.fromkeys(present, "yes")
    votes[present[-1]] = "abstain"
    story.run(
        vote_time,
        lambda s: meeting_service.record_votes(
            session=s,
            actor=actor["ilsfeld.secretary"],
            now=vote_time,
            agenda_item_id=item_id,
            votes=votes,
        ),
    )
    yes = sum(1 for v in votes.values() if v == "yes")
    story.note(vote_time, f"ilsfeld.secretary  Abstimmung TOP 1: {yes} Ja, 0 Nein, 1 Enthaltung")
    story.fire(vote_time, "proposal", proposal_id, "adopt", actor["ilsfeld.secretary"])
    story.fire(
        berlin(date(2024, 4, 23), 21),
        "meeting",
        meeting_id,
        "close_session",
        actor["ilsfeld.mayor"],
    )

    out("\n== Nach der Sitzung ==")
    story.fire(
        berlin(date(2024, 4, 24), 10),
        "proposal",
        proposal_id,
        "publish",
        actor["ilsfeld.secretary"],
    )
    story.sweep(berlin(date(2024, 4, 28), 7, 30))  # reminds the mayor of the objection week
    sign_time = berlin(date(2024, 4, 29), 10)
    mayor_person = demo.ilsfeld.mayor.id or 0
    signers = [
        (mayor_person, "chair"),
        (present[1], "councillor"),
        (present[2], "councillor"),
        (users["ilsfeld.secretary"].person_id or 0, "secretary"),
    ]

    def sign_all(session: Session) -> None:
        for person_id, capacity in signers:
            meeting_service.sign_minutes(
                session=session,
                actor=actor["ilsfeld.secretary"],
                now=sign_time,
                meeting_id=meeting_id,
                person_id=person_id,
                capacity=capacity,
            )

    story.run(sign_time, sign_all)
    story.note(
        sign_time,
        "ilsfeld.secretary  Niederschrift unterschrieben: Vorsitz, zwei Ratsmitglieder, "
        "Schriftführung (§ 38 Abs. 2 GemO)",
    )
    story.fire(sign_time, "meeting", meeting_id, "sign_minutes", actor["ilsfeld.secretary"])

    out("\n== Die Zeit läuft: die Widerspruchsfrist (§ 43 Abs. 2 GemO) verstreicht ==")
    story.sweep(berlin(date(2024, 5, 1), 0, 5))

    out("\n== Vollzug (Beschlusskontrolle) ==")
    task_time = berlin(date(2024, 5, 2), 9)
    task = story.run(
        task_time,
        lambda s: proposal_service.add_execution_task(
            session=s,
            actor=actor["ilsfeld.clerk"],
            now=task_time,
            proposal_id=proposal_id,
            title="Antwort an das Landratsamt Heilbronn übermitteln",
            owner_id=users["ilsfeld.clerk"].id,
            target_date=date(2024, 5, 10),
        ),
    )
    story.note(
        task_time, "ilsfeld.clerk      Vollzugsaufgabe: Antwort an das Landratsamt (bis 10.05.2024)"
    )
    demo_district.answer_with_resolution(story, request_id, actor["ilsfeld.clerk"])
    done_time = berlin(date(2024, 5, 6), 11)
    story.run(
        done_time,
        lambda s: proposal_service.close_execution_task(
            session=s,
            actor=actor["ilsfeld.clerk"],
            now=done_time,
            task_id=task.id or 0,
            status="done",
            note="Antwort „belassen“ mit Beschluss vom 23.04.2024 übermittelt",
        ),
    )
    story.note(done_time, "ilsfeld.clerk      Vollzugsaufgabe erledigt")
    story.fire(done_time, "proposal", proposal_id, "complete_execution", actor["ilsfeld.clerk"])
    story.fire(
        berlin(date(2024, 5, 14), 19),
        "meeting",
        meeting_id,
        "present_minutes",
        actor["ilsfeld.mayor"],
    )

    out("\n== Antworten weiterer Gemeinden (illustrativ) und Ablauf der Antwortfrist ==")
    mayors = demo_district.others_answer(story, request_id)
    story.sweep(berlin(date(2024, 5, 24), 7, 30))
    story.sweep(berlin(date(2024, 6, 1), 0, 5))
    demo_district.late_answer(story, request_id, mayors, coordinator)
    story.fire(berlin(date(2024, 6, 4), 16), "decision_request", request_id, "close", coordinator)
    demo_district.print_table(story, request_id, coordinator)
    play_today(story, demo, now or datetime.now(BERLIN))
    return proposal_id


def _item_id(session: Session, proposal_id: int) -> int:
    proposal = session.get(Proposal, proposal_id)
    assert proposal is not None
    item = current_agenda_item(session, proposal)
    assert item is not None
    assert item.id is not None
    return item.id
