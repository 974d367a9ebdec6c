"""What every page shares: the route class (session, CSRF, errors as pages), the signed-in
user, rendering with the layout, flash messages and engine errors in words.

A page module builds ``router = APIRouter(route_class=PageRoute, include_in_schema=False)``
and its routes take ``PageUserDep`` (or ``OptionalPageUserDep``) and call the same services
as the JSON API; ``render(request, "x.html", {...})`` returns the page.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, unquote_plus, urlsplit

import anyio
import anyio.to_thread
from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import RedirectResponse, Response

from api.deps import SessionDep
from api.limits import UploadTooLarge
from api.turns import app_turns, turn
from api.ui import formatting
from api.ui.actions import given_lines
from api.ui.citations import Citations, unbroken
from api.ui.navigation import HANDLING, visible_nav
from api.ui.sessions import (
    CSRF_FIELD,
    CSRF_HEADER,
    UiSession,
    csrf_valid,
    read_session,
    write_session,
)
from workflow.context import Actor
from workflow.definitions import diagram
from workflow.definitions.machines import Workflows
from workflow.definitions.spec import DefinitionSpec
from workflow.errors import (
    GuardsUnmet,
    InvalidInput,
    NotFound,
    RoleRefused,
    StaleVersion,
    TriggerNotAllowed,
    WorkflowError,
    WrongState,
)
from workflow.limits import MAX_REASON, MAX_TEXT
from workflow.meeting_titles import meeting_title
from workflow.models import Municipality, User
from workflow.outcomes import outcome_label
from workflow.roles import person_role_label
from workflow.services import my_tasks
from workflow.services.setup import actor_for
from workflow.settings import Settings
from workflow.supervision import municipality_title
from workflow.wording import wording_for

logger = logging.getLogger(__name__)

TEMPLATES_DIR = Path(__file__).parent / "templates"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

ERROR_TITLES = {
    400: "Ungültige Anfrage",
    403: "Keine Berechtigung",
    404: "Nicht gefunden",
    405: "Nicht möglich",
    409: "Nicht möglich",
    413: "Zu groß",
    422: "Eingabe prüfen",
    500: "Interner Fehler",
    503: "Vorübergehend nicht verfügbar",
}
ERROR_TEXTS = {
    400: "Die Anfrage ist fehlerhaft.",
    403: "Dafür fehlt Ihnen die Berechtigung.",
    404: "Die Seite oder der Eintrag wurde nicht gefunden.",
    405: "Diese Aktion ist auf dieser Seite nicht möglich.",
    413: "Die gesendeten Daten sind zu groß.",
    422: "Bitte prüfen Sie Ihre Eingaben.",
    500: "Ein interner Fehler ist aufgetreten. Bitte versuchen Sie es später erneut.",
    503: "Der Dienst ist vorübergehend nicht verfügbar. Bitte versuchen Sie es später erneut.",
}
CSRF_REFUSED = (
    "Das Formular wurde abgelehnt, weil der Sicherheitsschlüssel fehlt oder abgelaufen ist. "
    "Bitte laden Sie die Seite neu und senden Sie das Formular erneut."
)


class LoginRequired(Exception):
    """No signed-in user: the page redirects to /anmelden?next=…"""


class NotForAdministration(Exception):
    """A page of the council's matters opened by the system administration: refused (403)."""


# The system administration keeps users, bodies and definitions; the matters themselves,
# non-public Vorlagen above all, are confidential to the administration staff and the
# council (§ 35 Abs. 2 GemO), not to whoever runs the IT.
NOT_FOR_ADMINISTRATION = (
    "Vorlagen, Sitzungen, Fristen und Anträge sind der Verwaltung (Sachbearbeitung, "
    "Sitzungsdienst, Bürgermeisteramt) und dem Gemeinderat vorbehalten, nicht der "
    "Systemadministration: nichtöffentliche Angelegenheiten sind vertraulich (§ 35 GemO). "
    "Benutzer, Gremien und Abläufe finden Sie unter „Verwaltung“."
)


