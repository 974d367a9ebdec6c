"""The Sitzung lifecycle: convening, quorum, bias, votes and minutes (§§ 18, 34, 37, 38 GemO)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlmodel import Session, select

from tests.conftest import World, berlin, known
from tests.integration.flow import (
    DAY,
    MEETING_DAY,
    in_session,
    item_of,
    new_meeting,
    released,
    scheduled,
    vote,
)
from workflow.deadlines.ical import meeting_event
from workflow.errors import Conflict, GuardsUnmet, InvalidInput, RoleRefused
from workflow.law.voting import Quorum, Tally
from workflow.models import (
    AgendaItem,
    AuditEvent,
    Deadline,
    Meeting,
    Municipality,
    Proposal,
    Resolution,
)
from workflow.queries import item_quorum, tally, voting_members
from workflow.services import meetings as meeting_service
from workflow.services import news_since
from workflow.services.deadline_service import reschedule_meeting
from workflow.services.listing import get_meeting
from workflow.services.proposals import StepInput

MAY_MEETING = date(2024, 5, 8)  # Wed; D − 7 = Wed 01.05.2024, Maifeiertag


def planned(
    world: World, body: str = "Gemeinderat", day: date = MEETING_DAY, **kwargs: object
) -> tuple[int, int]:
    """A released proposal deciding in `body`, scheduled on a new meeting of that body."""
    steps = [StepInput(body_id=world.body_id(body), planned_date=day, decides=True)]
    pid = released(world, steps=steps)
    mid = new_meeting(world, body, day, **kwargs)
    scheduled(world, pid, mid)
    return pid, mid


def invited(world: World, mid: int) -> None:
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(DAY, 14))


def members_of(world: World, mid: int) -> list[int]:
    body_id = world.get(Meeting, mid).body_id
    return list(world.run(lambda s: voting_members(s, body_id)))


def attend(world: World, mid: int, present: list[int], day: date = MEETING_DAY) -> None:
    world.run(
        lambda s: meeting_service.record_attendance(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(day, 18),
            meeting_id=mid,
            present=present,
        )
    )


def declare_bias(world: World, item: int, person: int, day: date = MEETING_DAY) -> None:
    world.run(
        lambda s: meeting_service.declare_bias(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(day, 19, 30),
            agenda_item_id=item,
            person_id=person,
            reason="Grundstück des Bruders betroffen (§ 18 Abs. 1 Nr. 2 GemO)",
        )
    )


def record_votes(world: World, item: int, votes: dict[int, str]) -> None:
    world.run(
        lambda s: meeting_service.record_votes(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 20),
            agenda_item_id=item,
            votes=votes,
        )
    )


def sign(world: World, mid: int, person: int, capacity: str) -> None:
    world.run(
        lambda s: meeting_service.sign_minutes(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(date(2024, 5, 2)),
            meeting_id=mid,
            person_id=person,
            capacity=capacity,
        )
    )


def quorum_of(world: World, item: int) -> Quorum:
    def read(session: Session) -> Quorum:
        row = session.get(AgendaItem, item)
        assert row is not None
        return item_quorum(session, row)

    result: Quorum = world.run(read)
    return result


def tally_of(world: World, item: int) -> Tally:
    result: Tally = world.run(lambda s: tally(s, item))
    return result


def meeting_deadlines(world: World, mid: int) -> dict[str, Deadline]:
    rows = world.run(
        lambda s: s.exec(
            select(Deadline).where(Deadline.instance_type == "meeting", Deadline.instance_id == mid)
        ).all()
    )
    by_rule = {row.rule: row for row in rows}
    assert len(by_rule) == len(rows)
    return by_rule


def unmet_names(refused: pytest.ExceptionInfo[GuardsUnmet]) -> list[str]:
    return [g.name for g in refused.value.unmet]


def meeting_state(world: World, mid: int) -> str:
    return str(world.get(Meeting, mid).state)


# --- Einberufung (§ 34 GemO) ------------------------------------------------------------------


def test_invitation_deadline_opens_at_creation(world: World) -> None:
    mid = new_meeting(world)
    rows = meeting_deadlines(world, mid)
    assert set(rows) == {"invitation"}
    assert rows["invitation"].status == "open"
    assert rows["invitation"].due_date == date(2024, 4, 16)  # Tue 23.04. − 7 days


def test_invitation_on_latest_day_passes_and_meets_deadline(world: World) -> None:
    _, mid = planned(world)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    late_evening = berlin(date(2024, 4, 16), 23, 59)  # still 16.04. in Europe/Berlin
    fired = world.fire("meeting", mid, "invite", "ilsfeld.mayor", late_evening)
    assert fired.dest == "invited"
    assert [(e.rule, e.change, e.due_date) for e in fired.deadlines] == [
        ("invitation", "met", date(2024, 4, 16))
    ]
    meeting = world.get(Meeting, mid)
    assert meeting.invited_at is not None
    assert not meeting.emergency
    assert meeting.late_invitation_reason is None
    assert meeting_deadlines(world, mid)["invitation"].status == "met"


def test_invitation_one_day_late_is_refused(world: World) -> None:
    _, mid = planned(world)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(date(2024, 4, 17), 0, 5))
    assert unmet_names(refused) == ["invitation_in_time"]
    assert "16.04.2024" in refused.value.message
    assert "§ 34 Abs. 1 Satz 1 GemO" in refused.value.message
    assert meeting_state(world, mid) == "agenda"
    assert meeting_deadlines(world, mid)["invitation"].status == "open"


def test_invitation_deadline_before_holiday_moves_earlier(world: World) -> None:
    _, mid = planned(world, day=MAY_MEETING)
    assert meeting_deadlines(world, mid)["invitation"].due_date == date(2024, 4, 30)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(date(2024, 5, 1)))
    assert unmet_names(refused) == ["invitation_in_time"]
    assert "30.04.2024" in refused.value.message
    fired = world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(date(2024, 4, 30)))
    assert fired.dest == "invited"
    assert meeting_deadlines(world, mid)["invitation"].status == "met"


def test_emergency_session_may_be_invited_without_period(world: World) -> None:
    _, mid = planned(world)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    reason = "Hochwasser: Sofortmaßnahmen am Schozachdamm"
    fired = world.fire(
        "meeting",
        mid,
        "invite",
        "ilsfeld.mayor",
        berlin(date(2024, 4, 22)),
        data={"emergency_reason": reason},
    )
    assert fired.dest == "invited"
    meeting = world.get(Meeting, mid)
    assert meeting.emergency
    assert meeting.emergency_reason == reason
    invitation = meeting_deadlines(world, mid)["invitation"]
    assert invitation.status == "waived"  # § 34 Abs. 2: "ohne Frist"
    assert invitation.waived_reason == f"Notsitzung (§ 34 Abs. 2 GemO): {reason}"


def test_municipality_may_set_its_own_invitation_period(world: World) -> None:
    """A GO demanding "7 clear days" (DOMAIN.md rule 2, strict = D − 8) is a setting."""
    municipality_id = world.data.ilsfeld.municipality.id

    def strict(session: Session) -> None:
        municipality = session.get(Municipality, municipality_id)
        assert municipality is not None
        municipality.settings = {**municipality.settings, "deadline_periods": {"invitation": "P8D"}}
        session.add(municipality)

    world.run(strict)
    _, mid = planned(world)
    assert meeting_deadlines(world, mid)["invitation"].due_date == date(2024, 4, 15)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(date(2024, 4, 16)))
    assert "15.04.2024" in refused.value.message
    assert "8 Tage" in refused.value.message


def test_blank_reasons_do_not_excuse_a_late_invitation(world: World) -> None:
    _, mid = planned(world)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    with pytest.raises(GuardsUnmet) as refused:
        world.fire(
            "meeting",
            mid,
            "invite",
            "ilsfeld.mayor",
            berlin(date(2024, 4, 18)),
            data={"emergency_reason": "  ", "late_reason": ""},
        )
    assert unmet_names(refused) == ["invitation_in_time"]
    assert not world.get(Meeting, mid).emergency


def test_late_invitation_with_reason_is_recorded_and_deadline_missed(world: World) -> None:
    _, mid = planned(world)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    reason = "Unterlagen des Planungsbüros kamen erst am 17.04."
    fired = world.fire(
        "meeting",
        mid,
        "invite",
        "ilsfeld.mayor",
        berlin(date(2024, 4, 18)),
        data={"late_reason": reason},
    )
    assert fired.dest == "invited"
    assert [(e.rule, e.change) for e in fired.deadlines] == [("invitation", "missed")]
    meeting = world.get(Meeting, mid)
    assert meeting.late_invitation_reason == reason
    assert not meeting.emergency
    row = meeting_deadlines(world, mid)["invitation"]
    assert row.status == "missed"
    assert row.closed_at is not None


@pytest.mark.parametrize("data", [{}, {"late_reason": "Verzögert"}, {"emergency_reason": "Brand"}])
def test_no_reason_invites_to_a_day_gone_by(world: World, data: dict[str, str]) -> None:
    """§ 34 Abs. 1 S. 1 GemO: an invitation names a day still to come."""
    _, mid = planned(world)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    day = world.get(Meeting, mid).meeting_date
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(date(2024, 4, 24)), data=data)
    assert unmet_names(refused) == ["invitation_in_time"]
    assert f"Der Sitzungstag {day:%d.%m.%Y} ist vorbei" in refused.value.message
    meeting = world.get(Meeting, mid)
    assert meeting_state(world, mid) == "agenda"
    assert not meeting.emergency
    assert meeting.late_invitation_reason is None
    fired = world.fire(
        "meeting",
        mid,
        "invite",
        "ilsfeld.mayor",
        berlin(day, 8),
        data={"emergency_reason": "Brand"},
    )
    assert fired.dest == "invited"  # on the day itself an emergency session may be convened


def test_set_agenda_requires_items(world: World) -> None:
    mid = new_meeting(world)
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    assert unmet_names(refused) == ["has_agenda_items"]
    assert meeting_state(world, mid) == "planned"


# --- Sitzung eröffnen, Beschlussfähigkeit (§ 37 Abs. 2, 3 GemO) --------------------------------


def test_open_session_needs_meeting_day_and_attendance(world: World) -> None:
    _, mid = planned(world)
    invited(world, mid)
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(date(2024, 4, 22), 18))
    assert set(unmet_names(refused)) == {
        "meeting_day_reached",
        "attendance_recorded",
        "meeting_quorate",
    }
    assert "23.04.2024" in refused.value.message
    assert meeting_state(world, mid) == "invited"


def test_open_session_refused_after_the_meeting_day(world: World) -> None:
    """Members were invited to the meeting day; a session opened a day later is not duly
    convened (§ 34 Abs. 1, § 37 Abs. 1 S. 1 GemO)."""
    _, mid = planned(world)
    invited(world, mid)
    members = members_of(world, mid)
    attend(world, mid, members)
    next_day = date.fromordinal(MEETING_DAY.toordinal() + 1)
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(next_day, 9))
    assert unmet_names(refused) == ["meeting_day_reached"]
    assert "nicht ordnungsmäßig einberufen" in refused.value.message
    # what the engine allows an invited meeting: not a Verlegung (reschedule_meeting refuses)
    assert "Sagen Sie sie ab und berufen Sie sie für einen neuen Tag neu ein" in (
        refused.value.message
    )
    assert meeting_state(world, mid) == "invited"
    world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(MEETING_DAY, 18, 30))
    assert meeting_state(world, mid) == "in_session"


def test_quorum_is_at_least_half_of_all_members(world: World) -> None:
    _, mid = planned(world)
    invited(world, mid)
    members = members_of(world, mid)
    assert len(members) == 19  # mayor + 18 councillors (§ 25 Abs. 1 GemO)
    attend(world, mid, members[:9])
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(MEETING_DAY, 19))
    assert unmet_names(refused) == ["meeting_quorate"]
    assert "9 von 19" in refused.value.message
    assert "erforderlich 10" in refused.value.message
    attend(world, mid, members[:10])
    fired = world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(MEETING_DAY, 19))
    assert fired.dest == "in_session"


# --- Zweite Sitzung (§ 37 Abs. 3 GemO) -----------------------------------------------------------

SECOND_DAY = date(2024, 5, 7)  # Tue, two weeks after the session that was not quorate
AFTER = date(2024, 4, 24)


def not_quorate(
    world: World, body: str = "Gemeinderat", day: date = MEETING_DAY
) -> tuple[int, int]:
    """A session of ``body`` with too few present to open; its proposal taken off the agenda."""
    pid, mid = planned(world, body, day)
    invited(world, mid)
    members = members_of(world, mid)
    attend(world, mid, members[: (len(members) - 1) // 2], day)  # one short of half
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(day, 19))
    assert unmet_names(refused) == ["meeting_quorate"]
    world.fire("proposal", pid, "remove_from_agenda", "ilsfeld.mayor", berlin(day, 19, 15))
    return pid, mid


def second_session(world: World, earlier: int, body: str = "Gemeinderat", **kwargs: Any) -> int:
    meeting = world.run(
        lambda s: meeting_service.create_meeting(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.secretary"],
            now=berlin(AFTER, 9),
            body_id=world.body_id(body),
            meeting_date=SECOND_DAY,
            second_session_of=earlier,
            **kwargs,
        )
    )
    return known(meeting.id)


def schedule_on(world: World, pid: int, mid: int) -> None:
    world.fire(
        "proposal",
        pid,
        "schedule",
        "ilsfeld.secretary",
        berlin(AFTER, 10),
        data={"meeting_id": mid},
    )


def refusal_of_second_session(world: World, earlier: int, **kwargs: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as refused:
        second_session(world, earlier, **kwargs)
    return refused.value


def test_second_session_flag_alone_is_refused(world: World) -> None:
    """Before the fix any meeting could claim § 37 Abs. 3 and be quorate with three."""
    with pytest.raises(InvalidInput) as refused:
        new_meeting(world, second_session=True)
    assert refused.value.field == "second_session_of"
    assert "§ 37 Abs. 3 GemO" in refused.value.message


def test_second_session_refused_after_a_quorate_session(world: World) -> None:
    pid, mid = planned(world)
    assert refusal_of_second_session(world, mid).field == "second_session_of"  # no attendance
    present = in_session(world, mid)
    vote(world, pid, dict.fromkeys(present, "yes"))
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    refused = refusal_of_second_session(world, mid)
    assert refused.field == "second_session_of"
    assert "23.04.2024" in refused.message
    assert "beschlussfähig" in refused.message


def test_second_session_refused_for_another_body_or_an_earlier_day(world: World) -> None:
    _, committee_session = not_quorate(world, "Technischer Ausschuss", date(2024, 4, 24))
    refused = refusal_of_second_session(world, committee_session)  # a Gemeinderat session
    assert refused.field == "second_session_of"
    assert "anderen Gremiums" in refused.message
    with pytest.raises(InvalidInput) as before:
        new_meeting(
            world, "Technischer Ausschuss", date(2024, 4, 24), second_session_of=committee_session
        )
    assert before.value.field == "second_session_of"
    with pytest.raises(InvalidInput) as unknown:
        new_meeting(world, second_session_of=999_999)
    assert unknown.value.field == "second_session_of"


def test_second_session_is_quorate_with_three_for_carried_over_items_only(world: World) -> None:
    carried, first = not_quorate(world)
    mid = second_session(world, first)
    meeting = world.get(Meeting, mid)
    assert (meeting.second_session, meeting.second_session_of) == (True, first)
    schedule_on(world, carried, mid)
    steps = [StepInput(body_id=world.body_id("Gemeinderat"), planned_date=SECOND_DAY, decides=True)]
    fresh = released(world, steps=steps)
    schedule_on(world, fresh, mid)
    world.fire("meeting", mid, "set_agenda", "ilsfeld.secretary", berlin(AFTER, 11))
    world.fire("meeting", mid, "invite", "ilsfeld.mayor", berlin(AFTER, 12))
    invitation = world.run(
        lambda s: s.exec(
            select(AuditEvent).where(
                AuditEvent.instance_type == "meeting",
                AuditEvent.instance_id == mid,
                AuditEvent.trigger == "invite",
            )
        ).one()
    )
    notice = str(invitation.data["second_session_notice"])  # § 37 Abs. 3 S. 1: "hinzuweisen"
    assert "§ 37 Abs. 3 GemO" in notice
    assert "23.04.2024" in notice
    assert "mindestens drei Mitglieder" in notice
    view = world.run(
        lambda s: get_meeting(session=s, actor=world["ilsfeld.council"], meeting_id=mid)
    )
    assert view.notice == notice
    event = world.run(
        lambda s: meeting_event(
            s,
            known(s.get(Meeting, mid)),
            berlin(AFTER, 12),
            "https://rat.example",
            public_only=True,
        )
    )
    description = next(line for line in event if line.startswith("DESCRIPTION:"))
    assert description.startswith("DESCRIPTION:Zweite Sitzung nach § 37 Abs. 3 GemO")

    members = members_of(world, mid)
    attend(world, mid, members[:2], SECOND_DAY)
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(SECOND_DAY, 19))
    assert unmet_names(refused) == ["meeting_quorate"]
    assert "§ 37 Abs. 3 GemO" in refused.value.message
    assert "erforderlich 3" in refused.value.message
    present = members[:3]
    attend(world, mid, present, SECOND_DAY)
    world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(SECOND_DAY, 19))

    assert quorum_of(world, item_of(world, carried)).required == 3
    vote(world, carried, dict.fromkeys(present, "yes"), day=SECOND_DAY)
    adopted = world.fire("proposal", carried, "adopt", "ilsfeld.secretary", berlin(SECOND_DAY, 20))
    assert adopted.dest == "decided"

    # A matter new to this session: § 37 Abs. 2 as always.
    assert quorum_of(world, item_of(world, fresh)).required == 10
    vote(world, fresh, dict.fromkeys(present, "yes"), day=SECOND_DAY)
    with pytest.raises(GuardsUnmet) as new_item:
        world.fire("proposal", fresh, "adopt", "ilsfeld.secretary", berlin(SECOND_DAY, 20))
    assert unmet_names(new_item) == ["quorum_present"]
    assert "§ 37 Abs. 2 GemO" in new_item.value.message


def test_second_session_after_bias_covers_the_biased_item(world: World) -> None:
    """Quorate at the start, yet one item lost its quorum to bias (§ 37 Abs. 3: "oder
    Befangenheit"); deferred, it may be decided by three in the second session."""
    pid, first = planned(world)
    members = members_of(world, first)
    invited(world, first)
    attend(world, first, members[:10])
    world.fire("meeting", first, "open_session", "ilsfeld.mayor", berlin(MEETING_DAY, 19))
    declare_bias(world, item_of(world, pid), members[9])
    world.fire("proposal", pid, "defer", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    mid = second_session(world, first)
    schedule_on(world, pid, mid)
    assert quorum_of(world, item_of(world, pid)).required == 3


def test_committee_not_quorate_for_bias_gets_no_second_session(world: World) -> None:
    """§ 39 Abs. 5 S. 3 GemO: the council decides instead of the committee."""
    day = date(2024, 4, 24)
    pid, first = planned(world, "Technischer Ausschuss", day)
    members = members_of(world, first)
    in_session(world, first, absent=1, day=day)
    for person in members[4:8]:
        declare_bias(world, item_of(world, pid), person, day)
    quorum = quorum_of(world, item_of(world, pid))
    assert (quorum.present_entitled, quorum.biased, quorum.reached) == (4, 4, False)
    refused = refusal_of_second_session(world, first, body="Technischer Ausschuss")
    assert refused.field == "second_session_of"


# --- Befangenheit (§ 18 GemO) -------------------------------------------------------------------


def test_biased_member_cannot_vote_and_is_not_counted(world: World) -> None:
    pid, mid = planned(world)
    present = in_session(world, mid)
    item = item_of(world, pid)
    biased = present[5]
    declare_bias(world, item, biased)
    with pytest.raises(InvalidInput) as refused:
        record_votes(world, item, dict.fromkeys(present, "yes"))
    assert refused.value.field == f"votes.{biased}"
    assert "befangen" in refused.value.message
    assert tally_of(world, item) == Tally(yes=0, no=0, abstain=0)
    quorum = quorum_of(world, item)
    assert (quorum.members, quorum.present_entitled, quorum.biased) == (19, 18, 1)
    entitled = [p for p in present if p != biased]
    record_votes(world, item, dict.fromkeys(entitled, "yes"))
    fired = world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    assert fired.dest == "decided"
    resolution = world.run(
        lambda s: s.exec(select(Resolution).where(Resolution.proposal_id == pid)).one()
    )
    assert (resolution.yes, resolution.present_entitled, resolution.biased) == (18, 18, 1)


def test_bias_after_votes_requires_a_new_vote_without_the_member(world: World) -> None:
    """A late disclosure still counts (§ 18 Abs. 6 GemO): the open item is voted on again."""
    pid, mid = planned(world)
    present = in_session(world, mid)
    item = item_of(world, pid)
    record_votes(world, item, dict.fromkeys(present, "yes"))
    declare_bias(world, item, present[3])
    assert quorum_of(world, item).biased == 1
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    assert unmet_names(refused) == ["quorum_present"]
    assert "zu wiederholen" in refused.value.message
    record_votes(world, item, {p: "yes" for p in present if p != present[3]})
    fired = world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    assert fired.dest == "decided"


def test_repeated_bias_declaration_is_a_conflict(world: World) -> None:
    pid, mid = planned(world)
    present = in_session(world, mid)
    item = item_of(world, pid)
    declare_bias(world, item, present[3])
    with pytest.raises(Conflict) as again:
        declare_bias(world, item, present[3])
    assert "bereits erklärt" in again.value.message
    assert quorum_of(world, item).biased == 1


def test_quorum_present_refuses_adopt_when_bias_leaves_less_than_half(world: World) -> None:
    pid, mid = planned(world)
    members = members_of(world, mid)
    invited(world, mid)
    attend(world, mid, members[:10])
    world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(MEETING_DAY, 19))
    item = item_of(world, pid)
    declare_bias(world, item, members[9])
    entitled = members[:9]
    record_votes(world, item, dict.fromkeys(entitled, "yes"))
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    assert unmet_names(refused) == ["quorum_present"]
    assert "9 von 19" in refused.value.message
    assert "erforderlich 10" in refused.value.message
    assert str(world.get(Proposal, pid).state) == "scheduled"


def test_quarter_suffices_when_more_than_half_are_biased(world: World) -> None:
    """Technischer Ausschuss, 9 members: 5 biased leave 4 entitled, quorum ceil(9/4) = 3."""
    day = date(2024, 4, 24)
    pid, mid = planned(world, "Technischer Ausschuss", day)
    members = members_of(world, mid)
    assert len(members) == 9
    present = in_session(world, mid, day=day)
    assert present == members
    item = item_of(world, pid)
    biased, entitled = members[4:], members[:4]
    for person in biased[:4]:
        declare_bias(world, item, person, day)
    assert quorum_of(world, item).required == 5  # 4 of 9 is not more than half
    declare_bias(world, item, biased[4], day)
    quorum = quorum_of(world, item)
    assert (quorum.present_entitled, quorum.biased, quorum.required) == (4, 5, 3)
    assert quorum.reached
    vote(world, pid, dict.fromkeys(entitled, "yes"), day=day)
    fired = world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(day, 20))
    assert fired.dest == "decided"
    resolution = world.run(
        lambda s: s.exec(select(Resolution).where(Resolution.proposal_id == pid)).one()
    )
    assert (resolution.members, resolution.present_entitled, resolution.biased) == (9, 4, 5)


