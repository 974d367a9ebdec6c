"""The firing's writes past the unit of work (issue 14): the versioned UPDATE of a loaded row
(``workflow.loaded_rows.bump_version``) and rows inserted or deleted by id (``insert_loaded``,
``delete_loaded``) leave the session as a flush would, and a lost version race still fails."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlalchemy import text
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from tests.conftest import World, berlin, known
from tests.integration.flow import DAY, new_proposal
from tests.integration.test_statement_budget import counted
from workflow import audit
from workflow.db import pinned, transaction
from workflow.deadlines.notify import Message, send_to
from workflow.errors import StaleVersion
from workflow.loaded_rows import Rider, bump_version, delete_loaded, insert_loaded, settle_deletes
from workflow.models import AuditEvent, CoSignature, Proposal, User
from workflow.revisions import add_revision


def test_the_versioned_update_writes_the_changes_and_leaves_nothing_for_a_flush(
    world: World,
) -> None:
    pid = new_proposal(world)
    before = world.get(Proposal, pid)
    with Session(world.engine, expire_on_commit=False) as session, transaction(session):
        proposal = session.get(Proposal, pid)
        assert proposal is not None
        proposal.title = "Neuer Titel"
        with counted(world) as seen:
            bump_version(session, proposal, berlin(DAY, 12))
        assert [s.split()[0] for s in seen if not s.startswith("BEGIN")] == ["UPDATE"]
        assert proposal.version == before.version + 1
        assert not session.dirty
        with counted(world) as seen:
            session.flush()
        assert seen == []
    after = world.get(Proposal, pid)
    assert (after.title, after.version) == ("Neuer Titel", before.version + 1)
    assert after.updated_at != before.updated_at


def test_a_concurrent_writer_of_the_same_version_makes_the_update_fail(world: World) -> None:
    pid = new_proposal(world)
    with pytest.raises(StaleVersion):  # noqa: PT012 (the write and the race are one story)
        with Session(world.engine, expire_on_commit=False) as session, transaction(session):
            proposal = session.get(Proposal, pid)
            assert proposal is not None
            proposal.title = "Verloren"
            # Another writer commits the next version first (here in the same transaction:
            # SQLite has one writer; the UPDATE … WHERE version = … sees the same thing).
            session.connection().execute(
                text("UPDATE proposal SET version = version + 1 WHERE id = :id"), {"id": pid}
            )
            bump_version(session, proposal, berlin(DAY, 12))
    assert world.get(Proposal, pid).title != "Verloren"


def test_rows_inserted_and_deleted_by_id_are_in_the_session_as_if_flushed(world: World) -> None:
    pid = new_proposal(world)
    users = [known(world.actors[name].user_id) for name in ("ilsfeld.head", "ilsfeld.mayor")]
    with Session(world.engine, expire_on_commit=False) as session, transaction(session):
        rows = [CoSignature(proposal_id=pid, user_id=uid) for uid in users]
        with counted(world) as seen:
            insert_loaded(session, rows)
        # One statement on PostgreSQL (insertmanyvalues); SQLite sends one per row.
        one_each = 1 if world.engine.dialect.name == "postgresql" else len(rows)
        assert len([s for s in seen if s.startswith("INSERT")]) == one_each
        assert all(row.id and row in session for row in rows)
        assert session.get(CoSignature, rows[0].id) is rows[0]
        assert not session.new
        assert not session.dirty
        delete_loaded(session, rows[:1])
        assert rows[0] not in session
    stored = world.run(
        lambda s: [
            (c.id, c.user_id)
            for c in s.exec(select(CoSignature).where(CoSignature.proposal_id == pid))
        ]
    )
    assert stored == [(rows[1].id, users[1])]


def _append_bumping(
    session: Session, proposal: Proposal, world: World, riding: Sequence[Rider] = ()
) -> AuditEvent:
    return audit.append_bumping(
        session,
        proposal,
        instance_type="proposal",
        actor=world.actors["ilsfeld.clerk"],
        trigger="edit",
        source=proposal.state,
        now=berlin(DAY, 12),
        riding=riding,
    )


def _lose_the_race(
    session: Session, proposal: Proposal, world: World, riding: Sequence[Rider] = ()
) -> None:
    """Another writer bumps the version first; the firing's versioned UPDATE then fails."""
    session.connection().execute(
        text("UPDATE proposal SET version = version + 1 WHERE id = :id"), {"id": proposal.id}
    )
    with pytest.raises(StaleDataError):
        _append_bumping(session, proposal, world, riding)


def _task_message(session: Session, pid: int, world: World, riding: list[Rider]) -> None:
    """A task message to the head of department, written with the versioned UPDATE."""
    head = session.get(User, world.actors["ilsfeld.head"].user_id)
    assert head is not None
    assert head.email
    send_to(
        session,
        key_prefix=f"test:proposal:{pid}",
        users=[head],
        message=Message("cosign", "Bitte mitzeichnen", "Text", None, "proposal", pid),
        now=berlin(DAY, 12),
        riding=riding,
    )


