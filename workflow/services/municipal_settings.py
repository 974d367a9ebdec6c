"""The municipality's review settings (Hauptsatzung, status): read by all its users, set by
its admin, audited on the municipality.

- ``municipal_status``: Gemeinde, Stadt (§ 5 Abs. 2), Große Kreisstadt or Stadtkreis, which
  decides the Rechtsaufsichtsbehörde (§ 119 GemO), with an optional
  ``supervisory_authority_name``;
- ``mayor_title``: Bürgermeister, Bürgermeisterin, Oberbürgermeister or Oberbürgermeisterin,
  how labels name the mayor (``workflow.wording``); unset, the status gives it (§ 42 Abs. 4
  GemO: Oberbürgermeister in a Große Kreisstadt or Stadtkreis);
- ``pre_deliberation_on_request``: the Hauptsatzung makes the Vorberatung binding on request
  (§ 39 Abs. 4 S. 2 GemO);
- ``monthly_session_reminder_day``: from which day of a month without a council session the
  mayor is reminded (§ 34 Abs. 1 S. 2 GemO; 0 = never);
- ``invitation_days``: the invitation period in days, at least the GemO's seven ("in der
  Regel mindestens sieben Tage", § 34 Abs. 1 S. 1; e.g. 8 where the Hauptsatzung counts
  seven clear days), kept as ``deadline_periods["invitation"]`` where the deadlines read it;
- ``announcement_days``: how many days before the session the ortsübliche Bekanntgabe is made
  at the latest (§ 34 Abs. 1 S. 7 GemO: "rechtzeitig", the Bekanntmachungssatzung's lead),
  kept as ``deadline_periods["announcement"]``; 0 (unset): no lead, any day before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from workflow import audit
from workflow.context import Actor
from workflow.errors import InvalidInput, NotFound
from workflow.models import Municipality
from workflow.monthly import REMINDER_DAY_SETTING, reminder_day
from workflow.rules.proposal_guards import PRE_DELIBERATION_ON_REQUEST
from workflow.services.common import require_role
from workflow.supervision import (
    AUTHORITY_NAME_SETTING,
    MAYOR_TITLE_SETTING,
    MAYOR_TITLES,
    STATUS_SETTING,
    STATUSES,
    Authority,
    municipal_status,
    supervisory_authority,
)
from workflow.supervision import mayor_title as effective_mayor_title


@dataclass(frozen=True)
class ReviewSettings:
    municipality_id: int
    municipal_status: str
    supervisory_authority_name: str | None
    supervisory_authority: Authority
    mayor_title: str  # as labels name the mayor: the set title, else the status's
    mayor_title_set: str | None  # the title set, None where the status gives it
    pre_deliberation_on_request: bool
    monthly_session_reminder_day: int
    invitation_days: int
    announcement_days: int


INVITATION_DAYS = (7, 30)  # § 34 Abs. 1 S. 1 GemO: never shorter than seven days
ANNOUNCEMENT_DAYS = (0, 30)  # § 34 Abs. 1 S. 7 GemO: "rechtzeitig", the local lead


def _period_days(settings: dict[str, object], rule: str, default: int) -> int:
    periods = settings.get("deadline_periods")
    value = periods.get(rule) if isinstance(periods, dict) else None
    match = re.fullmatch(r"P(\d+)D", value) if isinstance(value, str) else None
    return int(match.group(1)) if match else default


def _municipality(session: Session, actor: Actor) -> Municipality:
    municipality = (
        session.get(Municipality, actor.municipality_id)
        if actor.municipality_id is not None
        else None
    )
    if municipality is None:
        raise NotFound("Für Ihr Konto ist keine Gemeinde hinterlegt.")
    return municipality


def _read(session: Session, municipality: Municipality) -> ReviewSettings:
    settings = municipality.settings or {}
    name = settings.get(AUTHORITY_NAME_SETTING)
    title = settings.get(MAYOR_TITLE_SETTING)
    return ReviewSettings(
        municipality_id=municipality.id or 0,
        municipal_status=municipal_status(municipality),
        supervisory_authority_name=name if isinstance(name, str) else None,
        supervisory_authority=supervisory_authority(session, municipality),
        mayor_title=effective_mayor_title(municipality),
        mayor_title_set=title if isinstance(title, str) and title in MAYOR_TITLES else None,
        pre_deliberation_on_request=bool(settings.get(PRE_DELIBERATION_ON_REQUEST)),
        monthly_session_reminder_day=reminder_day(municipality),
        invitation_days=_period_days(settings, "invitation", INVITATION_DAYS[0]),
        announcement_days=_period_days(settings, "announcement", 0),
    )


def read_settings(session: Session, actor: Actor) -> ReviewSettings:
    return _read(session, _municipality(session, actor))


DAY_MESSAGE = "Bitte geben Sie einen Tag von 0 bis 28 an (0: keine Erinnerung)."


def update_settings(
    *,
    session: Session,
    actor: Actor,
    now: datetime,
    municipal_status: str | None = None,
    supervisory_authority_name: str | None = None,
    pre_deliberation_on_request: bool | None = None,
    monthly_session_reminder_day: int | None = None,
    invitation_days: int | None = None,
    announcement_days: int | None = None,
    clear_authority_name: bool = False,
    mayor_title: str | None = None,
) -> ReviewSettings:
    """Only the values given change; ``mayor_title=""`` lets the status give the title."""
    require_role(actor, "update_municipal_settings", ("admin",))
    municipality = _municipality(session, actor)
    settings = dict(municipality.settings or {})
    changed: dict[str, object] = {}
    if municipal_status is not None:
        if municipal_status not in STATUSES:
            raise InvalidInput(
                f"Unbekannter Status {municipal_status}: {', '.join(STATUSES)}",
                field="municipal_status",
            )
        changed[STATUS_SETTING] = municipal_status
    if mayor_title is not None:
        if mayor_title and mayor_title not in MAYOR_TITLES:
            raise InvalidInput(
                f"Unbekannte Amtsbezeichnung {mayor_title}: {', '.join(MAYOR_TITLES)}",
                field="mayor_title",
            )
        changed[MAYOR_TITLE_SETTING] = mayor_title or None
    if supervisory_authority_name is not None:
        changed[AUTHORITY_NAME_SETTING] = supervisory_authority_name.strip() or None
    if clear_authority_name:
        changed[AUTHORITY_NAME_SETTING] = None
    if pre_deliberation_on_request is not None:
        changed[PRE_DELIBERATION_ON_REQUEST] = pre_deliberation_on_request
    if monthly_session_reminder_day is not None:
        if not 0 <= monthly_session_reminder_day <= 28:
            raise InvalidInput(DAY_MESSAGE, field="monthly_session_reminder_day")
        changed[REMINDER_DAY_SETTING] = monthly_session_reminder_day
    if invitation_days is not None:
        low, high = INVITATION_DAYS
        if not low <= invitation_days <= high:
            raise InvalidInput(
                f"Die Einladungsfrist beträgt {low} bis {high} Tage (§ 34 Abs. 1 Satz 1 GemO: "
                "in der Regel mindestens sieben Tage)",
                field="invitation_days",
            )
        periods = dict(settings.get("deadline_periods") or {})  # type: ignore[call-overload]
        periods["invitation"] = f"P{invitation_days}D"
        changed["deadline_periods"] = periods
    if announcement_days is not None:
        low, high = ANNOUNCEMENT_DAYS
        if not low <= announcement_days <= high:
            raise InvalidInput(
                f"Die Bekanntgabe liegt {low} bis {high} Tage vor der Sitzung (0: ohne "
                "Vorgabe der Bekanntmachungssatzung, § 34 Abs. 1 Satz 7 GemO)",
                field="announcement_days",
            )
        periods = dict(
            changed.get("deadline_periods") or settings.get("deadline_periods") or {}  # type: ignore[call-overload]
        )
        if announcement_days:
            periods["announcement"] = f"P{announcement_days}D"
        else:
            periods.pop("announcement", None)
        changed["deadline_periods"] = periods
    for key, value in changed.items():
        if value is None:
            settings.pop(key, None)
        else:
            settings[key] = value
    municipality.settings = settings
    session.add(municipality)
    session.flush()
    audit.append(
        session,
        instance_type="municipality",
        instance_id=municipality.id or 0,
        actor=actor,
        trigger="update_settings",
        source=None,
        dest="update_settings",
        now=now,
        data=changed,
    )
    return _read(session, municipality)