# --- Abstimmung (§ 37 Abs. 6 GemO) --------------------------------------------------------------


def test_absent_member_cannot_vote(world: World) -> None:
    pid, mid = planned(world)
    present = in_session(world, mid, absent=2)
    absent = [m for m in members_of(world, mid) if m not in present]
    assert len(absent) == 2
    item = item_of(world, pid)
    with pytest.raises(InvalidInput) as refused:
        record_votes(world, item, {**dict.fromkeys(present, "yes"), absent[0]: "no"})
    assert refused.value.field == f"votes.{absent[0]}"
    assert "nicht anwesend" in refused.value.message
    assert tally_of(world, item) == Tally(yes=0, no=0, abstain=0)


def test_non_member_cannot_vote(world: World) -> None:
    pid, mid = planned(world)
    in_session(world, mid)
    item = item_of(world, pid)
    outsider = world["ilsfeld.secretary"].person_id
    assert outsider is not None
    with pytest.raises(InvalidInput) as refused:
        record_votes(world, item, {outsider: "yes"})
    assert refused.value.field == f"votes.{outsider}"
    assert "nicht stimmberechtigt" in refused.value.message


def test_committee_vote_refuses_council_member_outside_committee(world: World) -> None:
    day = date(2024, 4, 24)
    pid, mid = planned(world, "Technischer Ausschuss", day)
    in_session(world, mid, day=day)
    committee = set(members_of(world, mid))
    outsider = next(p.id for p in world.data.ilsfeld.councillors if p.id not in committee)
    assert outsider is not None
    with pytest.raises(InvalidInput) as refused:
        record_votes(world, item_of(world, pid), {outsider: "yes"})
    assert refused.value.field == f"votes.{outsider}"


