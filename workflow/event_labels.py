"""What a history entry that is no transition of a definition records, in the Rathaus's words.

Every event a service writes has its words here (``tests/unit/test_event_labels.py``), so
none reads "Geändert": the Verlauf and "Neu seit" of the pages and the ``done_label`` of the
API's history read this one table. Display text only, no rule depends on it. An Antrag's
events have their own words (``workflow.services.council_requests.terms``); a step of a
definition is worded by its ``done_label`` (``workflow.wording.Wording.step``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Events about one agenda item, which the data names by its TOP number and title at the
# time (``workflow.services.agenda.item_reference``): the Sitzung's Verlauf and "Neu seit"
# say which item was added after the invitation (§ 34 Abs. 1 GemO) or taken off. Shown only
# to who may open the item (``workflow.services.history.meeting_events``,
# ``workflow.services.news_since``).
ITEM_EVENTS = frozenset({"add_agenda_item", "remove_agenda_item", "mark_late_paper"})

EVENT_LABELS = {
    "create": "Angelegt",
    "update": "Bearbeitet",
    "add_agenda_item": "Tagesordnungspunkt aufgenommen",
    "declare_bias": "Befangenheit erklärt",
    "notify_bias": "Mögliche Befangenheit vor der Sitzung mitgeteilt",
    "withdraw_bias_notice": "Mitteilung möglicher Befangenheit zurückgenommen",
    "record_attendance": "Anwesenheit erfasst",
    "record_item_chair": "Vorsitz bei einem Tagesordnungspunkt erfasst",
    "record_item_outcome": "Ergebnis eines Tagesordnungspunkts erfasst",
    "record_votes": "Abstimmung erfasst",
    "remove_agenda_item": "Tagesordnungspunkt abgesetzt",
    "reorder_agenda": "Tagesordnung umgestellt",
    "sign_minutes": "Niederschrift unterschrieben (eine Unterschrift)",
    "add_execution_task": "Vollzugsaufgabe angelegt",
    "announce_resolution": "Beschluss in öffentlicher Sitzung bekannt gegeben",
    "close_execution_task": "Vollzugsaufgabe abgeschlossen",
    "circulation_reply": "Antwort im Umlaufverfahren",
    "decide_bias": "Über Befangenheit entschieden",
    "flag_unlawful": "Als rechtswidrig gekennzeichnet",
    "link_proposal": "Mit Vorlage verknüpft",
    "record_announcement": "Ortsübliche Bekanntgabe erfasst",
    "record_written_invitation": "Schriftliche Einladung erfasst",
    "requeue": "Erneut zur Terminierung",
    # workflow.services.readdress: an invitation's e-mail written again (outbox_message)
    "readdress": "Einladung an die berichtigte Adresse gesendet",
    "resend": "Einladung erneut gesendet",
    "reschedule": "Verlegt",
    "waive_deadline": "Frist erlassen",
    # workflow.services.publication.set_publication: redactions and withholding (§ 41b
    # Abs. 2 S. 2, 3 GemO), as the Vorlage's page links to it.
    "set_publication": "Schwärzungen und Veröffentlichung festgelegt",
    "add_attachment": "Anlage hinzugefügt",
    "delete_attachment": "Anlage gelöscht",
    # A Vorlage or Sitzung moved to a newer version of its definition (workflow.services.migration).
    "migrate_definition": "Auf eine neue Fassung des Ablaufs umgestellt",
    # The session's records (workflow.services.item_votes, motions, elections, deliberation,
    # announcements, minutes_objections), as the Sitzung's pages name them.
    "record_vote_counts": "Stimmenzahlen erfasst",
    "record_item_attendance": "Anwesenheit bei einem Tagesordnungspunkt erfasst",
    "mark_late_paper": "Tagesordnungspunkt als Tischvorlage gekennzeichnet",
    "propose_motion": "Antrag in der Beratung gestellt",
    "vote_motion": "Über einen Antrag in der Beratung abgestimmt",
    "create_election": "Wahl angelegt",
    "add_candidate": "Bewerber benannt",
    "record_election_round": "Wahlgang erfasst",
    "record_notes": "Verlauf der Beratung erfasst",
    "confirm_announcement": "Bekanntgabe nichtöffentlicher Beschlüsse bestätigt",
    "withhold_announcement": "Bekanntgabe des nichtöffentlichen Beschlusses unterbleibt",
    "resume_announcement": "Bekanntgabe des nichtöffentlichen Beschlusses wieder vorgesehen",
    "raise_minutes_objection": "Einwendung gegen die Niederschrift erhoben",
    "decide_minutes_objection": "Über eine Einwendung gegen die Niederschrift entschieden",
    # The administration's records (workflow.services.municipal_settings, factions, deputies).
    "update_settings": "Einstellungen geändert",
    "rename": "Fraktion umbenannt",
    "set_members": "Mitglieder der Fraktion festgelegt",
    "dissolve": "Fraktion aufgelöst",
    "add_absence": "Abwesenheit eingetragen",
    "delete_absence": "Abwesenheit gelöscht",
    "set_user_deputies": "Stellvertretung festgelegt",
    "set_member_deputies": "Persönliche Stellvertretung eines Mitglieds festgelegt",
    "set_membership_dates": "Mitgliedszeit festgelegt",
}


def item_named(trigger: str, data: Mapping[str, Any] | None) -> str:
    """ " (Nachtrag, TOP 3: Sanierung Sporthalle)" for an event about one agenda item whose
    data names it; "" for older events, written before the data carried the title."""
    data = data or {}
    title = data.get("title")
    if trigger not in ITEM_EVENTS or not isinstance(title, str):
        return ""
    number = data.get("top")
    named = f"TOP {number}: {title}" if isinstance(number, str) and number != "–" else title
    return f" (Nachtrag, {named})" if data.get("supplement") else f" ({named})"
