"""Neu seit: the events by others, since the user's last visit, on what he follows, left out
what is not news to his role (one table, ``NOT_NEWS``).

Read-only, with the lists' visibility rules (``workflow.access``); the entries are worded as
the Verlauf words them (the definition's step, the state it led to, the office that acted).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, false, true
from sqlmodel import Session, col, select

from workflow.access import (
    STAFF_ROLES,
    agenda_item_readable,
    decision_request_read_clause,
    decision_response_read_clause,
    meeting_read_clause,
    proposal_read_clause,
    supervised_proposals_clause,
)
from workflow.context import Actor
from workflow.deadlines.standing import COUNCIL_REQUEST
from workflow.definitions.machines import Workflows
from workflow.event_labels import item_named
from workflow.models import (
    AgendaItem,
    AuditEvent,
    CouncilRequest,
    DecisionRequest,
    DecisionResponse,
    Meeting,
    Municipality,
    Proposal,
)
from workflow.services.council_requests import terms as request_terms
from workflow.services.history import proposal_event_clause
from workflow.services.my_tasks import spec_of, title_of
from workflow.wording import actor_role, wording_for

MAX_CHANGES = 30


@dataclass(frozen=True)
class Change:
    kind: str
    instance_id: int
    instance: Any  # the Vorlage, Sitzung, Abfrage or Antwort, for its link
    title: str
    event: AuditEvent
    dest_label: str
    role: str  # who acted, as his municipality names the office (``wording.actor_role``)
    # The step's label where the event is a transition of the definition ("Zur Mitzeichnung
    # geben"); None for other events (an execution task added), which the UI names itself.
    step_label: str | None = None
    # The agenda item an event is about, by its TOP number and title at the time
    # (" (Nachtrag, TOP 3: Sanierung Sporthalle)"); "" for other events.
    item: str = ""
    # The state the step led to, where it changed and says more than the step's words
    # ("Eingeladen" after "Eingeladen" says nothing new); None otherwise.
    new_state: str | None = None


# What "Neu seit" leaves out, per role and kind of object: trigger names of audit events
# (the definitions' steps, the services' ``audit.note`` events). A kind or role not named
# shows every event; one table, so each role's news is decided here and nowhere else.
#
# The Sitzungsdienst's record of a session as it runs, item by item, for the Niederschrift
# (§ 38 Abs. 1 GemO): who attended and voted how, the session opened and closed, the
# signatures under the minutes. The members and the chair (§ 42 Abs. 1 GemO) were there;
# what came of it reaches them as the Vorlage's step ("Beschluss gefasst") and the minutes
# as "… zur Kenntnis gebracht" (§ 38 Abs. 2 GemO).
SESSION_RECORDING = frozenset({
    "open_session", "close_session",
    "record_attendance", "record_item_attendance",
    "record_votes", "record_vote_counts",
    "record_item_chair", "record_item_outcome", "record_notes",
    "declare_bias", "decide_bias",
    "propose_motion", "vote_motion",
    "create_election", "add_candidate", "record_election_round",
    "confirm_announcement",
    "sign_minutes",
})  # fmt: skip
# How the administration prepares a session: the agenda it assembles (a member learns it from
# the invitation), its public notice, a colleague's bias notice to the chair, a waived
# deadline. Not an item added or taken off, nor a paper handed out late: after the
# invitation that is a Nachtrag or an item abgesetzt the members must hear of (§ 34 Abs. 1
# GemO), a free item without a Vorlage has no step of its own that would tell them.
SESSION_KEEPING = frozenset({
    "set_agenda", "reopen_agenda", "reorder_agenda",
    "record_announcement", "notify_bias", "withdraw_bias_notice",
    "waive_deadline", "migrate_definition",
})  # fmt: skip
# The Vorlage's side of the same: the members' replies in an Umlaufverfahren (its outcome is
# the step), the announcement in the next public session (§ 35 Abs. 1 Satz 4 GemO), the
# redactions before publishing, filing it away.
RESOLUTION_KEEPING = frozenset({
    "circulation_reply", "announce_resolution", "set_publication",
    "archive", "archive_rejection", "waive_deadline", "migrate_definition",
})  # fmt: skip
NOT_NEWS: dict[str, dict[str, frozenset[str]]] = {
    # A councillor follows sessions called, moved or cancelled, Vorlagen released and on
    # the agenda, resolutions and their fate, the minutes presented, Anträge; not the office.
    "council_member": {
        "meeting": SESSION_RECORDING | SESSION_KEEPING,
        "proposal": RESOLUTION_KEEPING,
    },
    # The chair sat in the session too; he sets the agenda (§ 34 Abs. 1 GemO), so keeps it.
    "mayor": {"meeting": SESSION_RECORDING},
}


def _news(actor: Actor, kind: str) -> ColumnElement[bool]:
    """The events of ``kind`` that are news to the actor's role (``NOT_NEWS``)."""
    left_out = NOT_NEWS.get(actor.role, {}).get(kind)
    return col(AuditEvent.trigger).not_in(sorted(left_out)) if left_out else true()


