"""The district's part of the demo: "Integrationsmanagement ab 01.01.2025" to 46 towns.

The reply deadline and the other towns' answers are illustrative (DOMAIN.md §9: the real
deadline of the Landratsamt Heilbronn was not found); Ilsfeld's answer is the seed's.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from workflow.context import Actor
from workflow.demo.story import Story, berlin
from workflow.models import DecisionResponse, Municipality, Person, User
from workflow.rules.decision_rules import DELEGATION_SETTING
from workflow.services import decision_overview, decisions
from workflow.services.setup import actor_for
from workflow.services.transition import fire

TITLE = "Integrationsmanagement ab 01.01.2025"
EXPLANATION = (
    "Ab 2025 sind nach der VwV Integrationsmanagement 2023 nur noch die Stadt- und "
    "Landkreise Zuwendungsempfänger (Nr. 3.1). Sie können Aufgabe und Mittel ganz oder "
    "teilweise an kreisangehörige Städte und Gemeinden weitergeben (Nr. 3.2). Für den "
    "Landkreis Heilbronn stehen für 2025 voraussichtlich rund 1,5 Mio. Euro zur Verfügung. "
    "Die Städte und Gemeinden werden gebeten mitzuteilen, ob sie das Integrationsmanagement "
    "ab 01.01.2025 in der Verantwortung des Landkreises belassen oder in eigener Regie "
    "durchführen wollen."
)
OPTIONS = [
    {
        "key": "belassen",
        "label": "belassen",
        "description": "Das Integrationsmanagement bleibt ab 01.01.2025 beim Landratsamt "
        "Heilbronn.",
    },
    {
        "key": "eigene_regie",
        "label": "eigene Regie",
        "description": "Die Gemeinde führt das Integrationsmanagement selbst durch und erhält "
        "den auf sie entfallenden Betrag.",
    },
]
REPLY_DEADLINE = date(2024, 5, 31)  # illustrative
AMOUNTS = {"Ilsfeld": Decimal("30387.20")}  # the seed's figure; others unknown
# Illustrative answers of other towns, given by their mayors under a delegation.
OTHER_ANSWERS = [
    ("Flein", "eigene_regie", date(2024, 5, 15)),
    ("Abstatt", "belassen", date(2024, 5, 22)),
]
LATE_TOWN = ("Beilstein", "belassen", date(2024, 6, 3))


def send(story: Story, coordinator: Actor) -> int:
    when = berlin(date(2024, 3, 15), 10)

    def run(session: Session) -> int:
        request = decisions.create_request(
            session=session,
            workflows=story.workflows,
            actor=coordinator,
            now=when,
            title=TITLE,
            explanation=EXPLANATION,
            options=OPTIONS,
            default_option="belassen",
            reply_deadline=REPLY_DEADLINE,
            effective_date=date(2025, 1, 1),
            amounts=AMOUNTS,
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

    request_id = story.run(when, run)
    story.note(
        when,
        f"lra.coordinator    sendet Abfrage „{TITLE}“ an 46 Gemeinden, Antwort bis "
        f"{REPLY_DEADLINE:%d.%m.%Y} (illustrativ), ohne Antwort gilt „belassen“",
    )
    return request_id


def response_id(story: Story, request_id: int, town: str) -> int:
    def run(session: Session) -> int:
        municipality = session.exec(select(Municipality).where(Municipality.name == town)).one()
        return decisions.response_for(session, request_id, municipality.id or 0).id or 0

    return int(story.run(berlin(REPLY_DEADLINE), run))


def link_seed(story: Story, request_id: int, proposal_id: int, clerk: Actor) -> None:
    when = berlin(date(2024, 4, 7), 9)
    rid = response_id(story, request_id, "Ilsfeld")
    story.fire(
        when,
        "decision_response",
        rid,
        "link_proposal",
        clerk,
        data={"proposal_id": proposal_id, "option": "belassen"},
    )


def answer_with_resolution(story: Story, request_id: int, clerk: Actor) -> None:
    rid = response_id(story, request_id, "Ilsfeld")
    story.fire(berlin(date(2024, 5, 2), 10), "decision_response", rid, "answer", clerk)


def _mayor(story: Story, town: str) -> Actor:
    """Mayors of towns outside the demo users answer under a delegation (§ 44 GemO)."""

    def run(session: Session) -> User:
        municipality = session.exec(select(Municipality).where(Municipality.name == town)).one()
        municipality.settings = {**municipality.settings, DELEGATION_SETTING: True}
        session.add(municipality)
        person = Person(municipality_id=municipality.id or 0, name=f"Bürgermeister/in {town}")
        session.add(person)
        session.flush()
        user = User(
            username=f"{town.lower().replace(' ', '-')}.mayor",
            full_name=person.name,
            role="mayor",
            municipality_id=municipality.id,
            person_id=person.id,
            email=f"{town.lower().replace(' ', '-')}.mayor@example.org",
        )
        session.add(user)
        session.flush()
        return user

    return actor_for(story.run(berlin(date(2024, 3, 15)), run))


def others_answer(story: Story, request_id: int) -> dict[str, Actor]:
    mayors = {town: _mayor(story, town) for town, _, _ in [*OTHER_ANSWERS, LATE_TOWN]}
    for town, option, day in OTHER_ANSWERS:
        mayor = mayors[town]
        rid = response_id(story, request_id, town)
        story.fire(
            berlin(day, 10),
            "decision_response",
            rid,
            "answer",
            mayor,
            data={"option": option},
            comment="illustrativ",
        )
    return mayors


def late_answer(
    story: Story, request_id: int, mayors: dict[str, Actor], coordinator: Actor
) -> None:
    town, option, day = LATE_TOWN
    mayor = mayors[town]
    rid = response_id(story, request_id, town)
    story.fire(
        berlin(day, 10),
        "decision_response",
        rid,
        "answer_late",
        mayor,
        data={"option": option},
        comment="illustrativ",
    )
    story.fire(berlin(day, 15), "decision_response", rid, "accept_late", coordinator)


def print_table(story: Story, request_id: int, coordinator: Actor) -> None:
    when = berlin(date(2024, 6, 4), 16)
    result = story.run(
        when,
        lambda s: decision_overview.overview(
            session=s,
            workflows=story.workflows,
            actor=coordinator,
            now=when,
            request_id=request_id,
        ),
    )
    story.out(f"\n{'Gemeinde':<24} {'Status':<34} {'Option':<14} {'entschieden durch':<46} am")
    for row in result.rows:
        decided = f"{row.decided_on:%d.%m.%Y}" if row.decided_on else ""
        story.out(
            f"{row.municipality:<24} {row.state_label[:34]:<34} {row.option_label:<14} "
            f"{(row.decided_by or '')[:46]:<46} {decided}"
        )
    totals = ", ".join(f"{result.request.option_label(k)}: {n}" for k, n in result.totals.items())
    story.out(f"\nSumme: {totals}; überfällig: {len(result.overdue)}")


def answered_count(session: Session, request_id: int) -> int:
    return len(
        session.exec(
            select(DecisionResponse.id).where(
                DecisionResponse.request_id == request_id,
                DecisionResponse.state == "answered",
            )
        ).all()
    )