@dataclass(frozen=True)
class PageUser:
    """The signed-in user as pages need it: the engine's actor and words for the header."""

    actor: Actor
    full_name: str
    username: str
    role: str
    municipality: str
    finance_office: bool = False
    task_count: int = 0  # the badge on "Meine Aufgaben"

    @property
    def role_label(self) -> str:
        return person_role_label(self.role, finance_office=self.finance_office)


def ui_session(request: Request) -> UiSession:
    session: UiSession = request.state.ui_session
    return session


def flash(request: Request, text: str, kind: str = "success") -> None:
    """Show ``text`` once on the next rendered page (KERN alert): success, danger, info, warning."""
    request.state.ui_session = ui_session(request).with_flash(kind, text)


def _page_user(db: Session, signed: UiSession) -> PageUser | None:
    """The session's user, unless disabled or his password changed since he signed in."""
    if not signed.username:
        return None
    user = db.exec(select(User).where(User.username == signed.username)).first()
    if user is None or user.disabled or user.credentials_version != signed.credentials:
        return None
    place = ""
    if user.municipality_id is not None:
        town = db.get(Municipality, user.municipality_id)
        place = municipality_title(town) if town else ""
    elif user.district_id is not None:
        place = "Landratsamt Heilbronn"
    return PageUser(
        actor=actor_for(user),
        full_name=user.full_name,
        username=user.username,
        role=user.role,
        municipality=place,
        finance_office=user.finance_office,
    )


def get_optional_page_user(request: Request, db: SessionDep) -> PageUser | None:
    user = _page_user(db, ui_session(request))
    if user is not None and user.role != "admin":  # the admin has no tasks (navigation.py)
        # as many as Meine Aufgaben lists (routes/tasks.py)
        now = request.app.state.clock()
        actor = user.actor
        work = my_tasks.open_work(session=db, workflows=workflows_of(request), actor=actor, now=now)
        user = replace(user, task_count=work.count)
    request.state.page_user = user
    return user


def get_page_user(user: Annotated[PageUser | None, Depends(get_optional_page_user)]) -> PageUser:
    if user is None:
        raise LoginRequired()
    return user


PageUserDep = Annotated[PageUser, Depends(get_page_user)]
OptionalPageUserDep = Annotated[PageUser | None, Depends(get_optional_page_user)]


def _handling_only(user: OptionalPageUserDep) -> None:
    """Signed in, only a role that handles the municipality's matters (``navigation.HANDLING``:
    all but the admin) opens the page; the public pages of a router (documents of public
    items) stay open to whoever is not signed in, as before."""
    if user is not None and user.role not in HANDLING:
        raise NotForAdministration()


# The dependency of every router of the council's matters (``APIRouter(dependencies=...)``):
# the menu hides them from the admin (``navigation.NAV``), this refuses them typed in.
HANDLING_ONLY = [Depends(_handling_only)]


async def _posted_form(request: Request) -> FormData:
    return await request.form()


# The posted form, read in the event loop, so that a page route writing to the database is
# a plain ``def`` (FastAPI runs it in the thread pool). An ``async def`` route would do its
# database work in the event loop: on PostgreSQL, waiting there for a row lock held by another
# request of the process, whose commit needs the event loop to be scheduled, stalls the
# whole process (tests/http/test_event_loop_locks.py).
PostedForm = Annotated[FormData, Depends(_posted_form)]


def workflows_of(request: Request) -> Workflows:
    workflows: Workflows = request.app.state.runtime.workflows
    return workflows


@pass_context
def _state_label(ctx: Mapping[str, Any], instance: Any) -> str:
    """The definition's German label of an instance's state (never the internal name),
    worded for its municipality (``workflow.wording``: "bei der Bürgermeisterin")."""
    request: Request = ctx["request"]
    try:
        wf = workflows_of(request).get(instance.definition_name, instance.definition_version)
    except (KeyError, AttributeError):
        return "unbekannter Zustand"
    return wording_for(instance).state(wf.spec, instance.state)


