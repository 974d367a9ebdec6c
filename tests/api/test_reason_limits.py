"""One bound for a reason or comment (``workflow.limits.MAX_REASON``): the engine refuses a
longer one on every path, the API's schema and the screens' maxlength say the same, and a
screen keeps what was typed instead of cutting it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from tests.api.conftest import FixedClock, TestClient
from tests.api.test_http import assert_problem
from tests.api.test_ui_foundation import sign_in
from tests.api.test_ui_meetings import _invited_vorlage, _post, _version
from tests.conftest import World, berlin, known
from tests.integration.flow import DAY, MEETING_DAY, in_session, item_of, new_proposal
from tests.integration.test_meetings import planned
from workflow.errors import InvalidInput
from workflow.limits import MAX_REASON, MAX_TEXT, too_long
from workflow.models import AgendaItem, BiasDeclaration, Proposal
from workflow.services import agenda

LONG = "x" * (MAX_REASON + 1)
LIMIT_WORDS = f"höchstens {MAX_REASON:,} Zeichen".replace(",", ".")


def test_the_engine_refuses_a_long_bias_reason(world: World) -> None:
    """The service itself (CLI, imports, any caller), not only the forms in front of it."""
    pid, mid = planned(world)
    present = in_session(world, mid)
    item = item_of(world, pid)

    def declare(reason: str) -> Any:
        def run(session: Any) -> Any:
            version = world.get_meeting(mid).version
            return agenda.declare_bias(
                session=session,
                actor=world["ilsfeld.secretary"],
                now=berlin(MEETING_DAY, 19, 30),
                meeting_id=mid,
                item_id=item,
                expected_version=version,
                person_id=present[3],
                reason=reason,
            )

        return world.run(run)

    with pytest.raises(InvalidInput) as refused:
        declare(LONG)
    assert (refused.value.field, refused.value.message) == (
        "reason",
        too_long("Der Grund der Befangenheit"),
    )
    assert LIMIT_WORDS in refused.value.message
    assert world.run(lambda s: s.exec(select(BiasDeclaration)).all()) == []
    declare("x" * MAX_REASON)  # exactly the bound is taken
    stored = world.run(lambda s: s.exec(select(BiasDeclaration.reason)).one())
    assert len(stored) == MAX_REASON


def test_the_engine_refuses_a_long_comment_of_a_transition(world: World) -> None:
    pid = new_proposal(world)
    with pytest.raises(InvalidInput) as refused:
        world.fire(
            "proposal",
            pid,
            "submit",
            "ilsfeld.clerk",
            berlin(DAY, 9),
            comment=LONG,
            data={"cosigners": ["ilsfeld.head"]},
        )
    assert refused.value.field == "comment"
    assert LIMIT_WORDS in refused.value.message
    with pytest.raises(InvalidInput) as refused:  # a reason in the transition's data
        world.fire(
            "proposal",
            pid,
            "submit",
            "ilsfeld.clerk",
            berlin(DAY, 9),
            data={"cosigners": ["ilsfeld.head"], "urgent_reason": LONG},
        )
    assert refused.value.field == "data.urgent_reason"
    assert refused.value.message == too_long("Die Begründung")
    assert world.get(Proposal, pid).state == "draft"


def test_the_api_takes_the_engines_bound_for_a_bias_reason(
    world: World, client: Any, as_user: Any, clock: FixedClock
) -> None:
    """It took 5,000 characters while the screen took 2,000 and the engine any length."""
    pid, mid = planned(world)
    present = in_session(world, mid)
    item = item_of(world, pid)
    clock.now = berlin(MEETING_DAY, 19, 30)
    url = f"/api/v1/meetings/{mid}"
    secretary = as_user("ilsfeld.secretary")

    def declare(person: int, reason: str) -> Any:
        version = client.get(url, headers=secretary).json()["version"]
        return client.post(
            f"{url}/agenda-items/{item}/bias-declarations",
            json={"expected_version": version, "person_id": person, "reason": reason},
            headers=secretary,
        )

    refused = assert_problem(declare(present[3], "x" * 2_500), 422)
    assert refused["errors"][0]["field"].endswith("reason")
    taken = declare(present[3], "x" * MAX_REASON)
    assert taken.status_code == 201, taken.text


def test_the_schema_states_the_engines_bound(client: Any) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]

    def bound(schema: str, field: str) -> int:
        prop = schemas[schema]["properties"][field]
        options = prop.get("anyOf", [prop])
        return int(next(o["maxLength"] for o in options if "maxLength" in o))

    for schema, field in (
        ("BiasCreate", "reason"),
        ("DeadlineWaive", "reason"),
        ("MeetingReschedule", "reason"),
        ("TransitionRequest", "comment"),
    ):
        assert bound(schema, field) == MAX_REASON, (schema, field)


def test_the_screen_refuses_a_long_reason_of_absetzung_and_keeps_it(
    world: World, client: TestClient
) -> None:
    """Refused with the engine's words, and the form comes back with all that was typed
    (it was cut to the bound before), its field bounded by the same maxlength."""
    _, meeting = _invited_vorlage(world)
    item = world.run(
        lambda s: s.exec(select(AgendaItem).where(AgendaItem.meeting_id == meeting)).one()
    )
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{meeting}").text
    check_url = f"/sitzungen/{meeting}/tagesordnung/{item.id}/absetzen"
    check = client.get(check_url).text
    assert f'maxlength="{MAX_REASON}"' in check.split('name="comment"')[1].split(">")[0]
    typed = "Beratungsbedarf " + "y" * MAX_REASON
    refused = _post(client, check_url, check, version=_version(page), comment=typed)
    assert refused.status_code == 422
    assert too_long("Der Grund der Absetzung") in refused.text
    assert f">{typed}</textarea>" in refused.text
    assert not known(world.run(lambda s: s.get(AgendaItem, item.id))).removed


def test_a_long_text_is_refused_by_the_engine_not_cut(world: World) -> None:
    """A council request's refusal and settlement note were cut to 20,000 characters by the
    engine (and by the screen in front of it): refused now, with the one bound in words."""
    from tests.integration.test_council_requests import councillor_ids, create
    from workflow.services import council_requests

    request = create(world, signer_person_ids=councillor_ids(world, 3))

    def refuse(reason: str) -> Any:
        return world.run(
            lambda s: council_requests.refuse(
                session=s,
                actor=world["ilsfeld.mayor"],
                now=berlin(DAY, 12),
                request_id=request.id or 0,
                ground="other",
                reason=reason,
            )
        )

    with pytest.raises(InvalidInput) as refused:
        refuse("z" * (MAX_TEXT + 1))
    assert refused.value.field == "reason"
    assert refused.value.message == too_long("Die Begründung der Ablehnung", MAX_TEXT)
    assert "höchstens 20.000 Zeichen" in refused.value.message
    assert refuse("z" * MAX_TEXT).refusal_reason == "z" * MAX_TEXT


def test_the_schema_states_the_long_texts_bound(client: Any) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    motion = schemas["MotionCreate"]["properties"]["text"]
    assert max(o.get("maxLength", 0) for o in motion.get("anyOf", [motion])) == MAX_TEXT