def test_invalid_choice_is_refused(world: World) -> None:
    pid, mid = planned(world)
    present = in_session(world, mid)
    item = item_of(world, pid)
    with pytest.raises(InvalidInput) as refused:
        record_votes(world, item, {present[0]: "yes", present[1]: "ja"})
    assert refused.value.field == f"votes.{present[1]}"
    assert tally_of(world, item) == Tally(yes=0, no=0, abstain=0)


def test_votes_only_while_in_session(world: World) -> None:
    pid, mid = planned(world)
    members = members_of(world, mid)
    invited(world, mid)
    attend(world, mid, members)
    item = item_of(world, pid)
    with pytest.raises(Conflict) as before:
        record_votes(world, item, dict.fromkeys(members, "yes"))
    assert "laufenden Sitzung" in before.value.message
    world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(MEETING_DAY, 19))
    record_votes(world, item, dict.fromkeys(members, "yes"))
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    world.fire("meeting", mid, "close_session", "ilsfeld.mayor", berlin(MEETING_DAY, 22))
    with pytest.raises(Conflict) as after:
        record_votes(world, item, dict.fromkeys(members, "no"))
    assert "laufenden Sitzung" in after.value.message
    assert tally_of(world, item) == Tally(yes=19, no=0, abstain=0)


# --- Sitzung schließen, Niederschrift (§ 38 GemO) ----------------------------------------------


