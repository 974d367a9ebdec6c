"""Anlagen share their file by content: a deletion must not take the file of the same bytes
uploaded by another request while the deletion commits (a row without its file)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session as SASession
from sqlmodel import Session, select

from tests.conftest import World, berlin
from tests.integration.flow import DAY, new_proposal
from workflow.db import transaction, unit_of_work
from workflow.files import FileStore
from workflow.models import Attachment
from workflow.services import attachments as service

PDF = b"%PDF-1.4\n" + b"Lageplan Festhalle\n" * 50
DIGEST = hashlib.sha256(PDF).hexdigest()


def _upload(
    world: World, store: FileStore, session: Session, pid: int, name: str = "Lageplan.pdf"
) -> Attachment:
    return service.upload(
        session=session,
        store=store,
        actor=world["ilsfeld.clerk"],
        now=berlin(DAY, 11),
        kind="proposal",
        instance_id=pid,
        filename=name,
        declared_type="application/pdf",
        data=PDF,
        max_bytes=1024 * 1024,
    )


@pytest.fixture
def between_commit_and_cleanup() -> Iterator[dict[Any, Any]]:
    """Runs a session's hook right after its commit and before the deletion's clean-up
    (inserted ahead of it): the window in which another request may upload the same bytes.
    Keyed by session: other sessions (caches, other threads) commit meanwhile too."""
    hooks: dict[Any, Any] = {}

    def run(session: Any) -> None:
        hook = hooks.pop(session, None)
        if hook is not None:
            hook()

    event.listen(SASession, "after_commit", run, insert=True)
    yield hooks
    event.remove(SASession, "after_commit", run)


def test_an_upload_of_the_same_bytes_during_a_deletion_keeps_its_file(
    world: World, tmp_path: Path, between_commit_and_cleanup: dict[Any, Any]
) -> None:
    """Request A deletes the only Anlage with these bytes and commits; before A removes the
    file, request B uploads the same bytes (the file exists, so B writes nothing) and commits
    a moment later. B's Anlage must keep its file, A's row is gone."""
    store = FileStore(tmp_path / "files")
    pid = new_proposal(world)
    first = world.run(lambda s: _upload(world, store, s, pid))
    file = store.path(DIGEST)
    assert file.exists()

    uploaded = threading.Event()
    outcome: dict[str, Any] = {}

    def request_b() -> None:
        try:
            with unit_of_work(world.engine) as session:
                outcome["row"] = _upload(world, store, session, pid, "Kopie.pdf").id
                uploaded.set()
                # B's commit comes later than A's clean-up would without taking turns.
                threading.Event().wait(0.5)
        except Exception as exc:  # noqa: BLE001 - the assertion below reports it
            outcome["error"] = exc
            uploaded.set()

    worker = threading.Thread(target=request_b, daemon=True)

    def start_b() -> None:
        worker.start()
        assert uploaded.wait(30), "B's upload did not get its turn after A's commit"

    with Session(world.engine, expire_on_commit=False) as session, transaction(session):
        between_commit_and_cleanup[session] = start_b
        service.delete(
            session=session,
            store=store,
            actor=world["ilsfeld.clerk"],
            now=berlin(DAY, 12),
            attachment_id=first.id or 0,
        )
    worker.join(30)
    assert "error" not in outcome, outcome
    rows = world.run(lambda s: [(a.id, a.name, a.sha256) for a in s.exec(select(Attachment))])
    assert rows == [(outcome["row"], "Kopie.pdf", DIGEST)]  # A's row gone, B's kept
    assert file.exists(), "B's Anlage lost its file"
    assert store.get(DIGEST) == PDF


def test_the_file_of_the_last_deleted_row_still_goes(world: World, tmp_path: Path) -> None:
    """Taking turns must not keep every file: without another row the file leaves the disk,
    and a second row of the same bytes keeps it until it is deleted too."""
    store = FileStore(tmp_path / "files")
    pid = new_proposal(world)
    one = world.run(lambda s: _upload(world, store, s, pid))
    two = world.run(lambda s: _upload(world, store, s, pid))

    def delete(attachment_id: int) -> None:
        world.run(
            lambda s: service.delete(
                session=s,
                store=store,
                actor=world["ilsfeld.clerk"],
                now=berlin(DAY, 12),
                attachment_id=attachment_id,
            )
        )

    delete(one.id or 0)
    assert store.path(DIGEST).exists()
    delete(two.id or 0)
    assert not store.path(DIGEST).exists()
