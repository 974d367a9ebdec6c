"""Stellvertretung on pages: the admin sets a user's deputies and absences, a body member's
deputies and seat dates, and the municipality's settings (Verwaltung); every user enters
his own absences (Einstellungen). All through ``workflow.services``, as the JSON API."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session, col, select
from starlette.datastructures import FormData
from starlette.responses import Response

from api import directory
from api.deps import NowDep, SessionDep
from api.routes.common import PathId
from api.schemas.admin import PASSWORD_MIN
from api.ui import formatting
from api.ui.routes.settings import settings_view
from api.ui.verwaltung import BODY_KINDS, require_admin
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
from workflow.deputies import has_stand_ins, stand_in_refusal
from workflow.digits import as_id
from workflow.errors import InvalidInput, NotFound, WorkflowError, not_found
from workflow.models import Absence, Person, User
from workflow.services import deputies as service
from workflow.wording import municipality_wording

router = APIRouter(route_class=PageRoute, include_in_schema=False)
DEPUTY_SLOTS = 3


def form_date(form: FormData, name: str) -> date | None:
    text = str(form.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidInput("Bitte geben Sie ein Datum an (TT.MM.JJJJ).", field=name) from exc


def form_ids(form: FormData, prefix: str) -> list[int]:
    chosen = [str(form.get(f"{prefix}{i}") or "").strip() for i in range(1, DEPUTY_SLOTS + 1)]
    ids = [as_id(c) for c in chosen if c]
    if any(i is None for i in ids):
        raise InvalidInput("Bitte wählen Sie aus der Liste.", field=f"{prefix}1")
    return [i for i in ids if i is not None]


def user_page_view(
    request: Request,
    session: Session,
    user: PageUser,
    user_id: int,
    *,
    errors: dict[str, str] | None = None,
    given: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The account's page; with ``errors`` a refused form again, what was typed in
    ``given`` (never a password)."""
    account = session.get(User, user_id)
    if account is None or account.municipality_id != user.actor.municipality_id:
        raise not_found("Benutzer")
    # Only whom the rule lets act for this account (workflow.deputies.stand_in_refusal);
    # stored deputies it no longer allows are named apart: they are never called.
    others = [
        (str(u.id), f"{u.full_name} ({u.username})")
        for u in directory.list_users(session=session, actor=user.actor, limit=200).items
        if stand_in_refusal(account, u) is None
    ]
    deputies = service.user_deputies(session, user.actor, user_id)
    context = {
        "account": account,
        "has_stand_ins": has_stand_ins(account.role),
        "others": others,
        "chosen": [str(d.id) for d in deputies if stand_in_refusal(account, d) is None]
        + [""] * DEPUTY_SLOTS,
        "not_allowed": [
            (d, refusal) for d in deputies if (refusal := stand_in_refusal(account, d)) is not None
        ],
        "slots": range(1, DEPUTY_SLOTS + 1),
        "password_min": PASSWORD_MIN,
        "given": given or {},
        "absences": service.list_absences(session, user.actor, user_id),
        "errors": errors or {},
        # the § 48/§ 53 GemO explanation names the mayor by the municipality's title
        "wording": municipality_wording(session, account.municipality_id),
    }
    return render(request, "verwaltung/benutzer.html", context, status=status)


@router.get("/verwaltung/benutzer/{user_id}")
def user_page(
    request: Request, user_id: PathId, user: PageUserDep, session: SessionDep
) -> Response:
    require_admin(user)
    return user_page_view(request, session, user, user_id)


