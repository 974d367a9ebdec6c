"""Neue Abfrage (/abfragen/neu): the Landratsamt puts a question to the municipalities of its
district it chooses (all of them unless told otherwise), each with an optional amount the
municipality would receive if it took the task over itself, through the same
``decisions.create_request`` and ``send`` transition as ``POST /api/v1/decision-requests``
(``targets``, ``amounts``) and its ``send``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlmodel import Session, col, select
from starlette.responses import Response

from api.deps import NowDep, SessionDep, SettingsDep
from api.schemas.decisions import CENT, DecisionRequestCreate
from api.ui.formatting import date_de, date_example, parse_amount_de, parse_date_de
from api.ui.web import (
    HANDLING_ONLY,
    PageRoute,
    PageUser,
    PageUserDep,
    PostedForm,
    error_text,
    flash,
    redirect,
    render,
    workflows_of,
)
from workflow.context import local_date
from workflow.errors import RoleRefused, WorkflowError
from workflow.models import Municipality
from workflow.rules.common import count_of
from workflow.services import decisions
from workflow.services.transition import fire

router = APIRouter(route_class=PageRoute, include_in_schema=False, dependencies=HANDLING_ONLY)
OPTION_ROWS = 4  # the form's option rows; the API takes up to 10
TEXT_FIELDS = ("title", "explanation", "reply_deadline", "effective_date", "default_option")
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
NOT_COORDINATOR = "Abfragen an die Gemeinden stellt das Landratsamt."
TOWNS = "gemeinde"  # one checkbox per municipality, its id as value
MAX_AMOUNT = Decimal("1e12")  # the API's Money: 14 digits, 2 of them decimals


@dataclass(frozen=True)
class Town:
    """A municipality of the district as the form offers it."""

    id: str
    name: str

    @property
    def amount_field(self) -> str:
        return f"betrag-{self.id}"


def district_towns(session: Session, user: PageUser) -> list[Town]:
    """The municipalities of the coordinator's district, by name."""
    rows = session.exec(
        select(Municipality)
        .where(Municipality.district_id == user.actor.district_id)
        .order_by(col(Municipality.name))
    )
    return [Town(str(m.id), m.name) for m in rows]


def option_key(label: str, taken: set[str]) -> str:
    """The option's key from its label ("eigene Regie" → "eigene_regie"), unique in the form."""
    key = re.sub(r"[^a-z0-9]+", "_", label.lower().translate(UMLAUTS)).strip("_")[:60]
    key = key or "option"
    unique, n = key, 2
    while unique in taken:
        unique, n = f"{key}_{n}", n + 1
    return unique


def _fields() -> dict[str, str]:
    return dict.fromkeys(
        (
            *TEXT_FIELDS,
            *(
                f"option-{i}-{p}"
                for i in range(1, OPTION_ROWS + 1)
                for p in ("label", "description")
            ),
        ),  # fmt: skip
        "",
    )


def _blank(towns: list[Town]) -> tuple[dict[str, str], set[str]]:
    """The empty form: every municipality of the district ticked, no amounts."""
    given = _fields() | dict.fromkeys((t.amount_field for t in towns), "")
    return given | {"default_option": "1"}, {t.id for t in towns}


def _page(
    request: Request,
    towns: list[Town],
    given: dict[str, str],
    chosen: set[str],
    today: date,
    errors: dict[str, str] | None = None,
    refusal: str | None = None,
    status: int = 200,
) -> Response:
    # the examples' day: what an Abfrage typically changes from, the next 1 January
    new_year = date(today.year + 1, 1, 1)
    context = {
        "new_year": date_de(new_year),
        "effective_example": date_example(new_year),
        "v": given,
        "errors": errors or {},
        "refusal": refusal,
        "rows": range(1, OPTION_ROWS + 1),
        "towns": towns,
        "chosen": chosen,
    }
    return render(request, "abfragen/neu.html", context, status=status)


def _require_coordinator(user: PageUser) -> None:
    if user.role not in decisions.COORDINATOR:
        raise RoleRefused(
            trigger="create_decision_request", role=user.role, allowed_roles=decisions.COORDINATOR
        )


def _targets(
    towns: list[Town], given: dict[str, str], chosen: set[str], errors: dict[str, str]
) -> tuple[list[str], dict[str, Decimal]]:
    """The chosen municipalities' names and their amounts; a refused entry adds its message."""
    targets = [t.name for t in towns if t.id in chosen]
    if not targets:
        errors[TOWNS] = "Bitte wählen Sie mindestens eine Gemeinde aus."
    amounts: dict[str, Decimal] = {}
    for town in towns:
        raw = given[town.amount_field]
        if not raw:
            continue
        amount = parse_amount_de(raw)
        if amount is None or amount >= MAX_AMOUNT:
            errors[town.amount_field] = (
                f"Bitte geben Sie den Betrag für {town.name} in Euro ein, z. B. 30.387,20."
            )
        elif town.id not in chosen:
            errors[town.amount_field] = (
                f"Für {town.name} ist ein Betrag eingetragen, die Gemeinde ist aber nicht "
                "ausgewählt: bitte wählen Sie sie aus oder löschen Sie den Betrag."
            )
        else:
            amounts[town.name] = amount.quantize(CENT)  # as the API stores it: "1200.00"
    return targets, amounts


