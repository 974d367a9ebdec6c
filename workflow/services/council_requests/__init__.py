"""Anträge an den Gemeinderat: received, checked against the GemO, turned into a Vorlage or
put on an agenda, or refused as inadmissible – with their Fristen.

* § 34 Abs. 1 S. 3 GemO: a quarter of the councillors forces a session "unverzüglich";
* § 34 Abs. 1 S. 4: a Fraktion or a sixth forces an item onto the agenda of the
  next-but-one session at the latest; S. 5: only matters of the council's remit; S. 6: not
  when the council dealt with the same matter within the last six months;
* § 20b Abs. 2, 3: an Einwohnerantrag with enough signatures is dealt with within three
  months; § 41a Abs. 2: the council decides on the youth representation's request within
  three months.

Each request is its own audit chain (``instance_type = 'council_request'``); its deadlines
are standing rules (``workflow.deadlines.standing``) the sweep reminds and escalates.

One module a job: ``terms`` (kinds, states, grounds, labels, roles), ``chain`` (state moves
and audit events), ``weight`` (councillors and the quorum), ``deadline`` (the Frist),
``queries`` (what pages read), ``actions`` (what the administration does) and ``followups``
(what the sweep does when the agenda changes). Callers import from here.
"""

from __future__ import annotations

from workflow.services.council_requests.actions import (
    SCHEDULING_ROLES,
    create_request,
    refuse,
    schedule,
    settle,
    take_over,
)
from workflow.services.council_requests.deadline import (
    FALLBACK_NOTE,
)
from workflow.services.council_requests.followups import (
    follow_agenda_changes,
    follow_proposals,
    replan_agenda_deadlines,
)
from workflow.services.council_requests.queries import (
    HANDLING_ROLES,
    ToHandle,
    get_request,
    history,
    list_requests,
    request_deadlines,
    to_handle,
)
from workflow.services.council_requests.terms import (
    COUNCILLOR_KINDS,
    EVENT_LABELS,
    GROUNDS,
    KINDS,
    MAX_TEXT,
    MOVES,
    RECORDING_ROLES,
    REFUSING_ROLES,
    STATES,
    TAKING_OVER_ROLES,
)
from workflow.services.council_requests.weight import (
    councillors,
    quorum,
)

__all__ = [
    "COUNCILLOR_KINDS",
    "EVENT_LABELS",
    "FALLBACK_NOTE",
    "GROUNDS",
    "HANDLING_ROLES",
    "KINDS",
    "MAX_TEXT",
    "MOVES",
    "RECORDING_ROLES",
    "REFUSING_ROLES",
    "SCHEDULING_ROLES",
    "STATES",
    "TAKING_OVER_ROLES",
    "ToHandle",
    "councillors",
    "create_request",
    "follow_agenda_changes",
    "follow_proposals",
    "get_request",
    "history",
    "list_requests",
    "quorum",
    "refuse",
    "replan_agenda_deadlines",
    "request_deadlines",
    "schedule",
    "settle",
    "take_over",
    "to_handle",
]
