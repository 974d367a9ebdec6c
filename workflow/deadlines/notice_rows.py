"""How notices and their e-mails are written (issue 14): one statement of constant text per
batch on PostgreSQL (the rows as one JSON parameter, ``workflow.embedded_rows.recordset``; a
notice's e-mail a data-modifying CTE joined to the notices written now), or with a firing's
versioned UPDATE (``workflow.loaded_rows.Rider``); SQLite writes the two apart.
``workflow.deadlines.notify`` decides who hears what."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, insert, literal, literal_column
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from workflow.embedded_rows import json_param, recordset
from workflow.loaded_rows import Rider
from workflow.models import Notification, OutboxMessage

NOTIFICATION: Table = Notification.__table__  # type: ignore[attr-defined]
OUTBOX: Table = OutboxMessage.__table__  # type: ignore[attr-defined]


_OUTBOX_INSERT = insert(OUTBOX)
_COLUMNS = [column for column in NOTIFICATION.c if column.name != "id"]
_NAMES = [column.name for column in _COLUMNS]
# PostgreSQL: the rows as one JSON parameter (``recordset``), a statement of constant text.
# A multi-row VALUES list (SQLAlchemy's "insertmanyvalues", used for RETURNING) is a new
# text of hundreds of placeholders per batch, which psycopg parses anew each time (it caches
# statements up to 4 kB and 50 parameters): that parsing cost more than the whole INSERT.
_PG_UPSERT = (
    postgresql_insert(NOTIFICATION)
    .from_select(
        _NAMES, sa_select(literal_column("*")).select_from(recordset("rows", _COLUMNS, "r"))
    )
    .on_conflict_do_nothing(index_elements=["key"])
    .returning(NOTIFICATION.c.key)
)
# An e-mail is its notice sent to an address: what it adds to the notice's row.
_MAIL_FIELDS = {
    "key": OUTBOX.c.key,
    "municipality_id": OUTBOX.c.municipality_id,
    "to_address": OUTBOX.c.to_address,
}


def _notice_params(
    notices: list[dict[str, Any]], mails: list[dict[str, Any]], prefix: str = ""
) -> dict[str, str]:
    """The parameters of ``_pg_notices_and_mails`` (``_riding_notices``: prefixed ``n_``)."""
    return {
        f"{prefix}rows": json_param(notices, _NAMES),
        "mail_rows": json_param(mails, _MAIL_FIELDS),
    }


def _pg_notices_and_mails() -> Any:
    """``WITH n AS (INSERT INTO notification … RETURNING …), m AS (INSERT INTO outboxmessage
    … SELECT … FROM json_to_recordset(…) AS a JOIN n USING key) SELECT key FROM n``: an
    e-mail is written only with a notice written now, its subject, text and instants taken
    from that notice (sent once, not twice), and the new keys come back. Both CTEs run to
    completion whether or not the SELECT reads them (PostgreSQL's rule for data-modifying CTEs)."""
    n = NOTIFICATION.c
    new = _PG_UPSERT.returning(n.user_id, n.title, n.body, n.created_at).cte("n")
    return sa_select(new.c.key).add_cte(_mails_of(new).cte("m"))


def _mails_of(new: Any) -> Any:
    """The outbox INSERT of the e-mails (``mail_rows``: key, municipality, address) whose
    notices ``new`` returned (key, user, title, body, instant)."""
    address = recordset("mail_rows", list(_MAIL_FIELDS.values()), "a")
    values = {
        "key": new.c.key,
        "user_id": new.c.user_id,
        "municipality_id": address.c.municipality_id,
        "to_address": address.c.to_address,
        "subject": new.c.title,
        "body": new.c.body,
        "status": literal("pending"),
        "attempts": literal(0),
        "next_attempt_at": new.c.created_at,
        "created_at": new.c.created_at,
    }
    return insert(OUTBOX).from_select(
        list(values), sa_select(*values.values()).join(new, new.c.key == address.c.key)
    )


_SQLITE_UPSERT = (
    sqlite_insert(NOTIFICATION)
    .on_conflict_do_nothing(index_elements=["key"])
    .returning(NOTIFICATION.c.key)
)
_PG_NOTICES_AND_MAILS = _pg_notices_and_mails()


def _riding_notices(bumped: Any) -> list[Any]:
    """The notices and e-mails of ``_pg_notices_and_mails`` as CTEs of a firing's versioned
    UPDATE (``workflow.loaded_rows.Rider``): written only if ``bumped`` returned its row."""
    won = sa_select(bumped).exists()
    n = NOTIFICATION.c
    rows = recordset("n_rows", _COLUMNS, "r")
    new = (
        postgresql_insert(NOTIFICATION)
        .from_select(_NAMES, sa_select(literal_column("*")).select_from(rows).where(won))
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(n.key, n.user_id, n.title, n.body, n.created_at)
        .cte("riding_n")
    )
    return [new, _mails_of(new).cte("riding_m")]


def insert_new_notifications(session: Session, rows: list[dict[str, Any]]) -> set[str]:
    """``INSERT … ON CONFLICT (key) DO NOTHING RETURNING key`` (PostgreSQL, SQLite ≥ 3.35):
    one statement instead of a look-up and an insert, and a notice written by a concurrent
    transaction is skipped rather than raising. Returns the keys inserted now; only their
    e-mails may go to the outbox."""
    if session.get_bind().dialect.name == "postgresql":
        return set(session.execute(_PG_UPSERT, {"rows": json_param(rows, _NAMES)}).scalars())
    return set(session.execute(_SQLITE_UPSERT, rows).scalars())


def insert_notices(
    session: Session, notifications: list[dict[str, Any]], mails: list[dict[str, Any]]
) -> set[str]:
    """The notices as ``insert_new_notifications`` writes them, and the e-mails of those
    among them that are new (``_mail_row``: a notice's key and where it goes); returns the
    new keys.

    PostgreSQL: one statement (issue 14), the outbox INSERT a data-modifying CTE joined to
    the notices the first INSERT returns. SQLite has no data-modifying CTEs: two statements."""
    if session.get_bind().dialect.name == "postgresql" and mails:
        params = _notice_params(notifications, mails)
        return set(session.execute(_PG_NOTICES_AND_MAILS, params).scalars())
    new = insert_new_notifications(session, notifications)
    notices = {row["key"]: row for row in notifications if row["key"] in new}
    written = [_outbox_row(notices[row["key"]], row) for row in mails if row["key"] in notices]
    if written:
        session.execute(_OUTBOX_INSERT, written)
    return new


def _outbox_row(notice: dict[str, Any], mail: dict[str, Any]) -> dict[str, Any]:
    """The e-mail of a notice (``_pg_notices_and_mails`` builds the same row in SQL)."""
    return {
        "key": notice["key"],
        "user_id": notice["user_id"],
        "municipality_id": mail["municipality_id"],
        "to_address": mail["to_address"],
        "subject": notice["title"],
        "body": notice["body"],
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": notice["created_at"],
        "last_error": None,
        "created_at": notice["created_at"],
        "sent_at": None,
    }


def ride_notices(
    riding: list[Rider], notices: list[dict[str, Any]], mails: list[dict[str, Any]]
) -> bool:
    """Put the notices and e-mails (as ``insert_notices`` takes them) on a firing's
    versioned UPDATE; False when a rider of this kind is already on it (its parameters are
    named by column, so one per firing), and the caller writes them now."""
    if any(r.ctes is _riding_notices for r in riding):
        return False
    # Prefixed: a parameter named like a column would join the SET of the UPDATEs in the
    # same statement (SQLAlchemy compiles UPDATE parameters by column name).
    params = _notice_params(notices, mails, prefix="n_")

    def write_apart(apart: Session) -> None:
        insert_notices(apart, notices, mails)

    riding.append(Rider(_riding_notices, params, write_apart))
    return True
