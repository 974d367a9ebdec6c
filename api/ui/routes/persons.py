"""A member's name and the address his invitations go to, kept by the admin beside the
seat (Verwaltung › Gremium). Without an address of his own or of his account a member is
invited in writing (§ 34 Abs. 1 Satz 1 GemO: "schriftlich oder elektronisch"), which the
invitation form names before the click."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlmodel import select
from starlette.responses import Response

from api import directory
from api.deps import NowDep, SessionDep, SettingsDep
from api.routes.common import PathId
from api.schemas.admin import PersonUpdate
from api.ui import formatting
from api.ui.routes.admin import MEMBER_MESSAGES, body_page_view
from api.ui.verwaltung import require_admin
from api.ui.web import PageRoute, PageUserDep, PostedForm, error_text, flash, redirect
from workflow.errors import InvalidInput, not_found
from workflow.models import Membership
from workflow.rules.common import count_of

router = APIRouter(route_class=PageRoute, include_in_schema=False)

PERSON_FIELDS = ("name", "email")


@router.post("/verwaltung/gremien/{body_id}/personen/{person_id}")
def save_person(
    request: Request,
    body_id: PathId,
    person_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    """From the body's page: the person must hold a seat in it (else nothing is found)."""
    require_admin(user)
    seat = session.exec(
        select(Membership).where(Membership.body_id == body_id, Membership.person_id == person_id)
    ).first()
    if seat is None:
        raise not_found("Person")
    given = {k: str(form.get(k) or "").strip() for k in PERSON_FIELDS}
    try:
        checked = PersonUpdate.model_validate(
            {"name": given["name"], "email": given["email"] or None}
        )
        updated = directory.update_person(
            session=session,
            actor=user.actor,
            now=now,
            base_url=settings.link_base(str(request.base_url)),
            person_id=person_id,
            **checked.model_dump(),
        )
    except (ValidationError, InvalidInput) as exc:
        if isinstance(exc, ValidationError):
            fields = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
            errors = {f: MEMBER_MESSAGES[f] for f in PERSON_FIELDS if f in fields}
        else:
            errors = {exc.field or "name": formatting.sentences([error_text(exc)])}
        return body_page_view(
            request, session, user, body_id, errors=errors, given=given, status=422,
            failed_member=seat.id,
        )  # fmt: skip
    person = updated.person
    where = (
        f"Einladungen gehen an {person.email}."
        if person.email
        else "Ohne eigene E-Mail-Adresse gehen Einladungen an die des Benutzerkontos, "
        "sonst schriftlich."
    )
    again = (
        f" {count_of(updated.reinvited, 'Einladung', 'Einladungen')} zu kommenden Sitzungen "
        f"{'geht' if updated.reinvited == 1 else 'gehen'} erneut an die neue Adresse; Links "
        "an die bisherige gelten nicht mehr."
        if updated.reinvited
        else ""
    )
    flash(request, f"{person.name} ist gespeichert. {where}{again}")
    return redirect(f"/verwaltung/gremien/{body_id}#mitglied-{seat.id}")
