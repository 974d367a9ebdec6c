"""Neue Abfrage (/abfragen/neu): the Landratsamt puts a question to every municipality of its
district, through the same ``decisions.create_request`` and ``send`` transition as
``POST /api/v1/decision-requests`` and its ``send``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import Response

from api.deps import NowDep, SessionDep, SettingsDep
from api.schemas.decisions import DecisionRequestCreate
from api.ui.formatting import parse_date_de
from api.ui.web import (
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
from workflow.services import decisions
from workflow.services.transition import fire

router = APIRouter(route_class=PageRoute, include_in_schema=False)
OPTION_ROWS = 4  # the form's option rows; the API takes up to 10
TEXT_FIELDS = ("title", "explanation", "reply_deadline", "effective_date", "default_option")
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
NOT_COORDINATOR = "Abfragen an die Gemeinden stellt das Landratsamt."


def option_key(label: str, taken: set[str]) -> str:
    """The option's key from its label ("eigene Regie" → "eigene_regie"), unique in the form."""
    key = re.sub(r"[^a-z0-9]+", "_", label.lower().translate(UMLAUTS)).strip("_")[:60]
    key = key or "option"
    unique, n = key, 2
    while unique in taken:
        unique, n = f"{key}_{n}", n + 1
    return unique


def _blank() -> dict[str, str]:
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
    ) | {"default_option": "1"}


def _page(
    request: Request,
    given: dict[str, str],
    errors: dict[str, str] | None = None,
    refusal: str | None = None,
    status: int = 200,
) -> Response:
    context = {
        "v": given,
        "errors": errors or {},
        "refusal": refusal,
        "rows": range(1, OPTION_ROWS + 1),
        "defaults": [(str(i), f"Option {i}") for i in range(1, OPTION_ROWS + 1)],
    }
    return render(request, "abfragen/neu.html", context, status=status)


def _require_coordinator(user: PageUser) -> None:
    if user.role not in decisions.COORDINATOR:
        raise RoleRefused(
            trigger="create_decision_request", role=user.role, allowed_roles=decisions.COORDINATOR
        )


def _checked(given: dict[str, str], today: date) -> tuple[dict[str, Any], dict[str, str]]:
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
    body = {
        "title": given["title"],
        "explanation": given["explanation"],
        "options": options,
        "default_option": rows.get(given["default_option"], ""),
        "reply_deadline": deadline,
        "effective_date": effective,
    }
    if not errors:
        try:
            DecisionRequestCreate.model_validate(body)
        except ValidationError as exc:
            for error in exc.errors():
                field = str(error["loc"][0]) if error["loc"] else "title"
                field = {"options": "option-1-label"}.get(field, field)
                errors.setdefault(field, "Bitte prüfen Sie diese Angabe.")
    return body, errors


@router.get("/abfragen/neu")
def new_request_page(request: Request, user: PageUserDep) -> Response:
    _require_coordinator(user)
    return _page(request, _blank())


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
    given = {k: str(form.get(k) or "").strip() for k in _blank()}
    body, errors = _checked(given, local_date(now))
    if errors:
        return _page(request, given, errors, status=422)
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
        return _page(request, given, refusal=error_text(exc, spec), status=422)
    flash(
        request,
        f"Die Abfrage „{created.title}“ wurde an {len(created.targets)} Gemeinden versandt. "
        f"Antwortfrist: {created.reply_deadline:%d.%m.%Y}.",
    )
    return redirect(f"/abfragen/{created.id}")