def test_close_session_requires_every_item_handled(world: World) -> None:
    pid, mid = planned(world)
    present = in_session(world, mid)
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("meeting", mid, "close_session", "ilsfeld.mayor", berlin(MEETING_DAY, 21))
    assert unmet_names(refused) == ["all_items_handled"]
    assert "TOP 1" in refused.value.message
    vote(world, pid, dict.fromkeys(present, "yes"))
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    fired = world.fire("meeting", mid, "close_session", "ilsfeld.mayor", berlin(MEETING_DAY, 22))
    assert fired.dest == "closed"
    assert [(e.rule, e.change, e.due_date) for e in fired.deadlines] == [
        ("minutes", "opened", date(2024, 5, 23))  # 23.04. + 1 month (§ 188 Abs. 2 BGB)
    ]


def test_minutes_need_chair_two_participating_councillors_and_secretary(world: World) -> None:
    pid, mid = planned(world)
    present = in_session(world, mid, absent=2)
    absent = [m for m in members_of(world, mid) if m not in present]
    vote(world, pid, dict.fromkeys(present, "yes"))
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    world.fire("meeting", mid, "close_session", "ilsfeld.mayor", berlin(MEETING_DAY, 22))
    assert meeting_deadlines(world, mid)["minutes"].due_date == date(2024, 5, 23)
    assert meeting_deadlines(world, mid)["minutes"].status == "open"

    signing_day = berlin(date(2024, 5, 2))
    with pytest.raises(GuardsUnmet) as nobody:
        world.fire("meeting", mid, "sign_minutes", "ilsfeld.secretary", signing_day)
    assert unmet_names(nobody) == ["minutes_signatures_complete"]
    assert nobody.value.message.endswith(
        "Es fehlen Unterschriften: Vorsitz, 2 teilnehmende Ratsmitglieder, Schriftführung"
    )

    chair = world.data.ilsfeld.mayor.id
    assert chair is not None
    with pytest.raises(InvalidInput) as absentee:
        sign(world, mid, absent[0], "councillor")
    assert absentee.value.field == "person_id"
    with pytest.raises(InvalidInput):
        sign(world, mid, chair, "councillor")  # the chair signs as chair, not as councillor
    sign(world, mid, chair, "chair")
    # One signature is no "Niederschrift unterzeichnet" in Meine Aufgaben (Neu seit): its
    # event shares the transition's name, not its step (closed -> minutes_signed).
    changes = world.run(
        lambda s: news_since.changes_since(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.clerk"],
            since=berlin(MEETING_DAY, 0),
        )
    )
    by_trigger = {c.event.trigger: c for c in changes if c.kind == "meeting"}
    assert by_trigger["sign_minutes"].step_label is None
    assert by_trigger["close_session"].step_label is not None
    sign(world, mid, present[1], "councillor")
    with pytest.raises(GuardsUnmet) as partly:
        world.fire("meeting", mid, "sign_minutes", "ilsfeld.secretary", signing_day)
    assert "Vorsitz" not in partly.value.message
    assert "1 teilnehmendes Ratsmitglied," in partly.value.message
    assert "Schriftführung" in partly.value.message

    with pytest.raises(Conflict):
        sign(world, mid, present[1], "councillor")  # signing twice does not count twice
    with pytest.raises(GuardsUnmet):
        world.fire("meeting", mid, "sign_minutes", "ilsfeld.secretary", signing_day)

    secretary = world["ilsfeld.secretary"].person_id
    assert secretary is not None
    sign(world, mid, present[2], "councillor")
    with pytest.raises(InvalidInput, match="Zwei Ratsmitglieder haben"):
        sign(world, mid, present[3], "councillor")  # § 38 Abs. 2: two Gemeinderäte sign
    sign(world, mid, secretary, "secretary")
    fired = world.fire("meeting", mid, "sign_minutes", "ilsfeld.secretary", signing_day)
    assert fired.dest == "minutes_signed"
    assert meeting_deadlines(world, mid)["minutes"].status == "open"
    presented = world.fire(
        "meeting", mid, "present_minutes", "ilsfeld.mayor", berlin(date(2024, 5, 14), 19)
    )
    assert presented.dest == "minutes_presented"
    assert [(e.rule, e.change) for e in presented.deadlines] == [("minutes", "met")]
    assert meeting_deadlines(world, mid)["minutes"].status == "met"