def _count(session: Session, query: str, pid: int) -> int:
    return int(session.connection().execute(text(query), {"id": pid}).scalar_one())


NOTICES = "SELECT count(*) FROM notification WHERE instance_id = :id AND kind = 'cosign'"
MAILS = "SELECT count(*) FROM outboxmessage WHERE key LIKE 'test:proposal:%' AND :id > 0"


def test_a_task_message_rides_on_the_versioned_update(world: World) -> None:
    pid = new_proposal(world)
    with Session(world.engine, expire_on_commit=False) as session, transaction(session):
        proposal = session.get(Proposal, pid)
        assert proposal is not None
        riding: list[Rider] = []
        with counted(world) as seen:
            _task_message(session, pid, world, riding)
        assert [q.split()[0] for q in seen] == ["SELECT"]  # the user only: nothing written
        assert len(riding) == 1
        with counted(world) as seen:
            _append_bumping(session, proposal, world, riding)
        writes = [s.split()[0] for s in seen if not s.startswith(("BEGIN", "SELECT audithead"))]
        if world.engine.dialect.name == "postgresql":
            assert writes == ["WITH"]  # the UPDATE, the event, the notice and its e-mail
        assert (_count(session, NOTICES, pid), _count(session, MAILS, pid)) == (1, 1)


def test_a_lost_race_writes_no_task_message(world: World) -> None:
    pid = new_proposal(world)
    written: list[int] = []
    with pytest.raises(StaleVersion):  # noqa: PT012 (the write and the race are one story)
        with Session(world.engine, expire_on_commit=False) as session, transaction(session):
            proposal = session.get(Proposal, pid)
            assert proposal is not None
            riding: list[Rider] = []
            _task_message(session, pid, world, riding)
            _lose_the_race(session, proposal, world, riding)
            written += [_count(session, NOTICES, pid), _count(session, MAILS, pid)]
            raise StaleDataError("the lost race ends the transaction")
    assert written == [0, 0]


def test_the_audit_event_rides_on_the_versioned_update(world: World) -> None:
    """One statement on PostgreSQL (the event and the head's move as CTEs of the UPDATE),
    three on SQLite; either way the chain stays whole and the head moves."""
    pid = new_proposal(world)
    before = world.get(Proposal, pid)
    with Session(world.engine, expire_on_commit=False) as session, transaction(session):
        proposal = session.get(Proposal, pid)
        assert proposal is not None
        proposal.title = "Mit Ereignis"
        with counted(world) as seen:
            event = _append_bumping(session, proposal, world)
        # The head was not loaded before: one SELECT by key.
        writes = [s.split()[0] for s in seen if not s.startswith(("BEGIN", "SELECT audithead"))]
        if world.engine.dialect.name == "postgresql":
            assert writes == ["WITH"]
        else:
            assert writes == ["UPDATE", "INSERT", "UPDATE"]
        assert not session.dirty
    after = world.get(Proposal, pid)
    assert (after.title, after.version) == ("Mit Ereignis", before.version + 1)
    events = world.run(lambda s: audit.history(s, "proposal", pid))
    assert [(e.seq, e.trigger, e.hash) for e in events][-1] == (event.seq, "edit", event.hash)
    assert world.run(audit.verify) == []


def test_a_lost_race_writes_no_audit_event(world: World) -> None:
    pid = new_proposal(world)
    written: list[int] = []
    with pytest.raises(StaleVersion):  # noqa: PT012 (the write and the race are one story)
        with Session(world.engine, expire_on_commit=False) as session, transaction(session):
            proposal = session.get(Proposal, pid)
            assert proposal is not None
            _lose_the_race(session, proposal, world)
            # Still inside the transaction: the UPDATE lost, and nothing rode on it.
            for query in (
                "SELECT count(*) FROM auditevent WHERE instance_id = :id AND \"trigger\" = 'edit'",
                "SELECT seq FROM audithead WHERE instance_id = :id AND instance_type = 'proposal'",
            ):
                written.append(session.connection().execute(text(query), {"id": pid}).scalar_one())
            raise StaleDataError("the lost race ends the transaction")
    assert written == [0, 1]


def test_only_columns_set_and_changed_are_written(world: World) -> None:
    """The versioned UPDATE looks only at attributes set since the load: one set to its
    own value is left out, a JSON value changed in place and flagged is written."""
    from sqlalchemy.orm.attributes import flag_modified

    pid = new_proposal(world)
    with Session(world.engine, expire_on_commit=False) as session, transaction(session):
        proposal = session.get(Proposal, pid)
        assert proposal is not None
        proposal.title = proposal.title  # the same value: nothing to write
        proposal.redactions["facts"] = "geschwärzt"  # in place: only the flag tells
        flag_modified(proposal, "redactions")
        with counted(world) as seen:
            bump_version(session, proposal, berlin(DAY, 12))
        update = next(s for s in seen if s.startswith("UPDATE"))
        assert "title" not in update
        assert "redactions" in update
    assert world.get(Proposal, pid).redactions["facts"] == "geschwärzt"


