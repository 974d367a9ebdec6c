"""RFC 9457 problem details: one place maps engine errors and HTTP errors to responses.

Engine errors carry no HTTP status (``workflow.errors``); the mapping lives here only. Every
4xx/5xx leaves as ``application/problem+json`` with a German ``detail``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.allow import allowed_methods
from workflow.db import UNAVAILABLE
from workflow.errors import (
    Conflict,
    GuardsUnmet,
    InvalidInput,
    NotFound,
    RoleRefused,
    StaleVersion,
    TooLarge,
    WorkflowError,
)
from workflow.law.periods import PeriodError

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "urn:ratsflow:problem:"
# Paths of machines, not people: they keep problem+json for every error.
MACHINE_PREFIXES = ("/api/", "/oparl/", "/calendar/", "/health", "/metrics", "/docs", "/openapi")

GERMAN_TITLES = {
    400: "Ungültige Anfrage",
    401: "Nicht angemeldet",
    403: "Keine Berechtigung",
    404: "Nicht gefunden",
    405: "Methode nicht erlaubt",
    409: "Konflikt",
    412: "Vorbedingung nicht erfüllt",
    413: "Anfrage zu groß",
    415: "Nicht unterstütztes Format",
    422: "Nicht verarbeitbar",
    428: "Versionsangabe erforderlich",
    429: "Zu viele Anfragen",
    500: "Interner Fehler",
    503: "Dienst nicht verfügbar",
}
GERMAN_DETAILS = {
    400: "Die Anfrage ist fehlerhaft.",
    401: "Bitte melden Sie sich an.",
    403: "Dafür fehlt Ihnen die Berechtigung.",
    404: "Die angeforderte Ressource wurde nicht gefunden.",
    405: "Diese Methode ist für die Ressource nicht erlaubt.",
    413: "Der Inhalt der Anfrage ist zu groß.",
    415: "Das Format des Anfragekörpers wird nicht unterstützt.",
    500: "Ein interner Fehler ist aufgetreten. Bitte später erneut versuchen.",
    503: "Der Dienst ist vorübergehend nicht verfügbar.",
}


class FieldError(BaseModel):
    field: str
    message: str


class GuardProblem(BaseModel):
    name: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, with Ratsflow's extension members."""

    type: str = Field(examples=["urn:ratsflow:problem:guards-unmet"])
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    instance: str
    request_id: str | None = None
    errors: list[FieldError] | None = None
    unmet_guards: list[GuardProblem] | None = None
    allowed_roles: list[str] | None = None