def attend_with_chair(world: World, mid: int, present: list[int], chair: int) -> None:
    world.run(
        lambda s: meeting_service.record_attendance(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 18),
            meeting_id=mid,
            present=present,
            chair_person_id=chair,
        )
    )


def test_deputy_chairs_when_the_mayor_is_absent_and_signs_the_minutes(world: World) -> None:
    """§ 38 Abs. 2 GemO: the minutes are signed by whoever chaired *this* session."""
    pid, mid = planned(world)
    invited(world, mid)
    members = members_of(world, mid)
    mayor = world.data.ilsfeld.mayor.id
    assert members[0] == mayor
    present = members[1:]
    with pytest.raises(InvalidInput) as no_chair:
        attend(world, mid, present)  # nobody named: the mayor, who would chair, is absent
    assert no_chair.value.field == "chair_person_id"
    assert "Beate Beispiel ist nicht anwesend" in no_chair.value.message
    assert (
        "in Stellvertretung leitet: die erste anwesende Stellvertretung in ihrer Reihenfolge, "
        "ist keine anwesend, das an Lebensjahren älteste anwesende Mitglied (§ 48 Abs. 1 "
        "Satz 4, 6, 8 GemO)"
    ) in no_chair.value.message
    assert world.get(Meeting, mid).chair_person_id is None
    with pytest.raises(GuardsUnmet) as unopened:
        world.fire("meeting", mid, "open_session", "ilsfeld.mayor", berlin(MEETING_DAY, 19))
    assert "attendance_recorded" in unmet_names(unopened)
    deputy = present[0]
    attend_with_chair(world, mid, present, deputy)
    assert world.get(Meeting, mid).chair_person_id == deputy
    world.fire("meeting", mid, "open_session", "ilsfeld.secretary", berlin(MEETING_DAY, 19))
    vote(world, pid, dict.fromkeys(present, "yes"))
    world.fire("proposal", pid, "adopt", "ilsfeld.secretary", berlin(MEETING_DAY, 20))
    world.fire("meeting", mid, "close_session", "ilsfeld.secretary", berlin(MEETING_DAY, 22))

    with pytest.raises(InvalidInput) as absent_mayor:
        sign(world, mid, mayor, "chair")
    assert absent_mayor.value.field == "person_id"
    assert "§ 38 Abs. 2 GemO" in absent_mayor.value.message
    with pytest.raises(InvalidInput) as twice:
        sign(world, mid, deputy, "councillor")  # the chair is not one of the two councillors
    assert twice.value.field == "person_id"
    with pytest.raises(InvalidInput) as not_secretary:
        sign(world, mid, present[3], "secretary")  # the Schriftführer is the secretary
    assert not_secretary.value.field == "person_id"
    assert "(Rolle „Sitzungsdienst“)" in not_secretary.value.message

    sign(world, mid, deputy, "chair")
    sign(world, mid, present[1], "councillor")
    sign(world, mid, present[2], "councillor")
    secretary = world["ilsfeld.secretary"].person_id
    assert secretary is not None
    sign(world, mid, secretary, "secretary")
    fired = world.fire(
        "meeting", mid, "sign_minutes", "ilsfeld.secretary", berlin(date(2024, 5, 2))
    )
    assert fired.dest == "minutes_signed"


