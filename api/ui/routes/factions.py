"""Verwaltung der Fraktionen (§ 32a GemO) for the admin and the Sitzungsdienst: form,
rename, members and dissolution, through ``workflow.services.factions`` as the JSON API.

Each form carries the version the page showed, so a change made meanwhile in another
window is refused (the page shows it again) instead of being overwritten."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session
from starlette.datastructures import FormData
from starlette.responses import Response

from api.deps import NowDep, SessionDep
from api.routes.common import PathId
from api.ui import formatting
from api.ui.web import (
    PageRoute,
    PageUser,
    PageUserDep,
    PostedForm,
    error_text,
    flash,
    redirect,
    render,
)
from workflow.digits import as_id
from workflow.errors import InvalidInput, NotFound, WorkflowError
from workflow.services import factions as service
from workflow.services.common import require_role

router = APIRouter(route_class=PageRoute, include_in_schema=False)
BASE = "/verwaltung/fraktionen"


def _require(user: PageUser) -> None:
    require_role(user.actor, "verwaltung_fraktionen", service.FACTION_ROLES)
    if user.actor.municipality_id is None:
        raise NotFound("Für Ihr Konto ist keine Gemeinde hinterlegt.")


def _names(form: FormData) -> dict[str, str]:
    return {k: str(form.get(k) or "").strip()[:250] for k in ("name", "short_name")}


def _version(form: FormData) -> int:
    text = str(form.get("version") or "")
    return as_id(text) or 0


def _field(exc: WorkflowError, default: str) -> str:
    return exc.field if isinstance(exc, InvalidInput) and exc.field else default


def _list_page(
    request: Request,
    session: Session,
    user: PageUser,
    *,
    errors: dict[str, str] | None = None,
    given: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    rows = service.list_factions(session, user.actor, include_dissolved=True)
    context = {
        "current": [
            (f, len(service.members(session, f.id or 0))) for f in rows if f.dissolved_on is None
        ],  # fmt: skip
        "dissolved": [f for f in rows if f.dissolved_on is not None],
        "errors": errors or {},
        "given": given or {},
    }
    return render(request, "verwaltung/fraktionen.html", context, status=status)


@router.get(BASE)
def factions_page(request: Request, user: PageUserDep, session: SessionDep) -> Response:
    _require(user)
    return _list_page(request, session, user)


@router.post(BASE)
def create_faction(
    request: Request, user: PageUserDep, session: SessionDep, now: NowDep, form: PostedForm
) -> Response:
    _require(user)
    given = _names(form)
    try:
        with session.begin_nested():
            faction = service.create_faction(session=session, actor=user.actor, now=now, **given)
    except NotFound:
        raise
    except WorkflowError as exc:
        errors = {_field(exc, "name"): formatting.sentences([error_text(exc)])}
        return _list_page(request, session, user, errors=errors, given=given, status=422)
    flash(request, f"Die Fraktion „{faction.name}“ wurde gebildet. Bitte die Mitglieder wählen.")
    return redirect(f"{BASE}/{faction.id}")


def _faction_page(
    request: Request,
    session: Session,
    user: PageUser,
    faction_id: int,
    now: Any,
    *,
    errors: dict[str, str] | None = None,
    given: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    faction = service.get_faction(session, user.actor, faction_id)
    rows = service.members(session, faction_id)
    chosen = given.get("members") if given and "members" in given else None
    roles = {m.person_id: m.role for m, _ in rows}
    if chosen is not None:
        roles = chosen
    chair = next((pid for pid, role in roles.items() if role == "chair"), None)
    if given and given.get("chair") is not None:
        chair = given["chair"]  # refused (not ticked): shown again, marked, to be corrected
    people = {p.id: p for p in service.councillors(session, faction.municipality_id, now)}
    # A member who left the council stays listed until he is taken out.
    people.update({p.id: p for _, p in rows if p.id not in people})
    context = {
        "faction": faction,
        "rows": rows,
        "people": sorted(people.values(), key=lambda p: p.name),
        "roles": roles,
        "chair": chair,
        # The Vorsitz is one of the members (§ 32a GemO: the Fraktion's own): offered to
        # them only; static/ratsflow.js follows the boxes as they are ticked.
        "chair_choices": set(roles) | ({chair} if chair is not None else set()),
        "errors": errors or {},
        "given": given or {},
    }
    return render(request, "verwaltung/fraktion.html", context, status=status)


@router.get(BASE + "/{faction_id}")
def faction_page(
    request: Request, faction_id: PathId, user: PageUserDep, session: SessionDep, now: NowDep
) -> Response:
    _require(user)
    return _faction_page(request, session, user, faction_id, now)


@router.post(BASE + "/{faction_id}")
def rename_faction(
    request: Request,
    faction_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    _require(user)
    given = _names(form)
    try:
        with session.begin_nested():
            faction = service.rename_faction(
                session=session,
                actor=user.actor,
                now=now,
                faction_id=faction_id,
                expected_version=_version(form),
                **given,
            )
    except NotFound:
        raise
    except WorkflowError as exc:
        errors = {_field(exc, "name"): formatting.sentences([error_text(exc)])}
        return _faction_page(
            request, session, user, faction_id, now, errors=errors, given=given, status=422
        )
    flash(request, f"Die Fraktion heißt jetzt „{faction.label}“.")
    return redirect(f"{BASE}/{faction_id}")


@router.post(BASE + "/{faction_id}/mitglieder")
def set_members(
    request: Request,
    faction_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    """Ticked councillors are the members; the one chosen for the Vorsitz chairs."""
    _require(user)
    values = [str(v) for v in form.getlist("person_id")]
    ticked = [i for i in map(as_id, values) if i is not None]
    chair = str(form.get("chair") or "")
    chosen = {pid: "chair" if str(pid) == chair else "member" for pid in dict.fromkeys(ticked)}
    errors: dict[str, str] = {}
    refused_chair = None
    if chair and as_id(chair) not in chosen:
        errors["chair"] = "Den Vorsitz hat ein Mitglied der Fraktion; bitte die Person ankreuzen."
        refused_chair = as_id(chair)
    if not errors:
        try:
            with session.begin_nested():
                faction = service.set_members(
                    session=session,
                    actor=user.actor,
                    now=now,
                    faction_id=faction_id,
                    expected_version=_version(form),
                    members_given=[service.MemberInput(p, r) for p, r in chosen.items()],
                )
        except NotFound:
            raise
        except WorkflowError as exc:
            errors = {"person_id": formatting.sentences([error_text(exc)])}
    if errors:
        return _faction_page(
            request, session, user, faction_id, now,
            errors=errors, given={"members": chosen, "chair": refused_chair}, status=422,
        )  # fmt: skip
    count = len(chosen)
    flash(
        request,
        f"Die Fraktion „{faction.name}“ hat jetzt {count} Mitglied{'er' if count != 1 else ''}.",
    )
    return redirect(f"{BASE}/{faction_id}")


@router.post(BASE + "/{faction_id}/aufloesen")
def dissolve_faction(
    request: Request,
    faction_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    _require(user)
    if form.get("confirm") != "ja":
        errors = {"confirm": "Bitte bestätigen Sie die Auflösung der Fraktion."}
        return _faction_page(request, session, user, faction_id, now, errors=errors, status=422)
    try:
        with session.begin_nested():
            faction = service.dissolve_faction(
                session=session,
                actor=user.actor,
                now=now,
                faction_id=faction_id,
                expected_version=_version(form),
            )
    except NotFound:
        raise
    except WorkflowError as exc:
        errors = {"confirm": formatting.sentences([error_text(exc)])}
        return _faction_page(request, session, user, faction_id, now, errors=errors, status=422)
    flash(
        request,
        f"Die Fraktion „{faction.name}“ ist aufgelöst; ihre Anträge bleiben unter ihrem Namen "
        "erhalten.",
    )
    return redirect(BASE)