def _checked(
    given: dict[str, str], towns: list[Town], chosen: set[str], today: date
) -> tuple[dict[str, Any], dict[str, str]]:
    """The API's body from the form, or the German message of each field at fault."""
    errors: dict[str, str] = {}
    if not given["title"]:
        errors["title"] = "Bitte geben Sie die Frage an die Gemeinden ein."
    elif len(given["title"]) > 500:
        errors["title"] = "Bitte kürzen Sie die Frage auf höchstens 500 Zeichen."
    options: list[dict[str, str]] = []
    rows: dict[str, str] = {}
    for i in range(1, OPTION_ROWS + 1):
        label = given[f"option-{i}-label"]
        description = given[f"option-{i}-description"]
        if not label:
            if description:
                errors[f"option-{i}-label"] = f"Bitte geben Sie die Bezeichnung der Option {i} ein."
            continue
        if len(label) > 200:
            errors[f"option-{i}-label"] = "Bitte kürzen Sie die Bezeichnung auf 200 Zeichen."
        key = option_key(label, {o["key"] for o in options})
        rows[str(i)] = key
        options.append({"key": key, "label": label, "description": description})
    if len(options) < 2 and "option-1-label" not in errors:
        where = "option-1-label" if not given["option-1-label"] else "option-2-label"
        errors.setdefault(where, "Bitte geben Sie mindestens zwei Optionen ein.")
    if given["default_option"] not in rows:
        errors["default_option"] = (
            "Bitte wählen Sie eine ausgefüllte Option, die ohne fristgerechte Antwort gilt."
        )
    deadline = parse_date_de(given["reply_deadline"])
    if deadline is None:
        errors["reply_deadline"] = "Bitte geben Sie die Antwortfrist als Datum ein."
    elif deadline <= today:
        errors["reply_deadline"] = "Die Antwortfrist muss in der Zukunft liegen."
    effective = parse_date_de(given["effective_date"]) if given["effective_date"] else None
    if given["effective_date"] and effective is None:
        errors["effective_date"] = "Bitte geben Sie das Datum, ab dem es gilt, als Datum ein."
    targets, amounts = _targets(towns, given, chosen, errors)
    body = {
        "title": given["title"],
        "explanation": given["explanation"],
        "options": options,
        "default_option": rows.get(given["default_option"], ""),
        "reply_deadline": deadline,
        "effective_date": effective,
        "targets": targets,
        "amounts": amounts,
    }
    if not errors:
        try:
            DecisionRequestCreate.model_validate(body)
        except ValidationError as exc:
            for error in exc.errors():
                field = str(error["loc"][0]) if error["loc"] else "title"
                field = {"options": "option-1-label", "targets": TOWNS}.get(field, field)
                errors.setdefault(field, "Bitte prüfen Sie diese Angabe.")
    return body, errors


@router.get("/abfragen/neu")
def new_request_page(
    request: Request, user: PageUserDep, session: SessionDep, now: NowDep
) -> Response:
    _require_coordinator(user)
    towns = district_towns(session, user)
    return _page(request, towns, *_blank(towns), local_date(now))


@router.post("/abfragen/neu")
def create_request(
    request: Request,
    user: PageUserDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    _require_coordinator(user)
    towns = district_towns(session, user)
    given = {k: str(form.get(k) or "").strip() for k in _blank(towns)[0]}
    chosen = {str(v) for v in form.getlist(TOWNS)} & {t.id for t in towns}
    today = local_date(now)
    body, errors = _checked(given, towns, chosen, today)
    if errors:
        return _page(request, towns, given, chosen, today, errors, status=422)
    workflows = workflows_of(request)
    try:
        with session.begin_nested():
            created = decisions.create_request(
                session=session, workflows=workflows, actor=user.actor, now=now, **body
            )
            # The UI has no separate "send" step: the Abfrage goes out as it is created.
            fire(
                session=session,
                workflows=workflows,
                kind="decision_request",
                instance_id=created.id or 0,
                trigger="send",
                actor=user.actor,
                now=now,
                base_url=settings.link_base(str(request.base_url)),
            )
    except WorkflowError as exc:
        spec = workflows.latest("decision_request").spec
        return _page(
            request, towns, given, chosen, today, refusal=error_text(exc, spec), status=422
        )
    flash(
        request,
        f"Die Abfrage „{created.title}“ wurde an "
        f"{count_of(len(created.targets), 'Gemeinde', 'Gemeinden')} versandt. "
        f"Antwortfrist: {date_de(created.reply_deadline)}.",
    )
    return redirect(f"/abfragen/{created.id}")