def problem_response(
    request: Request,
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + slug if slug else "about:blank",
        "title": GERMAN_TITLES.get(status, HTTPStatus(status).phrase),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "request_id": getattr(request.state, "request_id", None),
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


_MESSAGES = {
    "missing": "Pflichtangabe fehlt",
    "int_parsing": "Ganze Zahl erwartet",
    "int_type": "Ganze Zahl erwartet",
    "bool_parsing": "Wahrheitswert erwartet (true/false)",
    "bool_type": "Wahrheitswert erwartet (true/false)",
    "string_type": "Text erwartet",
    "date_from_datetime_parsing": "Datum im Format JJJJ-MM-TT erwartet",
    "date_parsing": "Datum im Format JJJJ-MM-TT erwartet",
    "date_type": "Datum im Format JJJJ-MM-TT erwartet",
    "decimal_parsing": "Dezimalzahl erwartet",
    "list_type": "Liste erwartet",
    "dict_type": "Objekt erwartet",
    "model_type": "Objekt erwartet",
    "model_attributes_type": "Objekt erwartet",
    "json_invalid": "Kein gültiges JSON",
    "literal_error": "Unzulässiger Wert",
    "enum": "Unzulässiger Wert",
    "extra_forbidden": "Unbekanntes Feld",
    "string_too_short": "Text zu kurz",
    "string_too_long": "Text zu lang",
    "string_pattern_mismatch": "Format ungültig",
    "greater_than_equal": "Wert zu klein",
    "greater_than": "Wert zu klein",
    "less_than_equal": "Wert zu groß",
    "less_than": "Wert zu groß",
    "too_short": "Zu wenige Einträge",
    "too_long": "Zu viele Einträge",
    "value_error": "Ungültiger Wert",
}


def _field(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def _message(error: dict[str, Any]) -> str:
    kind = str(error.get("type", ""))
    text = _MESSAGES.get(kind, "Ungültiger Wert")
    ctx = error.get("ctx") or {}
    for key in ("ge", "gt", "le", "lt", "min_length", "max_length", "expected", "pattern"):
        if key in ctx:
            return f"{text} ({key}: {ctx[key]})"
    return text


MAX_ERRORS = 50  # a body with 300,000 unknown keys must not answer with 300,000 errors
MAX_ERROR_TEXT = 200


def _clip(text: str) -> str:
    return text if len(text) <= MAX_ERROR_TEXT else text[: MAX_ERROR_TEXT - 1] + "…"


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    raw = exc.errors()
    errors = [
        {"field": _clip(_field(e.get("loc", ()))), "message": _clip(_message(e))}
        for e in raw[:MAX_ERRORS]
    ]
    more = f" (und {len(raw) - MAX_ERRORS} weitere Fehler)" if len(raw) > MAX_ERRORS else ""
    if any(e.get("type") == "json_invalid" for e in raw[:MAX_ERRORS]):
        return problem_response(
            request, 400, "Der Anfragekörper ist kein gültiges JSON.", slug="malformed",
            errors=errors,
        )  # fmt: skip
    names = ", ".join(dict.fromkeys(e["field"] for e in errors[:10]))
    if len(errors) > 10:
        names += ", …"
    return problem_response(
        request, 422, f"Ungültige Eingabe: {names}{more}.", slug="validation", errors=errors
    )


class ApiError(StarletteHTTPException):
    """An HTTP refusal decided in the API layer (authentication, preconditions)."""

    def __init__(
        self, status: int, detail: str, *, slug: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(status_code=status, detail=detail, headers=headers)
        self.slug = slug


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    headers = dict(exc.headers or {})
    if status == 405:
        headers["Allow"] = ", ".join(allowed_methods(request.app, request.scope))
    if isinstance(exc, ApiError):
        return problem_response(request, status, exc.detail, slug=exc.slug, headers=headers)
    # Starlette's and FastAPI's own details are English phrases; ours are German sentences.
    detail = GERMAN_DETAILS.get(status, GERMAN_TITLES.get(status, HTTPStatus(status).phrase))
    return problem_response(request, status, detail, headers=headers)


_KIND_BY_PATH = (
    ("/meetings/", "meeting"),
    ("/decision-requests/", "decision_request"),
    ("/decision-responses/", "decision_response"),
)


def _allowed_roles(request: Request, trigger: str) -> list[str] | None:
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None:
        return None
    path = request.url.path
    kind = next((k for segment, k in _KIND_BY_PATH if segment in path), "proposal")
    try:
        spec = runtime.workflows.latest(kind).spec
    except KeyError:
        return None
    roles = {r for t in spec.transitions if t.trigger == trigger for r in t.roles}
    return sorted(roles) or None


async def _workflow(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, WorkflowError)
    if isinstance(exc, NotFound):
        return problem_response(request, 404, exc.message, slug="not-found")
    if isinstance(exc, RoleRefused):
        return problem_response(
            request, 403, exc.message, slug="role-refused", allowed_roles=list(exc.allowed_roles)
        )
    if isinstance(exc, StaleVersion):
        if getattr(request.state, "version_from", None) == "if-match":
            return problem_response(request, 412, exc.message, slug="stale-version")
        return problem_response(request, 409, exc.message, slug="stale-version")
    if isinstance(exc, Conflict):
        return problem_response(request, 409, exc.message, slug="conflict")
    if isinstance(exc, GuardsUnmet):
        return problem_response(
            request,
            422,
            exc.message,
            slug="guards-unmet",
            unmet_guards=[{"name": g.name, "message": g.message} for g in exc.unmet],
            allowed_roles=_allowed_roles(request, exc.trigger),
        )
    if isinstance(exc, TooLarge):
        return problem_response(request, 413, exc.message, slug="too-large")
    if isinstance(exc, InvalidInput):
        errors = [{"field": exc.field or "body", "message": exc.message}]
        return problem_response(request, 422, exc.message, slug="invalid-input", errors=errors)
    return problem_response(request, 409, exc.message, slug="refused")


async def _integrity(request: Request, exc: Exception) -> JSONResponse:
    """A constraint the services did not check first (e.g. a concurrent duplicate)."""
    logger.warning("integrity error: %s", exc)
    return problem_response(
        request,
        409,
        "Die Änderung widerspricht vorhandenen Daten (doppelter Eintrag oder unbekannter Verweis).",
        slug="integrity",
    )


RETRY_AFTER_SECONDS = "5"


async def _database(request: Request, exc: Exception) -> JSONResponse:
    """The database cannot be reached (refused, timed out, file gone): 503, try again soon.

    A serialization failure or deadlock (SQLSTATE class 40) is a lost race instead: 409.
    """
    if str(getattr(getattr(exc, "orig", None), "sqlstate", "") or "").startswith("40"):
        logger.warning("transaction rolled back by the database: %s", exc)
        return problem_response(
            request,
            409,
            "Die Änderung kollidierte mit einer gleichzeitigen Änderung. Bitte erneut versuchen.",
            slug="conflict",
        )
    logger.error("database unavailable: %s", str(exc).splitlines()[0] if str(exc) else exc)
    return problem_response(
        request,
        503,
        "Die Datenbank ist vorübergehend nicht erreichbar. Bitte später erneut versuchen.",
        slug="database-unavailable",
        headers={"Retry-After": RETRY_AFTER_SECONDS},
    )


async def _period(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(request, 422, str(exc), slug="invalid-period")


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error", exc_info=exc)
    return problem_response(request, 500, GERMAN_DETAILS[500], slug="internal")


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(WorkflowError, _workflow)
    app.add_exception_handler(PeriodError, _period)
    app.add_exception_handler(IntegrityError, _integrity)
    for unavailable in UNAVAILABLE:
        app.add_exception_handler(unavailable, _database)
    app.add_exception_handler(Exception, _unexpected)


def unexpected_response(request: Request) -> JSONResponse:
    """For the outermost middleware: a 500 problem that does not depend on the router."""
    return problem_response(request, 500, GERMAN_DETAILS[500], slug="internal")


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries documenting problems as ``application/problem+json``."""
    return {
        status: {
            "description": GERMAN_TITLES.get(status, HTTPStatus(status).phrase),
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
