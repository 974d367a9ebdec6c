"""The demo's present: a current set of cases relative to the day the demo is loaded.

The seed's story ends in 2024; without this set every list would be history on the day
someone starts the demo. Everything here goes through the services like any client: drafts,
a Vorlage in co-signing, one awaiting the mayor's release, one on the agenda of next week's
committee meeting and planned for the council three weeks from now, a held council meeting
whose minutes still need signatures, a resolution in execution with open tasks and an
overdue publication, and an open request of the Landratsamt with most towns yet to answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from workflow.context import Actor, local_date
from workflow.demo.story import Story, berlin, invite_by_post
from workflow.models import Proposal, User
from workflow.queries import current_agenda_item, voting_members
from workflow.services import council_requests, decisions, factions
from workflow.services import meetings as meeting_service
from workflow.services import proposals as proposal_service
from workflow.services.notices import record_announcement
from workflow.services.proposals import ProposalFields, StepInput
from workflow.services.setup import DemoData, actor_for
from workflow.services.transition import fire

TUESDAY = 1  # date.weekday()


@dataclass(frozen=True)
class Today:
    """Story times relative to the day the demo is loaded (always before ``now``)."""

    day: date

    def at(self, days: int, hour: int = 9, minute: int = 0) -> datetime:
        return berlin(self.day + timedelta(days=days), hour, minute)

    def date(self, days: int) -> date:
        return self.day + timedelta(days=days)

    def tuesday_near(self, days: int) -> dt.date:
        """The Tuesday nearest to ``days`` from today (at most three days off): councils
        meet on weekdays, whatever day the demo is loaded on."""
        day = self.date(days)
        return day + timedelta(days=(TUESDAY - day.weekday() + 3) % 7 - 3)


def play_today(story: Story, demo: DemoData, now: datetime) -> None:
    t = Today(local_date(now))
    actor = {name: actor_for(user) for name, user in demo.users.items()}
    clerk, secretary, mayor = (
        actor["ilsfeld.clerk"],
        actor["ilsfeld.secretary"],
        actor["ilsfeld.mayor"],
    )
    council = demo.ilsfeld.bodies["Gemeinderat"].id or 0
    committee = demo.ilsfeld.bodies["Technischer Ausschuss"].id or 0

    story.out(f"\n== Heute, {t.day:%d.%m.%Y}: laufende Vorgänge für jede Demo-Rolle ==")
    # A council meeting two weeks ago: prepared, invited, held; minutes not yet signed.
    held_on = t.tuesday_near(-14)
    works = _draft(
        story,
        clerk,
        t.at(-30),
        demo,
        "Sanierung der Ortsdurchfahrt Auensteiner Straße – Vergabe der Tiefbauarbeiten",
        [StepInput(body_id=council, planned_date=held_on, decides=True)],
        budget=("5410.0960.000", Decimal("1350000.00")),
    )
    held = _meeting(story, secretary, t.at(-30, 10), council, held_on)
    story.fire(t.at(-29), "proposal", works, "submit", clerk, data={"cosigners": ["ilsfeld.head"]})
    story.fire(t.at(-28), "proposal", works, "cosign", actor["ilsfeld.head"])
    story.fire(t.at(-27), "proposal", works, "release", mayor)
    story.fire(t.at(-26), "proposal", works, "schedule", secretary, data={"meeting_id": held})
    story.fire(t.at(-25), "meeting", held, "set_agenda", secretary)
    story.fire(t.at(-24), "meeting", held, "invite", mayor)
    invite_by_post(story, t.at(-24, 11), secretary, held)
    announced = t.at(-23)  # § 34 Abs. 1 S. 7 GemO: the public session made known locally
    story.run(
        announced,
        lambda s: record_announcement(
            session=s,
            actor=secretary,
            now=announced,
            meeting_id=held,
            announced_on=announced.date(),
            medium="Mitteilungsblatt",
        ),
    )

    request = _district_request(story, actor["lra.coordinator"], t)

    opened = berlin(held_on, 19)
    members = story.run(opened, lambda s: voting_members(s, council))
    present = members[:-1]
    story.run(
        opened,
        lambda s: meeting_service.record_attendance(
            session=s, actor=secretary, now=opened, meeting_id=held, present=present
        ),
    )
    story.note(opened, f"{'ilsfeld.secretary':<18} Anwesenheit: {len(present)} von {len(members)}")
    story.fire(opened, "meeting", held, "open_session", mayor)
    voted = berlin(held_on, 19, 30)
    item = story.run(voted, lambda s: _item_id(s, works))
    story.run(
        voted,
        lambda s: meeting_service.record_votes(
            session=s,
            actor=secretary,
            now=voted,
            agenda_item_id=item,
            votes=dict.fromkeys(present, "yes"),
        ),
    )
    story.fire(voted, "proposal", works, "adopt", secretary)
    story.fire(berlin(held_on, 21), "meeting", held, "close_session", mayor)
    signed = berlin(held_on + timedelta(days=1), 10)
    story.run(
        signed,
        lambda s: meeting_service.sign_minutes(
            session=s,
            actor=secretary,
            now=signed,
            meeting_id=held,
            person_id=demo.ilsfeld.mayor.id or 0,
            capacity="chair",
        ),
    )
    story.note(signed, f"{'ilsfeld.secretary':<18} Niederschrift: Vorsitz hat unterschrieben")
    _district_answers(story, request, signed + timedelta(hours=4), signed + timedelta(hours=24))

    # A Vorlage for next week's committee and the council in three weeks, invited in time.
    committee_on, council_on = t.tuesday_near(7), t.tuesday_near(21)
    plan = _draft(
        story,
        clerk,
        t.at(-9, 11),
        demo,
        "Bebauungsplan „Schozachtal-Süd“ – Aufstellungsbeschluss",
        [
            StepInput(body_id=committee, planned_date=committee_on, advises=True),
            StepInput(body_id=council, planned_date=council_on, decides=True),
        ],
    )
    story.fire(t.at(-8), "proposal", plan, "submit", clerk, data={"cosigners": ["ilsfeld.head"]})
    story.fire(t.at(-8, 14), "proposal", plan, "cosign", actor["ilsfeld.head"])
    next_week = _meeting(story, secretary, t.at(-7, 8), committee, committee_on)
    _meeting(story, secretary, t.at(-7, 8, 30), council, council_on)
    story.fire(t.at(-7, 9), "proposal", plan, "release", mayor)
    story.fire(
        t.at(-7, 11), "proposal", plan, "schedule", secretary, data={"meeting_id": next_week}
    )
    story.fire(t.at(-6), "meeting", next_week, "set_agenda", secretary)
    story.fire(t.at(-6, 11), "meeting", next_week, "invite", mayor)
    invite_by_post(story, t.at(-6, 12), secretary, next_week)

    # One awaiting the mayor's release, one waiting for co-signatures (the finance office's
    # among them), and a fresh draft.
    vehicle = _draft(
        story,
        clerk,
        t.at(-5),
        demo,
        "Ersatzbeschaffung eines Mannschaftstransportwagens für die Freiwillige Feuerwehr",
        [StepInput(body_id=council, planned_date=council_on, decides=True)],
    )
    story.fire(
        t.at(-5, 10), "proposal", vehicle, "submit", clerk, data={"cosigners": ["ilsfeld.head"]}
    )
    story.fire(t.at(-4), "proposal", vehicle, "cosign", actor["ilsfeld.head"])
    fees = _draft(
        story,
        clerk,
        t.at(-4, 11),
        demo,
        "Neufassung der Friedhofsgebührensatzung",
        [StepInput(body_id=council, planned_date=council_on, decides=True)],
    )
    story.fire(
        t.at(-3),
        "proposal",
        fees,
        "submit",
        clerk,
        data={"cosigners": ["ilsfeld.head", "ilsfeld.finance"]},
    )

    # A Fraktionsantrag of the Freie Wähler received three days ago, not yet placed: it must
    # be on the agenda of the council's next-but-one session at the latest (§ 34 Abs. 1 S. 4
    # GemO). Its signers are two of the Fraktion's members (workflow.demo.factions).
    received = t.at(-3, 14)
    motion = story.run(
        received,
        lambda s: council_requests.create_request(
            session=s,
            actor=secretary,
            now=received,
            body_id=council,
            kind="faction_motion",
            subject="Photovoltaik auf den Dächern der gemeindeeigenen Gebäude",
            text="Die Verwaltung wird beauftragt, bis zum Herbst ein Konzept für "
            "Photovoltaikanlagen auf Rathaus, Schule und Bauhof vorzulegen.",
            received_on=t.date(-3),
            faction_id=next(
                f.id for f in factions.list_factions(s, secretary) if f.name == "Freie Wähler"
            ),
            signer_person_ids=[p.id or 0 for p in demo.ilsfeld.councillors[:2]],
        ),
    )
    story.note(
        received,
        f"{'ilsfeld.secretary':<18} Fraktionsantrag erfasst: {motion.subject} (Antrag {motion.id})",
    )

    # The objection week of the council's resolution has passed: in execution, with tasks.
    story.sweep(t.at(-2, 0, 5))
    tasked = t.at(-2, 9)
    owner = demo.users["ilsfeld.clerk"]
    for title, days in (
        ("Auftrag an den wirtschaftlichsten Bieter erteilen", 5),
        ("Bauzeitenplan mit den Anliegern abstimmen", 20),
    ):
        story.run(tasked, _task(clerk, tasked, works, title, owner, t.date(days)))
        story.note(
            tasked, f"{'ilsfeld.clerk':<18} Vollzugsaufgabe: {title} (bis {t.date(days):%d.%m.%Y})"
        )

    _draft(
        story,
        clerk,
        t.at(-1, 10),
        demo,
        "Zuschuss an den Musikverein Ilsfeld für neue Uniformen",
        [StepInput(body_id=council, decides=True)],
    )
    # Reminders and escalations as the scheduler sends them now (the publication of the
    # council's resolution is overdue).
    story.sweep(now)


def _draft(
    story: Story,
    clerk: Actor,
    when: datetime,
    demo: DemoData,
    title: str,
    steps: list[StepInput],
    budget: tuple[str, Decimal] | None = None,
) -> int:
    content = ProposalFields(
        title=title,
        resolution_text=f"Der Gemeinderat beschließt: {title}.",
        proposal_date=when.date(),
        facts="Sachvortrag siehe Anlage (Demodaten).",
        department="Fachbereich Allgemeine Verwaltung",
        author_name=demo.users["ilsfeld.clerk"].full_name,
        budget_line=budget[0] if budget else None,
        covered_by_budget=True if budget else None,
        covered_amount=budget[1] if budget else None,
    )
    proposal = story.run(
        when,
        lambda s: proposal_service.create_proposal(
            session=s,
            workflows=story.workflows,
            actor=clerk,
            now=when,
            municipality_id=demo.ilsfeld.municipality.id or 0,
            content=content,
            steps=steps,
        ),
    )
    story.note(when, f"{clerk.username:<18} legt Vorlage {proposal.label} an: {title} → Entwurf")
    return proposal.id or 0


def _meeting(story: Story, secretary: Actor, when: datetime, body_id: int, day: date) -> int:
    meeting = story.run(
        when,
        lambda s: meeting_service.create_meeting(
            session=s,
            workflows=story.workflows,
            actor=secretary,
            now=when,
            body_id=body_id,
            meeting_date=day,
            start_time="18:30",
        ),
    )
    story.note(when, f"{secretary.username:<18} legt Sitzung am {day:%d.%m.%Y} an → Geplant")
    return meeting.id or 0


def _district_request(story: Story, coordinator: Actor, t: Today) -> int:
    """An open request of the Landratsamt, sent three weeks ago (``_district_answers``:
    two towns have answered, the others not yet)."""
    when = t.at(-21)

    def send(session: Session) -> int:
        request = decisions.create_request(
            session=session,
            workflows=story.workflows,
            actor=coordinator,
            now=when,
            title=f"Beteiligung am Kreisradwegekonzept {t.day.year + 1}",
            explanation=(
                "Der Landkreis schreibt das Kreisradwegekonzept fort. Die Städte und Gemeinden "
                "werden gebeten mitzuteilen, ob sie sich mit eigenen Maßnahmen beteiligen."
            ),
            options=[
                {"key": "ja", "label": "beteiligen", "description": "mit eigenen Maßnahmen"},
                {"key": "nein", "label": "nicht beteiligen", "description": "keine Maßnahmen"},
            ],
            default_option="nein",
            reply_deadline=t.date(14),
        )
        fire(
            session=session,
            workflows=story.workflows,
            kind="decision_request",
            instance_id=request.id or 0,
            trigger="send",
            actor=coordinator,
            now=when,
            base_url=story.base_url,
        )
        return request.id or 0

    request_id = story.run(when, send)
    story.note(
        when,
        f"{coordinator.username:<18} sendet Abfrage „Kreisradwegekonzept“ an 46 Gemeinden, "
        f"Antwort bis {t.date(14):%d.%m.%Y}",
    )
    return request_id


def _district_answers(story: Story, request_id: int, first: datetime, second: datetime) -> None:
    for when, username, option in (
        (first, "abstatt.mayor", "ja"),
        (second, "beilstein.mayor", "nein"),
    ):
        mayor, response = story.run(when, _response_of(username, request_id))
        story.fire(when, "decision_response", response, "answer", mayor, data={"option": option})


def _response_of(username: str, request_id: int) -> Callable[[Session], tuple[Actor, int]]:
    """A mayor the 2024 story created (answering under a delegation) and his town's response."""

    def run(session: Session) -> tuple[Actor, int]:
        user = session.exec(select(User).where(User.username == username)).one()
        response = decisions.response_for(session, request_id, user.municipality_id or 0)
        return actor_for(user), response.id or 0

    return run


def _task(
    clerk: Actor, when: datetime, proposal_id: int, title: str, owner: User, target: date
) -> Callable[[Session], object]:
    def run(session: Session) -> object:
        return proposal_service.add_execution_task(
            session=session,
            actor=clerk,
            now=when,
            proposal_id=proposal_id,
            title=title,
            owner_id=owner.id,
            target_date=target,
        )

    return run


def _item_id(session: Session, proposal_id: int) -> int:
    proposal = session.get(Proposal, proposal_id)
    assert proposal is not None
    item = current_agenda_item(session, proposal)
    assert item is not None
    assert item.id is not None
    return item.id
