"""E-mail subjects name a non-public Vorlage by its kind and number only (§ 35 Abs. 1 GemO):
subjects travel in clear in the mail headers and show in the administrators' outbox list.
The body, which only the recipient reads, keeps the title; a public Vorlage keeps it in both.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from tests.conftest import World, berlin, known
from tests.integration.flow import (
    DAY,
    MEETING_DAY,
    in_session,
    new_meeting,
    new_proposal,
    released,
    scheduled,
    submitted,
    vote,
)
from tests.integration.test_sweep import run_sweep
from workflow.models import Notification, OutboxMessage
from workflow.services import council_requests
from workflow.services.proposals import StepInput

SECRET = "Grundstücksankauf Flurstück 4711 von Familie Maier"
PUBLIC = "Neubau Bauhof"
CLOSED = "Personalangelegenheit Bauhofleitung"


def outbox(world: World, prefix: str) -> list[OutboxMessage]:
    with Session(world.engine) as session:
        return list(
            session.exec(
                select(OutboxMessage)
                .where(col(OutboxMessage.subject).startswith(prefix))
                .order_by(col(OutboxMessage.id))
            )
        )


def about(messages: list[OutboxMessage], label: str) -> list[OutboxMessage]:
    return [m for m in messages if f"Vorlage {label}" in m.subject]


def test_cosign_request_and_deadline_mails_name_a_non_public_vorlage_by_number(
    world: World,
) -> None:
    public = new_proposal(world, title=PUBLIC)
    secret = new_proposal(world, title=SECRET, public=False)
    submitted(world, public)
    submitted(world, secret)

    [asked] = about(outbox(world, "Bitte um Mitzeichnung"), "2/2024")
    assert asked.subject == "Bitte um Mitzeichnung: Vorlage 2/2024 (nichtöffentlich)"
    assert f"die Vorlage 2/2024 „{SECRET}“ mitzuzeichnen" in asked.body
    [kept] = about(outbox(world, "Bitte um Mitzeichnung"), "1/2024")
    assert kept.subject == f"Bitte um Mitzeichnung: Vorlage 1/2024 – {PUBLIC}"

    # 20.04.: the reply deadline (22.04.) is reminded of, the one ten days before the
    # planned meeting (13.04.) is overdue and escalated to the mayor.
    run_sweep(world, berlin(date(2024, 4, 20), 8))
    for prefix in ("Erinnerung:", "Frist überschritten:"):
        secret_mails = about(outbox(world, prefix), "2/2024")
        assert secret_mails, prefix
        for mail in secret_mails:
            assert "Vorlage 2/2024 (nichtöffentlich) (bis " in mail.subject
            assert SECRET not in mail.subject
            assert f"Betrifft: Vorlage 2/2024: {SECRET}" in mail.body
        public_mails = about(outbox(world, prefix), "1/2024")
        assert public_mails, prefix
        assert all(f"Vorlage 1/2024 – {PUBLIC} (bis " in m.subject for m in public_mails)
    assert all(SECRET not in m.subject for m in outbox(world, ""))


def test_the_extract_of_a_non_public_resolution_names_the_vorlage_by_number(
    world: World,
) -> None:
    public = released(world, title=PUBLIC)
    secret = released(world, title=SECRET, public=False)
    # a public Vorlage deliberated in the non-public part: its resolution is non-public
    closed = [StepInput(body_id=world.body_id("Gemeinderat"), decides=True, public=False)]
    in_camera = released(world, title=CLOSED, steps=closed)
    mid = new_meeting(world)
    for pid in (public, secret, in_camera):
        scheduled(world, pid, mid)
    present = in_session(world, mid)
    for pid in (public, secret, in_camera):
        vote(world, pid, dict.fromkeys(present, "yes"))
        world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
        world.fire("proposal", pid, "waive_objection", "ilsfeld.mayor", berlin(MEETING_DAY, 21))

    extracts = outbox(world, "Beschlussauszug zum Vollzug")
    [hidden] = about(extracts, "2/2024")
    assert hidden.subject == "Beschlussauszug zum Vollzug: Vorlage 2/2024 (nichtöffentlich)"
    assert SECRET in hidden.body
    [named] = about(extracts, "1/2024")
    assert named.subject == f"Beschlussauszug zum Vollzug: Vorlage 1/2024 – {PUBLIC}"
    [closed_extract] = about(extracts, "3/2024")
    assert closed_extract.subject == (
        "Beschlussauszug zum Vollzug: Vorlage 3/2024 (nichtöffentlich)"
    )
    assert CLOSED in closed_extract.body
    assert all(SECRET not in m.subject for m in outbox(world, ""))


def test_an_antrag_taken_over_as_a_non_public_vorlage_keeps_its_subject_out_of_subjects(
    world: World,
) -> None:
    """An Antrag is as public as the Vorlage it became: its Frist mails name it by date."""
    signers = [p.id or 0 for p in world.data.ilsfeld.councillors[:5]]
    secret_vorlage = new_proposal(world, title=SECRET, public=False)

    def file(subject: str) -> int:
        return known(
            world.run(
                lambda s: council_requests.create_request(
                    session=s,
                    actor=world["ilsfeld.secretary"],
                    now=berlin(DAY, 9),
                    body_id=world.body_id("Gemeinderat"),
                    kind="session_request",
                    subject=subject,
                    received_on=DAY,
                    signer_person_ids=signers,
                )
            ).id
        )

    public, secret = file(PUBLIC), file(SECRET)
    world.run(
        lambda s: council_requests.take_over(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.clerk"],
            now=berlin(DAY, 10),
            request_id=secret,
            proposal_id=secret_vorlage,
        )
    )
    run_sweep(world, berlin(date(2024, 4, 16), 8))  # reminded, expired (due 15.04.)

    with Session(world.engine) as session:
        told = select(Notification.key).where(Notification.instance_type == "council_request")
        about_requests = list(
            session.exec(select(OutboxMessage).where(col(OutboxMessage.key).in_(told)))
        )
    assert about_requests
    hidden = [m for m in about_requests if f"/antraege/{secret}" in m.body]
    named = [m for m in about_requests if f"/antraege/{public}" in m.body]
    assert hidden
    assert named
    for mail in hidden:
        assert "Antrag vom 08.04.2024 (nichtöffentlich) (bis " in mail.subject
        assert SECRET not in mail.subject
        assert f"Betrifft: Antrag „{SECRET}“" in mail.body
    assert all(f"Antrag vom 08.04.2024 – {PUBLIC} (bis " in m.subject for m in named)
