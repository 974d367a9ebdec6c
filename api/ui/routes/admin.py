"""Verwaltung for the municipality's admin: users (create, deactivate), bodies, their
members and Aufgabengebiete, through ``api.directory`` as the JSON API (``api/routes/admin.py``).

Forms are checked by the JSON API's own shapes (``UserCreate``, ``MembershipCreate``), so
the password policy and the username rules are one rule set; the messages are the page's.
"""

from __future__ import annotations

from typing import Any

import anyio.from_thread
from fastapi import APIRouter, Request
from pydantic import ValidationError
from sqlmodel import Session, col, select
from starlette.responses import Response

from api import directory
from api.deps import NowDep, SessionDep, get_now
from api.routes.common import PathId
from api.schemas.admin import PASSWORD_MIN, BodyCreate, MembershipCreate, UserCreate
from api.security import hash_password_bounded
from api.ui import formatting
from api.ui.routes.deputies import DEPUTY_SLOTS, body_deputy_context, form_date, form_ids
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
from workflow.collation import german_key
from workflow.context import local_date
from workflow.deputies import member_on
from workflow.digits import as_id, as_number, is_digits
from workflow.documents.mailing import invitation_address
from workflow.errors import InvalidInput, NotFound, WorkflowError, not_found
from workflow.law.subjects import SUBJECTS
from workflow.models import Membership, Person, User
from workflow.services import deputies as deputy_service
from workflow.services import factions, municipal_settings, outbox
from workflow.services.municipal_settings import DAY_MESSAGE
from workflow.supervision import MAYOR_TITLES, STATUSES

router = APIRouter(route_class=PageRoute, include_in_schema=False)
USER_MESSAGES = {
    "username": "Bitte geben Sie einen Benutzernamen mit 3 bis 100 Zeichen an: Kleinbuchstaben, "
    "Ziffern, Punkt, Unterstrich oder Bindestrich, am Anfang ein Buchstabe oder eine Ziffer.",
    "full_name": "Bitte geben Sie den vollständigen Namen ein.",
    "role": "Bitte wählen Sie die Rolle.",
    "password": f"Das Passwort muss mindestens {PASSWORD_MIN} Zeichen lang sein.",
    "password_repeat": "Die beiden Passwörter stimmen nicht überein.",
    "email": "Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@gemeinde.de.",
    "department": "Bitte kürzen Sie die Angabe zum Amt auf höchstens 200 Zeichen.",
    "person_id": "Bitte wählen Sie eine Person aus der Liste.",
}


DEAD_LETTERS_SHOWN = 50  # the newest; the JSON API pages through all of them


# The new member's form (verwaltung/gremium.html); the person's own form uses the same words.
MEMBER_MESSAGES = {
    "person_id": USER_MESSAGES["person_id"],
    "person_name": "Bitte wählen Sie eine Person oder geben Sie einen Namen ein.",
    "person_email": USER_MESSAGES["email"],
    "role": "Bitte wählen Sie die Funktion.",
    "name": USER_MESSAGES["full_name"],
    "email": USER_MESSAGES["email"],
}


# The new-user form's fields from top to bottom (verwaltung/index.html).
USER_FORM_ORDER = ("full_name", "username", "role", "person_id", "email", "department",
                   "finance_office", "password", "password_repeat")  # fmt: skip


def _user_form_position(field: str) -> int:
    return USER_FORM_ORDER.index(field) if field in USER_FORM_ORDER else len(USER_FORM_ORDER)


# A councillor's account is his seat's person: without it he is in no body, signs no Antrag
# and is invited to nothing (Membership belongs to the person, not to the login).
NO_PERSON = (
    "Bitte wählen Sie die Person, die im Gremium sitzt; ein neues Mitglied tragen Sie zuerst "
    "beim Gremium ein."
)


def _people_without_account(session: Session, municipality_id: int | None) -> list[Person]:
    """The municipality's persons (members of its bodies) an account may be given to."""
    if municipality_id is None:
        return []
    taken = select(User.person_id).where(col(User.person_id).is_not(None))
    people = session.exec(
        select(Person).where(
            Person.municipality_id == municipality_id, col(Person.id).not_in(taken)
        )
    )
    return sorted(people, key=lambda p: german_key(p.name))


