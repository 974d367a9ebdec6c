"""Anlagen: upload, list, read and delete files of proposals and meetings.

A proposal's attachments change only while it is a draft, like its text; a meeting's until
it is invited (§ 34 Abs. 1 S. 1 GemO: they go out with the invitation). Readers see the
public ones wherever they may read the proposal or meeting, the non-public ones only when
entitled (§ 35 Abs. 1 GemO). Uploads and deletions are in the instance's audit chain.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete as sql_delete
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session as SASession
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, col, select

from workflow import audit
from workflow.access import non_public_readable
from workflow.context import Actor
from workflow.errors import Conflict, InvalidInput, NotFound, TooLarge, not_found
from workflow.files import EXTENSIONS, FileStore, normalise_type, safe_name, sniff, too_large
from workflow.models import Attachment, Meeting, Proposal
from workflow.services.common import require_role
from workflow.services.listing import get_meeting, get_proposal
from workflow.services.transition import load_instance

logger = logging.getLogger(__name__)

EDIT_ROLES = {"proposal": ("clerk", "cosigner", "mayor"), "meeting": ("secretary", "mayor")}
EDITABLE_STATES = {"proposal": ("draft",), "meeting": ("planned", "agenda")}
KIND_LABELS = {"proposal": "Beschlussvorlage", "meeting": "Sitzung"}


def _readable(session: Session, actor: Actor | None, kind: str, instance_id: int) -> Any:
    if kind == "proposal":
        return get_proposal(session=session, actor=actor, proposal_id=instance_id)
    if kind == "meeting":
        return get_meeting(session=session, actor=actor, meeting_id=instance_id).meeting
    raise NotFound("Der Eintrag wurde nicht gefunden.")


def _editable(session: Session, actor: Actor, kind: str, instance_id: int, op: str) -> Any:
    instance = load_instance(session, kind, instance_id, actor)
    require_role(actor, op, EDIT_ROLES[kind])
    if instance.state not in EDITABLE_STATES[kind]:
        what = "im Entwurf" if kind == "proposal" else "vor der Einladung"
        raise Conflict(f"Anlagen können nur {what} geändert werden.")
    return instance


def upload(
    *,
    session: Session,
    store: FileStore,
    actor: Actor,
    now: datetime,
    kind: str,
    instance_id: int,
    filename: str | None,
    declared_type: str | None,
    data: bytes,
    public: bool = True,
    max_bytes: int,
) -> Attachment:
    """Check size and type against the bytes, store them, record the row and the event."""
    instance: Proposal | Meeting = _editable(session, actor, kind, instance_id, "add_attachment")
    if len(data) > max_bytes:
        raise TooLarge(too_large(max_bytes))
    if not data:
        raise InvalidInput("Die Datei ist leer.", field="file")
    actual = sniff(data)
    if actual is None:
        allowed = ", ".join(sorted(set(EXTENSIONS.values())))
        raise InvalidInput(f"Dieser Dateityp ist als Anlage nicht erlaubt (nur {allowed}).")
    declared = normalise_type(declared_type)
    if declared is not None and declared != actual:
        raise InvalidInput(
            f"Der Inhalt der Datei ({actual}) passt nicht zum angegebenen Typ ({declared}).",
            field="file",
        )
    digest = hashlib.sha256(data).hexdigest()
    _take_turn(session, digest)  # before the file is written: see _remove_if_unreferenced
    store.put(data)
    _keep_file(session, digest)
    row = Attachment(
        municipality_id=instance.municipality_id,
        instance_type=kind,
        instance_id=instance_id,
        name=safe_name(filename, actual),
        content_type=actual,
        size=len(data),
        sha256=digest,
        public=public,
        uploaded_by=actor.user_id,
        uploaded_at=now,
    )
    session.add(row)
    session.flush()
    _event(session, actor, now, instance, kind, "add_attachment", row)
    return row


def _event(
    session: Session,
    actor: Actor,
    now: datetime,
    instance: Any,
    kind: str,
    trigger: str,
    row: Attachment,
) -> None:
    audit.note(
        session,
        kind,
        instance,
        actor,
        now,
        trigger,
        data={
            "attachment_id": row.id,
            "name": row.name,
            "sha256": row.sha256,
            "size": row.size,
            "public": row.public,
        },
    )


def list_attachments(
    *, session: Session, actor: Actor | None, kind: str, instance_id: int
) -> list[Attachment]:
    instance = _readable(session, actor, kind, instance_id)
    query = select(Attachment).where(
        Attachment.instance_type == kind, Attachment.instance_id == instance_id
    )
    if not non_public_readable(session, actor, instance):
        # § 41b Abs. 2 S. 2 GemO: redacted files stay out of what the public reads.
        query = query.where(col(Attachment.public), col(Attachment.redaction).is_(None))
    return list(session.exec(query.order_by(col(Attachment.id))))


def count_attachments(session: Session, kind: str, instance_id: int) -> int:
    """All files of an instance, readable or not (to say how many a rendition leaves out)."""
    rows = session.exec(
        select(Attachment.id).where(
            Attachment.instance_type == kind, Attachment.instance_id == instance_id
        )
    ).all()
    return len(rows)


def get_attachment(*, session: Session, actor: Actor | None, attachment_id: int) -> Attachment:
    row = session.get(Attachment, attachment_id)
    missing = not_found("Anlage")
    if row is None:
        raise missing
    try:
        instance = _readable(session, actor, row.instance_type, row.instance_id)
    except NotFound as exc:
        raise missing from exc
    hidden = not row.public or row.redaction is not None
    if hidden and not non_public_readable(session, actor, instance):
        raise missing
    return row


def read_attachment(
    *, session: Session, store: FileStore, actor: Actor | None, attachment_id: int
) -> tuple[Attachment, bytes]:
    row = get_attachment(session=session, actor=actor, attachment_id=attachment_id)
    data = store.get(row.sha256)
    if data is None or hashlib.sha256(data).hexdigest() != row.sha256:
        logger.error("attachment %s: file %s missing or altered", row.id, row.sha256)
        raise NotFound("Die Datei dieser Anlage ist nicht mehr vorhanden.")
    return row, data


def delete(
    *, session: Session, store: FileStore, actor: Actor, now: datetime, attachment_id: int
) -> None:
    row = get_attachment(session=session, actor=actor, attachment_id=attachment_id)
    instance = _editable(session, actor, row.instance_type, row.instance_id, "delete_attachment")
    # Concurrent deletions: the row lock decides; the losers see 0 rows and report "not found"
    # (rolling back their audit event) instead of a second success.
    gone = session.execute(sql_delete(Attachment).where(col(Attachment.id) == attachment_id))
    if getattr(gone, "rowcount", 0) != 1:
        raise not_found("Anlage")
    session.expunge(row)
    _event(session, actor, now, instance, row.instance_type, "delete_attachment", row)
    session.flush()
    others = session.exec(select(Attachment.id).where(Attachment.sha256 == row.sha256)).first()
    if others is None:
        _remove_after_commit(session, store, row.sha256)


# Files of deleted rows leave the disk only once the deletion is committed: a rollback (of
# the transaction or of the savepoint the deletion ran in) keeps the row, so it keeps its
# file too. Files are shared by content, so the same bytes may be uploaded again by another
# request while the deletion commits; the file goes only if, after the commit, no row names
# it any more (_remove_if_unreferenced).
_UNREFERENCED = "ratsflow_unreferenced_files"


@dataclass(frozen=True)
class _Unreferenced:
    transaction: SessionTransaction  # the innermost one the deletion ran in
    store: FileStore
    sha256: str
    engine: Engine


def _pending(session: Any) -> list[_Unreferenced]:
    found: list[_Unreferenced] = session.info.setdefault(_UNREFERENCED, [])
    return found


def _lock_key(sha256: str) -> int:
    """A PostgreSQL advisory lock per file: 60 bits of its name fit a signed bigint."""
    return int(sha256[:15], 16)


def _take_turn(session: Session | Connection, sha256: str) -> None:
    """Uploads of some bytes and the removal of their file take turns until each commits.

    On PostgreSQL a transaction-scoped advisory lock on the file's name; SQLite needs none:
    every transaction there begins with ``BEGIN IMMEDIATE`` (``workflow.db``), so writers
    already run one after the other."""
    bind = session.get_bind() if isinstance(session, Session) else session
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(sha256)})


def _remove_if_unreferenced(engine: Engine, store: FileStore, sha256: str) -> None:
    """After the deletion committed, in a transaction of its own: an upload of the same bytes
    that had not committed when the deletion looked for other rows has either committed by
    now (its row is seen, the file stays) or not begun its turn (it writes the file again).
    A failure here leaves an unreferenced file on disk, never a row without its file."""
    try:
        with engine.begin() as conn:
            _take_turn(conn, sha256)
            named = conn.execute(
                select(Attachment.id).where(col(Attachment.sha256) == sha256).limit(1)
            ).first()
            if named is None:
                store.remove(sha256)
    except SQLAlchemyError:
        logger.warning("file %s kept: its references could not be checked", sha256, exc_info=True)


def _remove_after_commit(session: Session, store: FileStore, sha256: str) -> None:
    engine = session.get_bind().engine
    transaction = session.get_nested_transaction() or session.get_transaction()
    if transaction is None:  # autocommit-like use without a transaction: nothing to undo
        _remove_if_unreferenced(engine, store, sha256)
        return
    _pending(session).append(_Unreferenced(transaction, store, sha256, engine))


def _keep_file(session: Session, sha256: str) -> None:
    """The same bytes uploaded again in the transaction that deleted them: they stay."""
    pending = _pending(session)
    pending[:] = [p for p in pending if p.sha256 != sha256]


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


def _forget_rolled_back(session: Any, previous: SessionTransaction) -> None:
    pending = session.info.get(_UNREFERENCED)
    if pending:
        pending[:] = [p for p in pending if not _within(p.transaction, previous)]


def _remove_committed(session: Any) -> None:
    if session.in_nested_transaction():  # a savepoint released: the outer one may yet fail
        return
    for pending in session.info.pop(_UNREFERENCED, []):
        _remove_if_unreferenced(pending.engine, pending.store, pending.sha256)


def _forget_ended(session: Any, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # after a commit the files are gone, else they stay
        session.info.pop(_UNREFERENCED, None)


event.listen(SASession, "after_soft_rollback", _forget_rolled_back)
event.listen(SASession, "after_commit", _remove_committed)
event.listen(SASession, "after_transaction_end", _forget_ended)