def _cosignature_ids(session: Session, pid: int) -> list[int]:
    query = text("SELECT id FROM cosignature WHERE proposal_id = :id ORDER BY id")
    return [int(r[0]) for r in session.connection().execute(query, {"id": pid})]


def test_a_riding_delete_goes_with_the_update_and_not_with_a_lost_race(world: World) -> None:
    pid = new_proposal(world)
    user = known(world.actors["ilsfeld.head"].user_id)
    with Session(world.engine, expire_on_commit=False) as session, transaction(session):
        insert_loaded(session, [CoSignature(proposal_id=pid, user_id=user)])
    # Won: the rows are gone with the UPDATE, not before it.
    with Session(world.engine, expire_on_commit=False) as session, transaction(session):
        proposal = session.get(Proposal, pid)
        assert proposal is not None
        rows = list(session.exec(select(CoSignature).where(CoSignature.proposal_id == pid)))
        riding: list[Rider] = []
        delete_loaded(session, rows, riding=riding)
        assert rows[0] not in session
        assert len(_cosignature_ids(session, pid)) == 1  # still there until the UPDATE
        _append_bumping(session, proposal, world, riding)
        assert _cosignature_ids(session, pid) == []
    # Settled first: the same co-signer asked again in the same firing, no unique clash.
    with Session(world.engine, expire_on_commit=False) as session, transaction(session):
        insert_loaded(session, [CoSignature(proposal_id=pid, user_id=user)])
        rows = list(session.exec(select(CoSignature).where(CoSignature.proposal_id == pid)))
        riding = []
        delete_loaded(session, rows, riding=riding)
        settle_deletes(session, riding, CoSignature)
        assert riding == []
        again = CoSignature(proposal_id=pid, user_id=user)
        insert_loaded(session, [again])
        assert _cosignature_ids(session, pid) == [again.id]
    # Lost: nothing deleted.
    kept: list[list[int]] = []
    with pytest.raises(StaleVersion):  # noqa: PT012 (the write and the race are one story)
        with Session(world.engine, expire_on_commit=False) as session, transaction(session):
            proposal = session.get(Proposal, pid)
            assert proposal is not None
            rows = list(session.exec(select(CoSignature).where(CoSignature.proposal_id == pid)))
            riding = []
            delete_loaded(session, rows, riding=riding)
            _lose_the_race(session, proposal, world, riding)
            kept.append(_cosignature_ids(session, pid))
            raise StaleDataError("the lost race ends the transaction")
    assert kept == [[again.id]]


REVISIONS = "SELECT number FROM proposalrevision WHERE proposal_id = :id ORDER BY number"


def _numbers(session: Session, pid: int) -> list[int]:
    return [int(r[0]) for r in session.connection().execute(text(REVISIONS), {"id": pid})]


def test_a_fassung_rides_and_a_second_in_the_same_firing_follows_it(world: World) -> None:
    """The first Fassung of a firing goes with the versioned UPDATE (one statement with it
    on PostgreSQL), a second one is written at once with the next number: no collision
    although the first is not written yet when the second is."""
    pid = new_proposal(world)
    with Session(world.engine, expire_on_commit=False) as session, transaction(session):
        proposal = session.get(Proposal, pid)
        assert proposal is not None
        riding: list[Rider] = []
        with pinned(session):
            first = add_revision(
                session, proposal, by="ilsfeld.clerk", now=berlin(DAY, 12), riding=riding
            )
            second = add_revision(
                session, proposal, by="ilsfeld.clerk", now=berlin(DAY, 12), riding=riding
            )
            assert _numbers(session, pid) == [second]  # the first still rides
            with counted(world) as seen:
                _append_bumping(session, proposal, world, riding)
        if world.engine.dialect.name == "postgresql":
            assert [
                s.split()[0] for s in seen if not s.startswith(("BEGIN", "SELECT audithead"))
            ] == ["WITH"]
        assert _numbers(session, pid) == [first, second]
    assert (first, second) == (1, 2)
    again = world.run(
        lambda s: add_revision(s, world.get(Proposal, pid), by="x", now=berlin(DAY, 13))
    )
    assert again == 3  # read from the table outside a firing


def test_a_lost_race_writes_no_fassung(world: World) -> None:
    pid = new_proposal(world)
    written: list[list[int]] = []
    with pytest.raises(StaleVersion):  # noqa: PT012 (the write and the race are one story)
        with Session(world.engine, expire_on_commit=False) as session, transaction(session):
            proposal = session.get(Proposal, pid)
            assert proposal is not None
            riding: list[Rider] = []
            add_revision(session, proposal, by="ilsfeld.clerk", now=berlin(DAY, 12), riding=riding)
            _lose_the_race(session, proposal, world, riding)
            written.append(_numbers(session, pid))
            raise StaleDataError("the lost race ends the transaction")
    assert written == [[]]