@pass_context
def _diagram_svg(ctx: Mapping[str, Any], instance: Any) -> Markup:
    """The instance's definition as SVG with its current state highlighted (server-made)."""
    request: Request = ctx["request"]
    try:
        wf = workflows_of(request).get(instance.definition_name, instance.definition_version)
    except (KeyError, AttributeError):
        return Markup("")
    worded = wording_for(instance).spec(wf.spec)
    return Markup(diagram.svg(worded, instance.state))  # every text is escaped in svg()


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    env = templates.env
    env.add_extension(Citations)
    env.filters.update(
        unbroken=unbroken,
        date_de=formatting.date_de,
        time_de=formatting.time_de,
        datetime_de=formatting.datetime_de,
        weekday_date=formatting.weekday_date_de,
        start_time_de=formatting.clock_de,
        money_de=formatting.money_de,
        role_label=formatting.role_label,
        sentences=formatting.sentences,
        state_tone=formatting.state_tone,
    )
    env.globals.update(
        state_label=_state_label,
        due_in_words=formatting.due_in_words,
        effect_words=formatting.effect_words,
        given_lines=given_lines,
        diagram_svg=_diagram_svg,
        person_role_label=person_role_label,
        meeting_title=meeting_title,
        municipality_title=municipality_title,
        outcome_label=outcome_label,
        # The engine's bound of a reason or comment, as the maxlength of its field.
        reason_maxlength=f'maxlength="{MAX_REASON}"',
        text_maxlength=f'maxlength="{MAX_TEXT}"',
    )
    return templates


templates = _templates()


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
    user: PageUser | None = None,
) -> Response:
    """The page in the layout, with the user, navigation, CSRF token and pending flashes."""
    session = ui_session(request)
    page_user = user if user is not None else getattr(request.state, "page_user", None)
    flashes = session.flashes
    request.state.ui_session = session.without_flashes()
    full = {
        "user": page_user,
        "nav": visible_nav(page_user.role if page_user else None),
        "csrf_token": session.csrf,
        "csrf_field": CSRF_FIELD,
        "csrf_header": CSRF_HEADER,
        "flashes": flashes,
        "current_path": request.url.path,
        **(context or {}),
    }
    return templates.TemplateResponse(request, template, full, status_code=status)


def redirect(url: str) -> Response:
    """After a POST: 303 to the page that shows the result (Post/Redirect/Get)."""
    return RedirectResponse(url, status_code=303)


def changed_meanwhile(request: Request, noun: str, url: str) -> Response:
    """A posted action that the instance's new state no longer offers, because someone else
    acted first (a double click, two clerks): back to its page with what happened, instead
    of the 404 of an action that does not exist."""
    flash(
        request,
        f"{noun} wurde inzwischen geändert; diese Aktion ist im jetzigen Stand nicht mehr "
        "möglich. Bitte prüfen Sie den aktuellen Stand.",
        "danger",
    )
    return redirect(url)


def public_page_instead(user: PageUser, municipality_id: int, path: str) -> Response | None:
    """Another municipality's Vorlage or Sitzung opens on its public page: co-signatures,
    history and actions are that municipality's internal work. The district coordinator
    (no municipality of his own) keeps the page of the Rechtsaufsicht."""
    own = user.actor.municipality_id
    if own is None or own == municipality_id:
        return None
    return redirect(f"/oeffentlich/{municipality_id}{path}")


def safe_next(target: str | None, default: str = "/") -> str:
    """Only local paths; ``//host`` and ``/\\host`` would leave the site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def action_label(spec: DefinitionSpec | None, trigger: str) -> str:
    """The step's label in quotes; a service action without one (a page such as the
    Rechtmäßigkeit, an execution task) is "Das", not a quoted „Diese Aktion“."""
    if spec is not None:
        for transition in spec.transitions:
            if transition.trigger == trigger:
                return f"„{transition.label}“"
    return "Das"


def error_text(exc: WorkflowError, spec: DefinitionSpec | None = None) -> str:
    """An engine refusal in the user's words: labels of actions, states and roles, no codes."""
    if isinstance(exc, GuardsUnmet):
        reasons = formatting.sentences(g.message for g in exc.unmet)
        return f"{action_label(spec, exc.trigger)} ist noch nicht möglich. {reasons}"
    if isinstance(exc, RoleRefused):
        roles = ", ".join(formatting.role_label(r) for r in exc.allowed_roles)
        return f"{action_label(spec, exc.trigger)} ist nur möglich für: {roles}."
    if isinstance(exc, TriggerNotAllowed):
        state = exc.state_label if spec is not None else "diesem Zustand"
        return f"{action_label(spec, exc.trigger)} ist im Zustand „{state}“ nicht möglich."
    if isinstance(exc, StaleVersion):
        return (
            "Der Eintrag wurde inzwischen von jemand anderem geändert. Bitte prüfen Sie den "
            "aktuellen Stand und versuchen Sie es erneut."
        )
    if isinstance(exc, WrongState) and spec is not None:
        return f"{exc.message} (jetziger Stand: „{spec.state_label(exc.state)}“)."
    return exc.message


