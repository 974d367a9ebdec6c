"""The words of a request: its kinds, states and the moves between them, the grounds of a
refusal, the labels of its audit events, and who records and refuses."""

from __future__ import annotations

from workflow.limits import MAX_TEXT as MAX_TEXT  # the package's bound, re-exported

KINDS = {
    "faction_motion": "Fraktionsantrag",
    "councillor_motion": "Antrag von Gemeinderäten",
    "session_request": "Sitzungsverlangen (§ 34 Abs. 1 Satz 3 GemO)",
    "agenda_request": "Tagesordnungsantrag (§ 34 Abs. 1 Satz 4 GemO)",
    "residents_motion": "Einwohnerantrag (§ 20b GemO)",
    "youth_motion": "Antrag der Jugendvertretung (§ 41a GemO)",
}


# Kinds councillors sign; the others come from residents or the youth representation.
COUNCILLOR_KINDS = ("faction_motion", "councillor_motion", "session_request", "agenda_request")


# Capitalised, as every object's states are where they stand alone (a badge, a filter, "Neu
# seit"); a sentence quotes them as names ("im Stand „Eingegangen“").
STATES = {
    "received": "Eingegangen",
    "proposal": "Als Vorlage übernommen",
    "scheduled": "Auf der Tagesordnung",
    "refused": "Als unzulässig abgelehnt",
    "done": "Erledigt",
}


MOVES = {
    "received": ("proposal", "scheduled", "refused", "done"),
    "proposal": ("scheduled", "done"),
    "scheduled": ("done",),
    "refused": (),
    "done": (),
}


GROUNDS = {
    "six_months": "Gegenstand in den letzten sechs Monaten behandelt (§ 34 Abs. 1 Satz 6 GemO)",
    "quorum": "erforderliche Zahl der Unterzeichner nicht erreicht",
    "remit": "nicht im Aufgabengebiet des Gremiums (§ 34 Abs. 1 Satz 5 GemO)",
    "late": "verspätet eingereicht (§ 20b Abs. 2 Satz 2 GemO)",
    "other": "sonstiger Grund",
}


# Capitalised, as every object's Verlauf entries start ("Erfasst (Name)") and "Neu seit"
# shows them; nothing quotes them mid-sentence.
EVENT_LABELS = {
    "create": "Erfasst",
    "take_over": "Als Vorlage übernommen",
    "schedule": "Auf die Tagesordnung gesetzt",
    "refuse": "Als unzulässig abgelehnt",
    "settle": "Als erledigt vermerkt",
    "waive_deadline": "Frist erlassen",
    "unschedule": "Von der Tagesordnung genommen",
}


RECORDING_ROLES = ("clerk", "secretary", "mayor")
# Who files a request (its author): the administration, or a councillor his own.
FILING_ROLES = (*RECORDING_ROLES, "council_member")


REFUSING_ROLES = ("secretary", "mayor")
# Who turns a request into a Vorlage: who writes Vorlagen, and the mayor.
TAKING_OVER_ROLES = ("clerk", "cosigner", "mayor")