def _followed(actor: Actor) -> list[tuple[str, Any, ColumnElement[bool]]]:
    """What "Neu seit" follows, as (kind, model, readable rows): a municipality's people its
    Vorlagen, Sitzungen and Anträge, its staff also its answers to the Landratsamt's Abfragen; the
    Landratsamt its Abfragen, the municipalities' answers and what is before the
    Rechtsaufsicht, not every published matter of the district's towns (46 of them in
    Landkreis Heilbronn)."""
    if actor.role == "district_coordinator":
        return [
            ("decision_request", DecisionRequest, decision_request_read_clause(actor)),
            ("decision_response", DecisionResponse, decision_response_read_clause(actor)),
            (
                "proposal",
                Proposal,
                supervised_proposals_clause(actor.district_id)
                if actor.district_id is not None
                else false(),
            ),
        ]
    town = actor.municipality_id
    followed: list[tuple[str, Any, ColumnElement[bool]]] = [
        (
            "proposal",
            Proposal,
            and_(proposal_read_clause(actor, town), proposal_event_clause(actor)),
        ),
        (
            "meeting",
            Meeting,
            and_(meeting_read_clause(actor), col(Meeting.municipality_id) == town),
        ),
    ]
    if actor.role in STAFF_ROLES:
        followed.append(
            ("decision_response", DecisionResponse, decision_response_read_clause(actor))
        )
    # Anträge and Verlangen of the municipality, which all its people read (/antraege): the
    # Sitzungsdienst learns of one a councillor filed, the councillor of what became of it.
    followed.append((COUNCIL_REQUEST, CouncilRequest, col(CouncilRequest.municipality_id) == town))
    return followed


def _worded(
    session: Session, workflows: Workflows, row: Any, event: AuditEvent
) -> tuple[str, str | None, set[str]]:
    """The state an event led to, what it did (None: the UI names it), and the step's words
    in lower case (a new state that repeats them says nothing new). An Antrag has no
    definition: its own words (``council_requests.terms``)."""
    if isinstance(row, CouncilRequest):
        dest = request_terms.STATES.get(event.dest or "", event.dest or "")
        did = request_terms.EVENT_LABELS.get(event.trigger)
        return dest, did, {did.casefold()} if did else set()
    spec = spec_of(workflows, row)
    wording = wording_for(row, session)
    step = spec.step(event.trigger, event.source, event.dest)
    done = wording.done(step) if step is not None else None
    said = {wording.label(step).casefold(), done.casefold()} if step and done else set()
    return wording.state(spec, event.dest), done, said


def changes_since(
    *, session: Session, workflows: Workflows, actor: Actor, since: datetime
) -> list[Change]:
    """Events by others on what the user follows (``_followed``) that are news to him
    (``NOT_NEWS``), newest first."""
    found: list[tuple[str, AuditEvent, Any]] = []
    after = since.astimezone(UTC)
    for kind, model, readable in _followed(actor):
        where: list[ColumnElement[bool]] = [
            col(AuditEvent.instance_type) == kind,
            col(AuditEvent.at) > after,
            col(AuditEvent.actor) != actor.username,
            _news(actor, kind),
            readable,
        ]
        rows = session.exec(
            select(AuditEvent, model)
            .join(model, and_(col(model.id) == col(AuditEvent.instance_id)))
            .where(*where)
            .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
            .limit(MAX_CHANGES)
        )
        found.extend((kind, event, row) for event, row in rows)
    # Each entry's municipality in one query, held while the entries are worded: the
    # Landratsamt's entries span its towns, each naming its own mayor (``actor_role``), and
    # the identity map keeps rows weakly (``my_tasks._bodies_of``).
    found = _without_unreadable_items(session, actor, found)
    towns = _municipalities_of(session, [row for _, _, row in found])
    changes: list[Change] = []
    for kind, event, row in found:
        dest_label, done, said = _worded(session, workflows, row, event)
        changes.append(
            Change(
                kind=kind,
                instance_id=row.id,
                instance=row,
                title=title_of(session, kind, row),
                event=event,
                dest_label=dest_label,
                role=actor_role(event.actor_role, towns.get(getattr(row, "municipality_id", None))),
                step_label=done,
                item=item_named(event.trigger, event.data),
                new_state=(
                    dest_label
                    if event.source != event.dest and dest_label.casefold() not in said
                    else None
                ),
            )
        )
    changes.sort(key=lambda c: c.event.at, reverse=True)
    return changes[:MAX_CHANGES]


def _item_of(event: AuditEvent) -> int | None:
    value = (event.data or {}).get("agenda_item_id")
    return value if isinstance(value, int) else None


def _without_unreadable_items(
    session: Session, actor: Actor, found: list[tuple[str, AuditEvent, Any]]
) -> list[tuple[str, AuditEvent, Any]]:
    """A Sitzung's events about a non-public agenda item only for who may open the item
    (§ 35 Abs. 1 GemO; ``access.agenda_item_readable``), as on the Sitzung's page
    (``history.meeting_events``): they name the item. One query for the items, a check
    only for the non-public ones."""
    ids = {_item_of(event) for kind, event, _ in found if kind == "meeting"} - {None}
    if not ids or actor.role in STAFF_ROLES:
        return found
    secret = {
        item.id: item
        for item in session.exec(
            select(AgendaItem).where(col(AgendaItem.id).in_(ids), col(AgendaItem.public).is_(False))
        )
    }
    readable = {
        item_id: agenda_item_readable(session, actor, meeting, secret[item_id])
        for kind, event, meeting in found
        if kind == "meeting" and (item_id := _item_of(event)) in secret
    }
    return [entry for entry in found if readable.get(_item_of(entry[1]), True)]


def by_object(changes: Sequence[Change]) -> list[list[Change]]:
    """The changes of each object together, the object with the newest change first: the
    mayor reads "Vorlage 3/2026" once with its four steps beneath, not four times."""
    groups: dict[tuple[str, int], list[Change]] = {}
    for change in changes:
        groups.setdefault((change.kind, change.instance_id), []).append(change)
    return list(groups.values())


def _municipalities_of(session: Session, rows: Sequence[Any]) -> dict[int | None, Municipality]:
    ids = {getattr(row, "municipality_id", None) for row in rows} - {None}
    if not ids:
        return {}
    return {
        m.id: m for m in session.exec(select(Municipality).where(col(Municipality.id).in_(ids)))
    }