def _messages(exc: ValidationError, messages: dict[str, str]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else ""
        errors.setdefault(field, messages.get(field, "Bitte prüfen Sie diese Angabe."))
    return errors


def _overview(
    request: Request,
    session: Session,
    user: PageUser,
    *,
    errors: dict[str, str] | None = None,
    given: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    users = directory.list_users(session=session, actor=user.actor, limit=200).items
    bodies = directory.list_bodies(session=session, actor=user.actor)
    roles = [(r, formatting.role_label(r)) for r in directory.ASSIGNABLE_ROLES]
    today = local_date(get_now(request))
    seated = {
        b.id: [
            p
            for m, p in directory.list_memberships(
                session=session, actor=user.actor, body_id=b.id or 0
            )
            if member_on(m, today)
        ]
        for b in bodies
    }
    # Whom no e-mail reaches is invited in writing (§ 34 Abs. 1 S. 1 GemO): said per body.
    reached = {
        p.id
        for p, account in directory.list_persons(session=session, actor=user.actor)
        if invitation_address(p, account)
    }
    members = {b: len(people) for b, people in seated.items()}
    in_writing = {b: sum(1 for p in people if p.id not in reached) for b, people in seated.items()}
    context = {
        "settings": municipal_settings.read_settings(session, user.actor),
        "statuses": list(STATUSES.items()),
        "mayor_titles": [("", "nach dem Status"), *((t, t) for t in MAYOR_TITLES)],
        "users": sorted(users, key=lambda u: (u.disabled, u.full_name)),
        "bodies": bodies,
        "in_writing": in_writing,
        # given up after the last attempt: an invitation among them has not reached a member
        "dead_letters": outbox.list_messages(session=session, actor=user.actor, status="dead")[
            :DEAD_LETTERS_SHOWN
        ],
        "admin_subject": outbox.subject_for_admin,
        "factions": factions.list_factions(session, user.actor),
        "members": members,
        "kinds": BODY_KINDS,
        # one Gemeinderat per municipality (§ 24 Abs. 1 GemO): no second one offered
        "body_kinds": [
            (kind, label)
            for kind, label in BODY_KINDS.items()
            if kind != "council" or all(b.kind != "council" for b in bodies)
        ],
        "subjects": SUBJECTS,
        "roles": roles,
        "errors": errors or {},
        "given": given or {},
        "me": user.actor.user_id,
        "password_min": PASSWORD_MIN,
        "people": [
            (str(p.id), p.name)
            for p in _people_without_account(session, user.actor.municipality_id)
        ],
    }
    return render(request, "verwaltung/index.html", context, status=status)


@router.get("/verwaltung")
def admin_page(request: Request, user: PageUserDep, session: SessionDep) -> Response:
    require_admin(user)
    return _overview(request, session, user)


@router.post("/verwaltung/benutzer")
def create_user(
    request: Request, user: PageUserDep, session: SessionDep, now: NowDep, form: PostedForm
) -> Response:
    require_admin(user)
    given = {k: str(form.get(k) or "").strip() for k in ("username", "full_name", "role", "email",
                                                        "department", "person_id")}  # fmt: skip
    password = str(form.get("password") or "")
    errors: dict[str, str] = {}
    person_id = given.pop("person_id")
    try:
        checked = UserCreate.model_validate(
            {
                **{k: v for k, v in given.items() if v or k in ("username", "full_name", "role")},
                "password": password,
                "finance_office": form.get("finance_office") == "ja",
                # a typed-in id that is no number is left to the schema to refuse
                **({"person_id": as_id(person_id) or person_id} if person_id else {}),  # fmt: skip
            }
        )
    except ValidationError as exc:
        errors = _messages(exc, USER_MESSAGES)
    given["person_id"] = person_id
    if given["role"] == "council_member" and not person_id:
        errors.setdefault("person_id", NO_PERSON)
    if password != str(form.get("password_repeat") or ""):
        errors.setdefault("password_repeat", USER_MESSAGES["password_repeat"])
    if errors:
        # the error summary in the order the form asks (the schema's order is another)
        errors = {k: errors[k] for k in sorted(errors, key=_user_form_position)}
        return _overview(request, session, user, errors=errors, given=given, status=422)
    password_hash = anyio.from_thread.run(
        hash_password_bounded, request.app.state.hash_limiter, checked.password
    )
    try:
        with session.begin_nested():
            created = directory.create_user(
                session=session,
                actor=user.actor,
                now=now,
                password_hash=password_hash,
                **checked.model_dump(exclude={"password"}),
            )
    except WorkflowError as exc:
        field = exc.field if isinstance(exc, InvalidInput) and exc.field else "username"
        errors = {field: formatting.sentences([error_text(exc)])}
        return _overview(request, session, user, errors=errors, given=given, status=422)
    flash(
        request,
        f"Das Konto „{created.username}“ für {created.full_name} "
        f"({formatting.role_label(created.role)}) wurde angelegt.",
    )
    return redirect("/verwaltung#benutzer")


# The new-body form's words; its fields are named body_* beside the account form's.
BODY_MESSAGES = {
    "body_name": "Bitte geben Sie den Namen des Gremiums mit höchstens 200 Zeichen ein, "
    "z. B. Technischer Ausschuss.",
    "body_kind": "Bitte wählen Sie die Art des Gremiums.",
}


@router.post("/verwaltung/gremien")
def create_body(
    request: Request, user: PageUserDep, session: SessionDep, form: PostedForm
) -> Response:
    """A committee or Ortschaftsrat of the municipality (§§ 39, 41, 65 GemO): its members,
    Aufgabengebiet and Stellvertretungen are kept on its own page, where it leads to."""
    require_admin(user)
    given = {k: str(form.get(k) or "").strip() for k in ("body_name", "body_kind")}
    try:
        checked = BodyCreate.model_validate(
            {"name": given["body_name"], "kind": given["body_kind"]}
        )
    except ValidationError as exc:
        fields = {f"body_{e['loc'][0]}" for e in exc.errors() if e["loc"]}
        errors = {f: BODY_MESSAGES[f] for f in BODY_MESSAGES if f in fields}
        return _overview(request, session, user, errors=errors, given=given, status=422)
    try:
        with session.begin_nested():
            body = directory.create_body(
                session=session, actor=user.actor, name=checked.name, kind=checked.kind
            )
    except WorkflowError as exc:
        errors = {"body_name": formatting.sentences([error_text(exc)])}
        return _overview(request, session, user, errors=errors, given=given, status=422)
    flash(
        request,
        f"Das Gremium „{body.name}“ ({BODY_KINDS[body.kind]}) wurde angelegt. "
        "Tragen Sie jetzt seine Mitglieder ein.",
    )
    return redirect(f"/verwaltung/gremien/{body.id}")


@router.post("/verwaltung/benutzer/{user_id}/deaktivieren")
def disable_user(
    request: Request, user_id: PathId, user: PageUserDep, session: SessionDep
) -> Response:
    require_admin(user)
    try:
        with session.begin_nested():
            disabled = directory.disable_user(session=session, actor=user.actor, user_id=user_id)
    except NotFound:
        raise
    except WorkflowError as exc:
        flash(request, formatting.sentences([error_text(exc)]), "danger")
        return redirect("/verwaltung#benutzer")
    flash(
        request,
        f"Das Konto „{disabled.username}“ wurde deaktiviert; die Anmeldung ist nicht mehr möglich.",
    )
    return redirect("/verwaltung#benutzer")


@router.post("/verwaltung/benutzer/{user_id}/aktivieren")
def enable_user(
    request: Request, user_id: PathId, user: PageUserDep, session: SessionDep
) -> Response:
    require_admin(user)
    enabled = directory.enable_user(session=session, actor=user.actor, user_id=user_id)
    flash(
        request,
        f"Das Konto „{enabled.username}“ ist wieder aktiv; die Anmeldung mit dem bisherigen "
        "Passwort ist möglich.",
    )
    return redirect("/verwaltung#benutzer")


def body_page_view(
    request: Request,
    session: Session,
    user: PageUser,
    body_id: int,
    *,
    errors: dict[str, str] | None = None,
    given: dict[str, Any] | None = None,
    status: int = 200,
    failed_member: int | None = None,
) -> Response:
    """The body's page; with ``errors`` a form again, its input kept (422). For a seat's
    form (``failed_member``), ``errors`` is keyed by the field's name and ``given`` holds
    that form's input."""
    rows = directory.list_memberships(session=session, actor=user.actor, body_id=body_id)
    bodies = directory.list_bodies(session=session, actor=user.actor)
    body = next((b for b in bodies if b.id == body_id), None)
    if body is None:
        raise not_found("Gremium")
    seated = {p.id for _, p in rows}
    accounts = {
        u.person_id: u for u in session.exec(select(User).where(col(User.person_id).in_(seated)))
    }
    people = session.exec(
        select(Person).where(Person.municipality_id == body.municipality_id).order_by(Person.name)
    )
    today = local_date(get_now(request))
    context = {
        **body_deputy_context(session, user, body_id),
        "today": today,
        "current": sum(1 for m, _ in rows if member_on(m, today)),
        "body": body,
        "people": [(str(p.id), p.name) for p in people if p.id not in seated],
        "kind": BODY_KINDS.get(body.kind, ""),
        "rows": rows,
        "addresses": {p.id: invitation_address(p, accounts.get(p.id)) for _, p in rows},
        "own_address": {p.id for _, p in rows if p.email},
        "subjects": SUBJECTS,
        "errors": errors or {},
        "given": given or {},
        "failed_member": failed_member,
        "summary": _member_summary(errors or {}, failed_member),
    }
    return render(request, "verwaltung/gremium.html", context, status=status)


@router.get("/verwaltung/gremien/{body_id}")
def body_page(
    request: Request, body_id: PathId, user: PageUserDep, session: SessionDep
) -> Response:
    require_admin(user)
    return body_page_view(request, session, user, body_id)


@router.post("/verwaltung/gremien/{body_id}/mitglieder")
def add_member(
    request: Request, body_id: PathId, user: PageUserDep, session: SessionDep, form: PostedForm
) -> Response:
    require_admin(user)
    fields = ("person_id", "person_name", "person_email", "role")
    given = {k: str(form.get(k) or "").strip() for k in fields}
    person_id = as_id(given["person_id"])
    try:
        checked = MembershipCreate.model_validate(
            {
                "person_id": person_id,
                "person_name": None if person_id else given["person_name"] or None,
                "person_email": given["person_email"] or None,
                "role": given["role"] or "member",
                "voting": form.get("voting") == "ja",
            }  # fmt: skip
        )
        if checked.person_name is None and checked.person_id is None:
            raise InvalidInput("Name fehlt", field="person_name")
    except ValidationError as exc:
        errors = _messages(exc, MEMBER_MESSAGES)
        return body_page_view(
            request, session, user, body_id, errors=errors, given=given, status=422
        )
    except InvalidInput:
        errors = {"person_name": MEMBER_MESSAGES["person_name"]}
        return body_page_view(
            request, session, user, body_id, errors=errors, given=given, status=422
        )
    try:
        with session.begin_nested():
            _, person = directory.add_membership(
                session=session, actor=user.actor, body_id=body_id, **checked.model_dump()
            )
    except NotFound:
        raise
    except WorkflowError as exc:
        field = "person_email" if getattr(exc, "field", None) == "person_email" else "person_name"
        errors = {field: formatting.sentences([error_text(exc)])}
        return body_page_view(
            request, session, user, body_id, errors=errors, given=given, status=422
        )
    flash(request, f"{person.name} ist jetzt Mitglied.")
    return redirect(f"/verwaltung/gremien/{body_id}")


def _member_field(field: str | None, filled: list[str]) -> str:
    """The input of a seat's form an error of the services belongs to; ``filled`` are the
    deputy slots chosen, in order (the services count only those)."""
    if field in ("start_date", "end_date"):
        return field
    index = (field or "").rpartition(".")[2]
    if is_digits(index) and int(index) < len(filled):
        return filled[int(index)]
    return filled[0] if filled else "deputy1"


def _member_summary(errors: dict[str, str], failed_member: int | None) -> dict[str, str]:
    """The error summary's links: a seat's inputs carry the membership in their ids."""
    if failed_member is None:
        return errors
    short = {"start_date": "start", "end_date": "end"}
    return {f"{short.get(name, name)}-{failed_member}": text for name, text in errors.items()}


@router.post("/verwaltung/gremien/{body_id}/mitglieder/{membership_id}")
def save_member(
    request: Request,
    body_id: PathId,
    membership_id: PathId,
    user: PageUserDep,
    session: SessionDep,
    now: NowDep,
    form: PostedForm,
) -> Response:
    """A seat's dates and the member's personal deputies in order."""
    require_admin(user)
    membership = session.get(Membership, membership_id)
    if membership is None or membership.body_id != body_id:
        raise not_found("Mitgliedschaft")
    try:
        with session.begin_nested():
            if membership.role != "chair":
                deputy_service.set_membership_dates(
                    session=session,
                    actor=user.actor,
                    now=now,
                    body_id=body_id,
                    membership_id=membership_id,
                    start_date=form_date(form, "start_date"),
                    end_date=form_date(form, "end_date"),
                )
            deputy_service.set_member_deputies(
                session=session,
                actor=user.actor,
                now=now,
                body_id=body_id,
                member_person_id=membership.person_id,
                deputy_person_ids=form_ids(form, "deputy"),
            )
    except NotFound:
        raise
    except WorkflowError as exc:  # the seat's form again, open, the field marked
        names = ("start_date", "end_date", *(f"deputy{i}" for i in range(1, DEPUTY_SLOTS + 1)))
        given = {name: str(form.get(name) or "")[:20] for name in names}
        filled = [name for name in names[2:] if given[name]]
        field = _member_field(getattr(exc, "field", None), filled)
        errors = {field: formatting.sentences([error_text(exc)])}
        return body_page_view(
            request, session, user, body_id, errors=errors, given=given, status=422,
            failed_member=membership_id,
        )  # fmt: skip
    person = session.get(Person, membership.person_id)
    flash(
        request,
        f"Mitgliedschaft und Stellvertretung von {person.name if person else ''} gespeichert.",
    )
    return redirect(f"/verwaltung/gremien/{body_id}#mitglied-{membership_id}")


@router.post("/verwaltung/gremien/{body_id}/aufgabengebiet")
def set_remit(
    request: Request, body_id: PathId, user: PageUserDep, session: SessionDep, form: PostedForm
) -> Response:
    require_admin(user)
    chosen = [str(v) for v in form.getlist("remit")]
    if any(key not in SUBJECTS for key in chosen):
        errors = {"remit": "Bitte wählen Sie nur Aufgabengebiete aus der Liste."}
        return body_page_view(request, session, user, body_id, errors=errors, status=422)
    try:
        with session.begin_nested():
            body = directory.set_remit(
                session=session, actor=user.actor, body_id=body_id, remit=chosen
            )
    except NotFound:
        raise
    except WorkflowError as exc:
        errors = {"remit": formatting.sentences([error_text(exc)])}
        return body_page_view(request, session, user, body_id, errors=errors, status=422)
    flash(request, f"Das Aufgabengebiet des Gremiums „{body.name}“ wurde gespeichert.")
    return redirect(f"/verwaltung/gremien/{body_id}")


MUNICIPAL_FIELDS = (
    "municipal_status",
    "mayor_title",
    "supervisory_authority_name",
    "monthly_session_reminder_day",
    "invitation_days",
    "announcement_days",
)


@router.post("/verwaltung/gemeinde")
def save_municipal_settings(
    request: Request, user: PageUserDep, session: SessionDep, now: NowDep, form: PostedForm
) -> Response:
    """A mistake shows the page again with the field marked and the input kept (422)."""
    require_admin(user)
    given = {k: str(form.get(k) or "").strip() for k in MUNICIPAL_FIELDS}
    errors: dict[str, str] = {}
    status, day, invitation = (
        given["municipal_status"] or "gemeinde",
        given["monthly_session_reminder_day"],
        given["invitation_days"],
    )
    if status not in STATUSES:
        errors["municipal_status"] = "Bitte wählen Sie den Status aus der Liste."
    if given["mayor_title"] and given["mayor_title"] not in MAYOR_TITLES:
        errors["mayor_title"] = "Bitte wählen Sie die Amtsbezeichnung aus der Liste."
    if len(given["supervisory_authority_name"]) > 200:
        errors["supervisory_authority_name"] = "Bitte höchstens 200 Zeichen eingeben."
    reminder_day = as_number(day, high=99)
    if reminder_day is None:
        errors["monthly_session_reminder_day"] = DAY_MESSAGE
    invitation_days = as_number(invitation, high=999)
    if invitation_days is None:
        errors["invitation_days"] = "Bitte geben Sie die Einladungsfrist in Tagen an (7 bis 30)."
    announcement_days = as_number(given["announcement_days"] or "0", high=999)
    if announcement_days is None:
        errors["announcement_days"] = (
            "Bitte geben Sie die Tage vor der Sitzung an (0 bis 30; 0: ohne Vorgabe)."
        )
    if not errors:
        try:
            with session.begin_nested():
                saved = municipal_settings.update_settings(
                    session=session,
                    actor=user.actor,
                    now=now,
                    municipal_status=status,
                    mayor_title=given["mayor_title"] if "mayor_title" in form else None,
                    supervisory_authority_name=given["supervisory_authority_name"],
                    pre_deliberation_on_request=form.get("pre_deliberation_on_request") == "ja",
                    monthly_session_reminder_day=reminder_day,
                    invitation_days=invitation_days,
                    announcement_days=announcement_days,
                )
        except InvalidInput as exc:
            errors[exc.field or "municipal_status"] = formatting.sentences([error_text(exc)])
    if errors:
        return _overview(request, session, user, errors=errors, given=given, status=422)
    flash(
        request,
        "Die Einstellungen der Gemeinde wurden gespeichert. Rechtsaufsichtsbehörde: "
        f"{saved.supervisory_authority.name}.",
    )
    return redirect("/verwaltung#gemeinde")