def error_status(exc: WorkflowError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, RoleRefused):
        return 403
    if isinstance(exc, InvalidInput | GuardsUnmet):
        return 422
    return 409


async def error_page(
    request: Request, status: int, text: str | None = None, *, title: str | None = None
) -> Response:
    """A German error page in the layout (never a stack trace, never JSON for a browser)."""
    await _layout_user(request)
    return render(
        request,
        "error.html",
        {
            "status": status,
            "title": title or ERROR_TITLES.get(status, "Fehler"),
            "text": text or ERROR_TEXTS.get(status, ERROR_TEXTS[400]),
        },
        status=status,
    )


async def _layout_user(request: Request) -> None:
    """The header's user for an error page rendered outside the route's own dependencies:
    read in a pool thread and in a turn at the database (``api.turns``), as a route's
    session is. Not while the route still holds its turn: ``PageRoute`` catches the route's
    error before its session is closed (function-scoped dependencies end outside it), and a
    second session would wait for the first (SQLite's one writer, the last pooled
    connection); the page then shows no user."""
    if getattr(request.state, "page_user", None) is not None:
        return
    if getattr(request.state, "holds_database_turn", False):
        return
    runtime = getattr(request.app.state, "runtime", None)
    signed = ui_session(request)
    if runtime is None or not signed.username:
        return

    def load() -> PageUser | None:
        with Session(runtime.engine) as db:
            return _page_user(db, signed)

    try:
        async with turn(app_turns(request.app)):
            request.state.page_user = await anyio.to_thread.run_sync(load)
    except Exception:  # the error page must render even when the database is gone
        logger.warning("no user for the error page", exc_info=True)


def _login_redirect(request: Request) -> Response:
    """To the login, and from there back. A form sent after the login expired (an evening
    session outlasts it) cannot be sent again by a redirect: back to the page it came from,
    with a word that it was not saved."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method not in SAFE_METHODS:
        target = _same_site_path(request.headers.get("referer"), request) or "/"
        flash(
            request,
            "Ihre Anmeldung ist abgelaufen; das Formular wurde nicht gespeichert. "
            "Bitte melden Sie sich an und senden Sie es erneut.",
            "warning",
        )
    location = f"/anmelden?next={quote(target, safe='')}"
    response = RedirectResponse(location, status_code=303)
    if request.headers.get("HX-Request"):
        response.headers["HX-Redirect"] = location
    return response


def _same_site_path(referer: str | None, request: Request) -> str | None:
    """The path (and query) of a Referer on this site, else None."""
    if not referer:
        return None
    parts = urlsplit(referer)
    if parts.netloc and parts.netloc != request.url.netloc:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return safe_next(path, "") or None


async def _csrf_ok(request: Request) -> bool:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(FORM_TYPES):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    return csrf_valid(ui_session(request), sent)


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


class PageRoute(APIRoute):
    """A route answering with HTML: session cookie in and out, CSRF on every write, and every
    failure as a German page (404 for unknown or invisible ids, 403 for a missing token)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            settings = _settings(request)
            request.state.ui_session = read_session(request, settings)
            response = await _guarded(request, original)
            session = ui_session(request)
            _show_banners(response, session)
            if session.changed:
                write_session(response, request, settings, session)
            response.headers.setdefault("Cache-Control", "no-store")
            return response

        return handler


