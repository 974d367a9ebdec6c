"""Mitteilung möglicher Befangenheit (§ 18 Abs. 4 S. 1 GemO) in the service: a member's
personal deputy (Hauptsatzung, § 40 Abs. 1 S. 2 GemO) notifies like a member, named as
deputy of his member; a notice on an item abgesetzt is kept but no longer open."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import col, select

from tests.conftest import World, berlin, known
from tests.integration.flow import DAY, MEETING_DAY, invited, released, scheduled
from tests.integration.test_deputies import end_seat, seat_of
from tests.integration.test_meetings import planned
from workflow.models import AgendaItem, AuditEvent, BiasNotice, Meeting, OutboxMessage
from workflow.queries import person_names, voting_members
from workflow.services import agenda, bias_notices
from workflow.services import deputies as deputy_service

REASON = "Mein Bruder ist Anlieger"


def _committee_meeting(world: World) -> tuple[int, int, list[int]]:
    """An invited Verwaltungsausschuss meeting with one Vorlage, where Ilsfeld's councillor
    has no seat: (meeting, item, the ordinary members)."""
    _, mid = planned(world, body="Verwaltungsausschuss")
    invited(world, mid)
    [item] = world.run(
        lambda s: list(s.exec(select(AgendaItem.id).where(AgendaItem.meeting_id == mid)))
    )
    body = world.get(Meeting, mid).body_id
    members = world.run(lambda s: voting_members(s, body, MEETING_DAY))
    assert world["ilsfeld.council"].person_id not in members
    return mid, known(item), [p for p in members if p != world.data.ilsfeld.mayor.id]


def _deputy_of(world: World, mid: int, member: int) -> None:
    """Ilsfeld's councillor becomes the member's personal deputy in the meeting's body."""
    world.run(
        lambda s: deputy_service.set_member_deputies(
            session=s,
            actor=world["admin"],
            now=berlin(DAY, 7),
            body_id=world.get(Meeting, mid).body_id,
            member_person_id=member,
            deputy_person_ids=[known(world["ilsfeld.council"].person_id)],
        )
    )


def _notify(world: World, mid: int, item: int) -> BiasNotice:
    return world.run(
        lambda s: bias_notices.notify_bias(
            session=s,
            actor=world["ilsfeld.council"],
            now=berlin(DAY, 16),
            meeting_id=mid,
            item_id=item,
            reason=REASON,
        )
    )


def test_a_members_personal_deputy_notifies_and_withdraws_as_his_stellvertretung(
    world: World,
) -> None:
    mid, item, ordinary = _committee_meeting(world)
    deputy = known(world["ilsfeld.council"].person_id)
    with pytest.raises(bias_notices.NotBodyMember):
        _notify(world, mid, item)
    _deputy_of(world, mid, ordinary[0])
    assert world.run(
        lambda s: bias_notices.may_notify(s, world["ilsfeld.council"], known(s.get(Meeting, mid)))
    )
    notice = _notify(world, mid, item)
    assert notice.person_id == deputy
    member, other = world.run(
        lambda s: (person_names(s, [ordinary[0]]), person_names(s, [ordinary[1]]))
    )
    name = world.run(lambda s: person_names(s, [deputy]))
    said = world.run(lambda s: bias_notices.notifier_name(s, known(s.get(Meeting, mid)), deputy))
    assert said == f"{name} (Stellvertretung für {member})"
    assert other not in said
    audit = world.run(
        lambda s: s.exec(
            select(AuditEvent).where(
                AuditEvent.instance_id == mid, AuditEvent.trigger == "notify_bias"
            )
        ).one()
    )
    assert audit.data["deputy_for"] == [ordinary[0]]
    mails = world.run(
        lambda s: list(
            s.exec(
                select(OutboxMessage).where(
                    col(OutboxMessage.key).startswith(f"bias_notice:{notice.id}:sent")
                )
            )
        )
    )
    assert mails
    assert all(f"{name} (Stellvertretung für {member})" in m.subject for m in mails)
    assert all("wenn sie ein abwesendes Mitglied vertritt" in m.body for m in mails)

    world.run(
        lambda s: bias_notices.withdraw_bias_notice(
            session=s,
            actor=world["ilsfeld.council"],
            now=berlin(DAY, 17),
            meeting_id=mid,
            item_id=item,
        )
    )
    assert world.run(lambda s: bias_notices.meeting_notices(s, mid)) == []


def test_a_deputy_of_a_member_whose_seat_ended_before_the_day_is_refused(world: World) -> None:
    """§ 31 GemO: a member gone by the meeting's day has no deputy in it either."""
    mid, item, ordinary = _committee_meeting(world)
    _deputy_of(world, mid, ordinary[0])
    body = world.get(Meeting, mid).body_id
    end_seat(world, body, seat_of(world, body, ordinary[0]), date(2024, 4, 15))
    assert not world.run(
        lambda s: bias_notices.may_notify(s, world["ilsfeld.council"], known(s.get(Meeting, mid)))
    )
    with pytest.raises(bias_notices.NotBodyMember) as refused:
        _notify(world, mid, item)
    assert "keine persönliche Stellvertretung" in refused.value.message


def test_a_notice_on_an_item_abgesetzt_is_kept_but_no_longer_open(world: World) -> None:
    pid, mid = planned(world)
    invited(world, mid)
    late = released(world, title="Vergabe Winterdienst")
    scheduled(world, late, mid)  # a second item (a Nachtrag) stays on the agenda
    items = world.run(
        lambda s: {
            i.proposal_id: known(i.id)
            for i in s.exec(select(AgendaItem).where(AgendaItem.meeting_id == mid))
        }
    )
    gone, kept = items[pid], items[late]
    first = _notify(world, mid, gone)
    second = _notify(world, mid, kept)
    world.run(
        lambda s: agenda.remove_item(
            session=s,
            workflows=world.workflows,
            actor=world["ilsfeld.secretary"],
            now=berlin(DAY, 18),
            meeting_id=mid,
            item_id=gone,
            expected_version=known(s.get(Meeting, mid)).version,
            comment="Unterlagen unvollständig",
        )
    )
    open_ids = world.run(lambda s: [n.id for n in bias_notices.meeting_notices(s, mid)])
    assert open_ids == [second.id]
    assert world.run(lambda s: bias_notices.item_notices(s, gone)) == []
    assert world.run(lambda s: [n.id for n in bias_notices.removed_item_notices(s, mid)]) == [
        first.id
    ]
    assert world.run(lambda s: s.get(BiasNotice, first.id)) is not None  # kept as sent