def test_chair_is_a_present_voting_member(world: World) -> None:
    _, mid = planned(world)
    invited(world, mid)
    members = members_of(world, mid)
    present = members[1:]
    outsider = world["ilsfeld.secretary"].person_id
    for chair in (members[0], outsider):  # absent mayor; not a member at all
        assert chair is not None
        with pytest.raises(InvalidInput) as refused:
            attend_with_chair(world, mid, present, chair)
        assert refused.value.field == "chair_person_id"
    attend(world, mid, members)
    assert world.get(Meeting, mid).chair_person_id == members[0]  # the mayor, by default
    with pytest.raises(InvalidInput) as refused:  # the mayor is there (§ 48 Abs. 1 Satz 4)
        attend_with_chair(world, mid, members, members[4])
    assert refused.value.field == "chair_person_id"
    attend_with_chair(world, mid, members[1:], members[4])  # she is away: a member chairs
    attend(world, mid, members[1:])  # re-recorded without a name: the chair stays
    assert world.get(Meeting, mid).chair_person_id == members[4]
    attend(world, mid, members[:4])  # the member left: the mayor, present, takes over
    assert world.get(Meeting, mid).chair_person_id == members[0]


# --- Absage ---------------------------------------------------------------------------------


def test_cancel_needs_comment_and_no_pending_proposals(world: World) -> None:
    pid, mid = planned(world)
    with pytest.raises(RoleRefused):
        world.fire("meeting", mid, "cancel", "ilsfeld.secretary", berlin(DAY, 15), comment="x")
    with pytest.raises(GuardsUnmet) as refused:
        world.fire("meeting", mid, "cancel", "ilsfeld.mayor", berlin(DAY, 15))
    assert set(unmet_names(refused)) == {"comment_given", "no_pending_proposals"}
    with pytest.raises(GuardsUnmet) as pending:
        world.fire(
            "meeting", mid, "cancel", "ilsfeld.mayor", berlin(DAY, 15), comment="Terminkollision"
        )
    assert unmet_names(pending) == ["no_pending_proposals"]
    world.fire("proposal", pid, "remove_from_agenda", "ilsfeld.mayor", berlin(DAY, 16))
    fired = world.fire(
        "meeting", mid, "cancel", "ilsfeld.mayor", berlin(DAY, 17), comment="Terminkollision"
    )
    assert fired.dest == "cancelled"
    assert [(e.rule, e.change) for e in fired.deadlines] == [("invitation", "cancelled")]
    assert str(world.get(Proposal, pid).state) == "ready"


def test_second_session_cannot_be_moved_before_the_first(world: World) -> None:
    _, earlier = not_quorate(world)
    mid = second_session(world, earlier)
    first_day = world.get_meeting(earlier).meeting_date
    with pytest.raises(InvalidInput) as refused:
        world.run(
            lambda s: reschedule_meeting(
                session=s,
                workflows=world.workflows,
                actor=world["ilsfeld.secretary"],
                now=berlin(AFTER, 11),
                meeting_id=mid,
                meeting_date=first_day,
                reason="Saal belegt",
            )
        )
    assert refused.value.field == "meeting_date"
    assert world.get_meeting(mid).meeting_date == SECOND_DAY