def _show_banners(response: Response, session: UiSession) -> None:
    """A redirect to a section (``#tagesordnung``, ``#dokumente``) would scroll the banner
    that says what happened out of sight: with a refusal pending it goes to the banners
    (``#meldungen``) instead, and so does one to a section with any other banner pending
    (a success, a note); a redirect to the top of a page shows them as it is."""
    location = response.headers.get("location")
    if location is None or response.status_code != 303 or not session.flashes:
        return
    refusal = any(f.kind == "danger" for f in session.flashes)
    if refusal or "#" in location:
        response.headers["location"] = location.partition("#")[0] + "#meldungen"


async def _has_nul(request: Request) -> bool:
    """A NUL character no text column can store (PostgreSQL refuses it): refused up front."""
    if "\x00" in unquote_plus(request.url.query) or "%00" in request.url.path:
        return True
    if request.method in SAFE_METHODS:
        return False
    if not request.headers.get("content-type", "").startswith(FORM_TYPES):
        return False
    form = await request.form()
    return any(isinstance(v, str) and "\x00" in v for _, v in form.multi_items())


async def _upload_refused(request: Request, exc: UploadTooLarge) -> Response:
    """A file far above the limit is refused before its form is read (``api.limits``), so
    neither the CSRF token nor the other fields are known: nothing is done, and the person
    is sent back to the page the form was on, with the limit in words; without that page
    (no Referer), a German error page."""
    back = _same_site_path(request.headers.get("referer"), request)
    if back is None or ui_session(request).username is None:
        return await error_page(request, 413, exc.detail, title="Datei zu groß")
    flash(request, exc.detail, "danger")
    return RedirectResponse(back, status_code=303)


async def _guarded(
    request: Request, original: Callable[[Request], Awaitable[Response]]
) -> Response:
    try:
        return await _checked(request, original)
    except UploadTooLarge as exc:
        request.state.roll_back = True  # as any failure (``_checked``)
        return await _upload_refused(request, exc)


async def _checked(
    request: Request, original: Callable[[Request], Awaitable[Response]]
) -> Response:
    if request.method not in SAFE_METHODS and not await _csrf_ok(request):
        if ui_session(request).username is None and request.url.path != "/anmelden":
            # No login at all: it expired with its cookie while the form was open.
            return _login_redirect(request)
        return await error_page(request, 403, CSRF_REFUSED, title="Formular abgelehnt")
    if await _has_nul(request):
        return await error_page(request, 400, "Die Eingabe enthält ein unzulässiges Steuerzeichen.")
    try:
        return await original(request)
    except UploadTooLarge:
        raise
    except Exception as exc:  # noqa: BLE001 - every failure becomes a page
        # The page route's handler is inside the request's dependency stack, so the session
        # dependency never sees this exception: it is told to roll back instead of committing
        # what the failed request may have flushed (``api.deps.get_session``).
        request.state.roll_back = True
        return await _failure_page(request, exc)


async def _failure_page(request: Request, exc: Exception) -> Response:
    if isinstance(exc, LoginRequired):
        return _login_redirect(request)
    if isinstance(exc, NotForAdministration):
        return await error_page(request, 403, NOT_FOR_ADMINISTRATION)
    if isinstance(exc, StaleDataError):  # as ``workflow.db.transaction`` says it to the API
        exc = StaleVersion(expected=None, actual=None)
    if isinstance(exc, WorkflowError):
        return await error_page(request, error_status(exc), error_text(exc))
    if isinstance(exc, RequestValidationError):
        # A malformed id in the path is an unknown page; anything else is a bad form.
        in_path = any(e.get("loc", ("",))[0] == "path" for e in exc.errors())
        return await error_page(request, 404 if in_path else 422)
    if isinstance(exc, StarletteHTTPException):
        return await error_page(request, exc.status_code if exc.status_code >= 400 else 400)
    if isinstance(exc, IntegrityError):
        logger.warning("integrity error on a page", exc_info=exc)
        return await error_page(
            request, 409, "Die Änderung widerspricht vorhandenen Daten. Bitte neu laden."
        )
    logger.error("unhandled error on a page", exc_info=exc)
    return await error_page(request, 500)


def wants_html(request: Request) -> bool:
    """A browser navigating (not an API client): HTML error pages instead of problem+json."""
    return "text/html" in request.headers.get("accept", "")