@router.post("/verwaltung/benutzer/{user_id}/stellvertretung")
def set_user_deputies(
    request: Request,
    user_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    require_admin(user)
    try:
        with session.begin_nested():
            deputies = service.set_user_deputies(
                session=session,
                actor=user.actor,
                now=now,
                user_id=user_id,
                deputy_ids=form_ids(form, "deputy"),
            )
    except NotFound:
        raise
    except WorkflowError as exc:
        errors = {"deputy1": formatting.sentences([error_text(exc)])}
        return user_page_view(request, session, user, user_id, errors=errors, status=422)
    names = ", ".join(d.full_name for d in deputies) or "niemand"
    flash(request, f"Stellvertretung in dieser Reihenfolge gespeichert: {names}.")
    return redirect(f"/verwaltung/benutzer/{user_id}")


def _add_absence(
    request: Request, form: FormData, session: Session, user: PageUser, now: Any, user_id: int
) -> dict[str, str] | None:
    try:
        with session.begin_nested():
            starts_on, ends_on = form_date(form, "starts_on"), form_date(form, "ends_on")
            if starts_on is None or ends_on is None:
                raise InvalidInput("Bitte geben Sie Beginn und Ende an.", field="starts_on")
            service.add_absence(
                session=session,
                actor=user.actor,
                now=now,
                user_id=user_id,
                starts_on=starts_on,
                ends_on=ends_on,
                note=str(form.get("note") or "")[:200],
            )
    except NotFound:
        raise
    except WorkflowError as exc:
        field = exc.field if isinstance(exc, InvalidInput) and exc.field else "starts_on"
        return {field: formatting.sentences([error_text(exc)])}
    deputies = service.user_deputies(session, user.actor, user_id)
    if deputies:
        flash(
            request,
            f"Die Abwesenheit wurde eingetragen; in Vertretung handelt {deputies[0].full_name}.",
        )
    else:
        flash(
            request,
            "Die Abwesenheit wurde eingetragen. Eine Stellvertretung ist nicht benannt: "
            "Aufgaben bleiben liegen, bis die Administration eine Stellvertretung einträgt.",
            "warning",
        )
    return None


@router.post("/verwaltung/benutzer/{user_id}/abwesenheiten")
def add_absence(
    request: Request,
    user_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    require_admin(user)
    errors = _add_absence(request, form, session, user, now, user_id)
    if errors:
        return user_page_view(request, session, user, user_id, errors=errors, status=422)
    return redirect(f"/verwaltung/benutzer/{user_id}")


@router.post("/abwesenheiten/{absence_id}/loeschen")
def delete_absence(
    request: Request, absence_id: PathId, user: PageUserDep, session: SessionDep, now: NowDep
) -> Response:
    absence = session.get(Absence, absence_id)
    owner = absence.user_id if absence is not None else None
    service.delete_absence(session=session, actor=user.actor, now=now, absence_id=absence_id)
    flash(request, "Die Abwesenheit wurde gelöscht.")
    if owner == user.actor.user_id:
        return redirect("/einstellungen#abwesenheit")
    return redirect(f"/verwaltung/benutzer/{owner}")


@router.post("/einstellungen/abwesenheiten")
def add_own_absence(
    request: Request, user: PageUserDep, session: SessionDep, now: NowDep, form: PostedForm
) -> Response:
    if user.actor.user_id is None:
        raise NotFound("Für Ihr Konto ist kein Benutzer hinterlegt.")
    errors = _add_absence(request, form, session, user, now, user.actor.user_id)
    if errors:  # the form again with the field marked and what was typed kept
        given = {k: str(form.get(k) or "")[:200] for k in ("starts_on", "ends_on", "note")}
        return settings_view(request, session, user, errors=errors, given=given)
    return redirect("/einstellungen#abwesenheit")


def body_deputy_context(session: Session, user: PageUser, body_id: int) -> dict[str, Any]:
    """For the body page: each member's deputies (as chosen per slot) and who can be one."""
    rows = service.body_deputy_rows(session, user.actor, body_id)
    chosen: dict[int, list[str]] = {}
    for row in rows:
        chosen.setdefault(row.member_person_id, []).append(str(row.deputy_person_id))
    municipality_id = user.actor.municipality_id
    people = session.exec(
        select(Person).where(Person.municipality_id == municipality_id).order_by(col(Person.name))
    )
    return {
        "deputy_options": [(str(p.id), p.name) for p in people],
        "deputies": {k: v + [""] * DEPUTY_SLOTS for k, v in chosen.items()},
        "slots": range(1, DEPUTY_SLOTS + 1),
        "blank_slots": [""] * DEPUTY_SLOTS,
        "body_kinds": BODY_KINDS,
    }
