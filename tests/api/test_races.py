"""Races on every write route: concurrent identical requests get one winner and 409s, never 5xx.

Each step of a Vorlage's and a meeting's life is sent by several clients at once with the same
``expected_version`` (as a double click or two clerks would); on PostgreSQL the losers meet the
optimistic version check at whichever flush writes the versioned row first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import FastAPI
from sqlmodel import select

from tests.api.conftest import FixedClock
from tests.api.test_decision_requests import BODY as REQUEST_BODY
from tests.api.test_decision_requests import delegate
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World, berlin, known
from tests.integration.flow import DAY, MEETING_DAY, invited, new_meeting, new_proposal
from tests.parallel import run_parallel
from workflow.models import (
    AgendaItem,
    BodyDeputy,
    Deadline,
    FactionMember,
    Notification,
    OutboxMessage,
)

RACERS = 6
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class Racer:
    def __init__(self, client: Any, as_user: Any) -> None:
        self.client = client
        self.as_user = as_user
        self.raced: set[tuple[str, str]] = set()

    def version(self, path: str, user: str = "ilsfeld.secretary") -> int:
        return int(self.client.get(path, headers=self.as_user(user)).json()["version"])

    def run(
        self,
        template: str,
        method: str,
        path: str,
        user: str | None,
        body: Callable[[int], Any] | Any = None,
        *,
        params: dict[str, Any] | None = None,
        form: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> list[Any]:
        """Send ``RACERS`` requests at once; none may fail with 5xx."""
        self.raced.add((method, template))

        def go(i: int) -> Any:
            return self.client.request(
                method,
                path,
                json=body(i) if callable(body) else body,
                data=form,
                files=files,
                params=params,
                headers=self.as_user(user),
            )

        results = run_parallel(RACERS, go)
        for r in results:
            assert not isinstance(r, Exception), r
            assert r.status_code < 500, (method, path, r.status_code, r.text)
            if r.status_code >= 400:
                assert r.headers["content-type"] == "application/problem+json", r.text
        return results

    def one_winner(self, *args: Any, **kwargs: Any) -> Any:
        """Same version for all: exactly one succeeds, the others are told of the conflict."""
        results = self.run(*args, **kwargs)
        codes = sorted(r.status_code for r in results)
        assert codes[0] in (200, 201), (args[0], [r.text for r in results])
        assert codes[1:] == [409] * (RACERS - 1), (args[0], codes, [r.text for r in results])
        return next(r for r in results if r.status_code in (200, 201)).json()

    def some_win(self, *args: Any, **kwargs: Any) -> list[Any]:
        """Independent writes (creations): at least one succeeds, the rest 2xx or 409."""
        results = self.run(*args, **kwargs)
        assert any(r.status_code in (200, 201) for r in results), [r.text for r in results]
        assert all(r.status_code in (200, 201, 409) for r in results), [r.text for r in results]
        return [r.json() for r in results if r.status_code in (200, 201)]


def _write_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every write operation the app documents (its OpenAPI paths)."""
    return {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
        if method.upper() in WRITES
    }


def test_every_write_route_has_one_winner(
    world: World, app: FastAPI, client: Any, as_user: Any, clock: FixedClock
) -> None:
    race = Racer(client, as_user)
    council = world.body_id("Gemeinderat")
    clock.now = berlin(DAY, 9)

    # --- the Vorlage until its release
    drafts = race.some_win(
        "/api/v1/proposals",
        "POST",
        "/api/v1/proposals",
        "ilsfeld.clerk",
        {
            "title": "Sanierung Kindergarten",
            "resolution_text": "Der Gemeinderat stimmt zu.",
            "proposal_date": DAY.isoformat(),
            "municipality_id": world.data.ilsfeld.municipality.id,
        },
    )
    assert len({d["label"] for d in drafts}) == len(drafts) == RACERS  # gap-free, no twins
    pid = new_proposal(world)
    p = f"/api/v1/proposals/{pid}"
    t = "/api/v1/proposals/{proposal_id}"
    v = race.version(p, "ilsfeld.clerk")
    race.one_winner(
        t, "PATCH", p, "ilsfeld.clerk", lambda i: {"title": f"Neubau {i}", "expected_version": v}
    )
    steps = [{"body_id": council, "planned_date": MEETING_DAY.isoformat(), "decides": True}]
    v = race.version(p, "ilsfeld.clerk")
    race.one_winner(
        t + "/consultation-plan",
        "PUT",
        f"{p}/consultation-plan",
        "ilsfeld.clerk",
        {"steps": steps, "expected_version": v},
    )

    def fire(path: str, template: str, user: str, trigger: str, **extra: Any) -> Any:
        version = race.version(path, user)
        return race.one_winner(
            template + "/transitions",
            "POST",
            f"{path}/transitions",
            user,
            {"trigger": trigger, "expected_version": version, **extra},
        )

    fire(p, t, "ilsfeld.clerk", "submit", data={"cosigners": ["ilsfeld.head"]})
    fire(p, t, "ilsfeld.head", "cosign")
    fire(p, t, "ilsfeld.mayor", "release")

    # --- the meeting: agenda, invitation, session, votes, minutes
    created = race.some_win(
        "/api/v1/meetings",
        "POST",
        "/api/v1/meetings",
        "ilsfeld.secretary",
        lambda i: {"body_id": council, "meeting_date": date(2024, 4, 23 + i % 2).isoformat()},
    )
    mid, other = created[0]["id"], created[-1]["id"]
    m = f"/api/v1/meetings/{mid}"
    tm = "/api/v1/meetings/{meeting_id}"
    moved = date(2024, 5, 14).isoformat()
    race.one_winner(
        tm + "/reschedule",
        "POST",
        f"/api/v1/meetings/{other}/reschedule",
        "ilsfeld.secretary",
        {
            "meeting_date": moved,
            "reason": "Saal belegt",
            "expected_version": race.version(f"/api/v1/meetings/{other}"),
        },
    )
    items = tm + "/agenda-items"
    item = race.one_winner(
        items,
        "POST",
        f"{m}/agenda-items",
        "ilsfeld.secretary",
        {"proposal_id": pid, "expected_version": race.version(m)},
    )["id"]
    free: dict[str, int] = {}
    for title in ("Bekanntgaben", "Wahl der Stellvertretung", "Anfragen"):
        free[title] = race.one_winner(
            items,
            "POST",
            f"{m}/agenda-items",
            "ilsfeld.secretary",
            {"title": title, "expected_version": race.version(m)},
        )["id"]
    race.one_winner(
        tm + "/agenda-order",
        "PUT",
        f"{m}/agenda-order",
        "ilsfeld.secretary",
        {"item_ids": [item, *free.values()], "expected_version": race.version(m)},
    )
    race.one_winner(
        items + "/{item_id}",
        "DELETE",
        f"{m}/agenda-items/{free['Anfragen']}",
        "ilsfeld.secretary",
        params={"expected_version": race.version(m)},
    )
    fire(m, tm, "ilsfeld.secretary", "set_agenda")
    fire(m, tm, "ilsfeld.mayor", "invite")

    clock.now = berlin(MEETING_DAY, 19)
    members = client.get(
        f"/api/v1/bodies/{council}/memberships", headers=as_user("ilsfeld.secretary")
    ).json()["data"]
    present = sorted(x["person_id"] for x in members if x["voting"])
    race.one_winner(
        tm + "/attendance",
        "PUT",
        f"{m}/attendance",
        "ilsfeld.secretary",
        {"present": present, "expected_version": race.version(m)},
    )
    fire(m, tm, "ilsfeld.mayor", "open_session")
    bias = f"{m}/agenda-items/{item}/bias-declarations"
    declaration = race.one_winner(
        items + "/{item_id}/bias-declarations",
        "POST",
        bias,
        "ilsfeld.secretary",
        {
            "person_id": present[3],
            "reason": "Bruder ist Bieter",
            "doubtful": True,
            "expected_version": race.version(m),
        },
    )["id"]
    deciders = [x for x in present if x != present[3]]
    race.one_winner(
        items + "/{item_id}/bias-declarations/{declaration_id}/decision",
        "POST",
        f"{bias}/{declaration}/decision",
        "ilsfeld.secretary",
        {
            "votes": [{"person_id": x, "choice": "no"} for x in deciders],
            "expected_version": race.version(m),
        },
    )
    motion = race.one_winner(
        items + "/{item_id}/motions",
        "POST",
        f"{m}/agenda-items/{item}/motions",
        "ilsfeld.secretary",
        {
            "kind": "amendment",
            "mover": "Fraktion FWV",
            "text": "Der Gemeinderat stimmt zu, mit Dachbegrünung.",
            "expected_version": race.version(m),
        },
    )["id"]
    race.one_winner(
        items + "/{item_id}/motions/{motion_id}/vote",
        "POST",
        f"{m}/agenda-items/{item}/motions/{motion}/vote",
        "ilsfeld.secretary",
        {"yes": len(deciders) - 1, "no": 1, "expected_version": race.version(m)},
    )
    race.one_winner(
        items + "/{item_id}/vote-counts",
        "PUT",
        f"{m}/agenda-items/{item}/vote-counts",
        "ilsfeld.secretary",
        {"yes": len(deciders), "no": 0, "expected_version": race.version(m)},
    )
    race.one_winner(
        items + "/{item_id}/attendance",
        "POST",
        f"{m}/agenda-items/{free['Bekanntgaben']}/attendance",
        "ilsfeld.secretary",
        {
            "person_id": present[-1],
            "present": False,
            "only_item": True,
            "expected_version": race.version(m),
        },
    )
    race.one_winner(
        items + "/{item_id}/late-paper",
        "POST",
        f"{m}/agenda-items/{free['Bekanntgaben']}/late-paper",
        "ilsfeld.secretary",
        {"expected_version": race.version(m)},
    )
    race.one_winner(  # the item's chair back to the rule (§ 48 Abs. 1 GemO): one write
        items + "/{item_id}/chair",
        "PUT",
        f"{m}/agenda-items/{free['Bekanntgaben']}/chair",
        "ilsfeld.secretary",
        {"person_id": None, "expected_version": race.version(m)},
    )
    voters = [{"person_id": x, "choice": "yes"} for x in deciders]
    race.one_winner(
        items + "/{item_id}/votes",
        "PUT",
        f"{m}/agenda-items/{item}/votes",
        "ilsfeld.secretary",
        {"votes": voters, "expected_version": race.version(m)},
    )
    race.one_winner(
        items + "/{item_id}/deliberation-notes",
        "PUT",
        f"{m}/agenda-items/{item}/deliberation-notes",
        "ilsfeld.secretary",
        lambda i: {"deliberation_notes": f"Wortmeldung {i}", "expected_version": race.version(m)},
    )
    race.one_winner(
        items + "/{item_id}/outcome",
        "POST",
        f"{m}/agenda-items/{free['Bekanntgaben']}/outcome",
        "ilsfeld.secretary",
        {"outcome": "noted", "expected_version": race.version(m)},
    )
    elections = tm + "/elections"
    election = race.one_winner(
        elections,
        "POST",
        f"{m}/elections",
        "ilsfeld.secretary",
        {
            "agenda_item_id": free["Wahl der Stellvertretung"],
            "title": "Stellvertretung",
            "expected_version": race.version(m),
        },
    )["id"]
    candidate = race.one_winner(
        elections + "/{election_id}/candidates",
        "POST",
        f"{m}/elections/{election}/candidates",
        "ilsfeld.secretary",
        {"name": "Erika Muster", "expected_version": race.version(m)},
    )["id"]
    race.one_winner(
        elections + "/{election_id}/rounds",
        "POST",
        f"{m}/elections/{election}/rounds",
        "ilsfeld.secretary",
        {
            "counts": [{"candidate_id": candidate, "votes": len(present)}],
            "voters": present,
            "expected_version": race.version(m),
        },
    )
    handled = client.post(
        f"{m}/agenda-items/{free['Wahl der Stellvertretung']}/outcome",
        json={"outcome": "handled", "expected_version": race.version(m)},
        headers=as_user("ilsfeld.secretary"),
    )
    assert handled.status_code == 200, handled.text
    fire(p, t, "ilsfeld.secretary", "adopt")
    fire(m, tm, "ilsfeld.mayor", "close_session")
    race.one_winner(
        tm + "/minutes-signatures",
        "POST",
        f"{m}/minutes-signatures",
        "ilsfeld.secretary",
        {
            "person_id": world["ilsfeld.mayor"].person_id,
            "capacity": "chair",
            "expected_version": race.version(m),
        },
    )

    # --- Vollzug, deadlines, notifications, outbox
    fire(p, t, "ilsfeld.mayor", "waive_objection")
    task = race.some_win(
        t + "/execution-tasks",
        "POST",
        f"{p}/execution-tasks",
        "ilsfeld.secretary",
        {"title": "Auftrag vergeben"},
    )[0]["id"]
    race.one_winner(
        "/api/v1/execution-tasks/{task_id}/close",
        "POST",
        f"/api/v1/execution-tasks/{task}/close",
        "ilsfeld.secretary",
        {"status": "done"},
    )

    def first(model: Any, *where: Any) -> int:
        found: int | None = world.run(lambda s: s.exec(select(model.id).where(*where)).first())
        return known(found)

    deadline = first(Deadline, Deadline.status == "open", Deadline.rule == "publication")
    race.one_winner(
        "/api/v1/deadlines/{deadline_id}/waive",
        "POST",
        f"/api/v1/deadlines/{deadline}/waive",
        "ilsfeld.mayor",
        {"reason": "Bekanntmachung bereits im Amtsblatt"},
    )

    def notify(session: Any) -> int:
        note = Notification(
            user_id=world["ilsfeld.clerk"].user_id or 0,
            key="race:note",
            kind="reminder",
            title="Frist",
            body="Bitte beachten.",
            created_at=clock.now,
        )
        message = OutboxMessage(
            key="race:dead",
            user_id=world["ilsfeld.clerk"].user_id,
            to_address="ilsfeld.clerk@example.org",
            subject="Erinnerung",
            body="Bitte beachten.",
            status="dead",
            attempts=5,
        )
        session.add(note)
        session.add(message)
        session.flush()
        return int(note.id or 0)

    note = world.run(notify)
    race.some_win(
        "/api/v1/notifications/{notification_id}/read",
        "POST",
        f"/api/v1/notifications/{note}/read",
        "ilsfeld.clerk",
    )
    message = first(OutboxMessage, OutboxMessage.key == "race:dead")
    race.one_winner(
        "/api/v1/outbox/{message_id}/requeue", "POST", f"/api/v1/outbox/{message}/requeue", "admin"
    )

    # --- Umlaufverfahren (§ 37 Abs. 1 S. 2 GemO)
    clock.now = berlin(DAY, 9)
    circulated = new_proposal(world, title="Zuschuss Musikverein")
    c = f"/api/v1/proposals/{circulated}"
    for user, trigger, extra in (
        ("ilsfeld.clerk", "submit", {"data": {"cosigners": ["ilsfeld.head"]}}),
        ("ilsfeld.head", "cosign", {}),
        ("ilsfeld.mayor", "release", {}),
        ("ilsfeld.mayor", "circulate", {"data": {"simple_matter": True}}),
    ):
        fire(c, t, user, trigger, **extra)
    race.one_winner(
        t + "/circulation/replies",
        "POST",
        f"{c}/circulation/replies",
        "ilsfeld.council",
        {"choice": "consent", "expected_version": race.version(c, "ilsfeld.council")},
    )

    # --- the district's decision requests and Ilsfeld's answers
    requests = "/api/v1/decision-requests"
    created = race.some_win(
        requests, "POST", requests, "lra.coordinator", {**REQUEST_BODY, "amounts": {}}
    )
    created += [client.post(requests, json=REQUEST_BODY, headers=as_user("lra.coordinator")).json()]
    tr = "/api/v1/decision-requests/{request_id}"
    ilsfeld = world.data.ilsfeld.municipality.id
    answers = []
    for request in (created[0]["id"], created[-1]["id"]):
        r = f"{requests}/{request}"
        fire(r, tr, "lra.coordinator", "send")
        listed = client.get(f"{r}/responses", headers=as_user("ilsfeld.clerk")).json()["data"]
        answers += [x["id"] for x in listed if x["municipality_id"] == ilsfeld]
    ta = "/api/v1/decision-responses/{response_id}"
    race.some_win(  # each call drafts a Vorlage and links the latest, as one after another
        ta + "/proposal",
        "POST",
        f"/api/v1/decision-responses/{answers[0]}/proposal",
        "ilsfeld.clerk",
        {"option": "belassen", "body_id": council},
    )
    delegate(world, "Ilsfeld")
    fire(f"/api/v1/decision-responses/{answers[1]}", ta, "ilsfeld.mayor", "answer",
         data={"option": "belassen"})  # fmt: skip

    # --- administration, sign-in, calendar
    race.some_win(
        "/api/v1/users",
        "POST",
        "/api/v1/users",
        "admin",
        {
            "username": "ilsfeld.neu",
            "full_name": "Nora Neu",
            "role": "clerk",
            "password": "ein langes Passwort",
        },
    )
    users = client.get("/api/v1/users", headers=as_user("admin"), params={"limit": 200}).json()
    neu = next(u["id"] for u in users["data"] if u["username"] == "ilsfeld.neu")
    race.some_win(  # idempotent
        "/api/v1/users/{user_id}/disable", "POST", f"/api/v1/users/{neu}/disable", "admin"
    )
    race.some_win(  # idempotent
        "/api/v1/users/{user_id}/enable", "POST", f"/api/v1/users/{neu}/enable", "admin"
    )
    race.some_win(  # the same correction twice: both hold
        "/api/v1/users/{user_id}",
        "PUT",
        f"/api/v1/users/{neu}",
        "admin",
        {"full_name": "Nele Neu", "email": "nele.neu@ilsfeld.de"},
    )
    body = race.some_win(
        "/api/v1/bodies",
        "POST",
        "/api/v1/bodies",
        "admin",
        {"name": "Jugendgemeinderat", "kind": "advisory_committee"},
    )[0]["id"]
    race.some_win(
        "/api/v1/bodies/{body_id}/remit",
        "PUT",
        f"/api/v1/bodies/{body}/remit",
        "admin",
        {"remit": []},
    )
    race.some_win(
        "/api/v1/bodies/{body_id}/rules",
        "PUT",
        f"/api/v1/bodies/{body}/rules",
        "admin",
        {"motion_order": ["counter", "amendment"]},
    )
    race.some_win(
        "/api/v1/bodies/{body_id}/memberships",
        "POST",
        f"/api/v1/bodies/{body}/memberships",
        "admin",
        {"person_id": world["ilsfeld.council"].person_id},
    )
    race.some_win(  # the same address given twice at once: both hold, one address stays
        "/api/v1/persons/{person_id}",
        "PUT",
        f"/api/v1/persons/{world.data.ilsfeld.councillors[1].id}",
        "admin",
        {"name": world.data.ilsfeld.councillors[1].name, "email": "bernd@ilsfeld.de"},
    )
    race.some_win(
        "/api/v1/auth/token",
        "POST",
        "/api/v1/auth/token",
        None,
        form={"username": "ilsfeld.clerk", "password": "demo"},
    )
    # The holder's own change sent several times at once: one changes it; a request that
    # comes after its commit finds the token ended with the old password (401), never a 500.
    changed = race.run(
        "/api/v1/auth/me/password",
        "POST",
        "/api/v1/auth/me/password",
        "flein.clerk",
        {"current_password": "demo", "new_password": "Rathaus-Flein-2026"},
    )
    codes = sorted(r.status_code for r in changed)
    assert codes[0] == 200, [r.text for r in changed]
    assert set(codes) <= {200, 401, 409}, [r.text for r in changed]
    race.some_win(
        "/api/v1/auth/me/calendar-token", "POST", "/api/v1/auth/me/calendar-token", "ilsfeld.clerk"
    )

    # --- attachments: the same file uploaded at once is stored once per upload, never a 500;
    # a deletion has one winner, the others find nothing left to delete.
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    draft = new_proposal(world)
    uploads = race.some_win(
        "/api/v1/proposals/{proposal_id}/attachments",
        "POST",
        f"/api/v1/proposals/{draft}/attachments",
        "ilsfeld.clerk",
        form={"public": "true"},
        files={"file": ("Anlage.pdf", pdf, "application/pdf")},
    )
    planned = client.post(
        "/api/v1/meetings",
        json={"body_id": council, "meeting_date": date(2024, 6, 4).isoformat()},
        headers=as_user("ilsfeld.secretary"),
    )
    assert planned.status_code == 201, planned.text
    race.some_win(
        "/api/v1/meetings/{meeting_id}/attachments",
        "POST",
        f"/api/v1/meetings/{planned.json()['id']}/attachments",
        "ilsfeld.secretary",
        form={"public": "true"},
        files={"file": ("Anlage.pdf", pdf, "application/pdf")},
    )
    deleted = race.run(
        "/api/v1/attachments/{attachment_id}",
        "DELETE",
        f"/api/v1/attachments/{uploads[0]['id']}",
        "ilsfeld.clerk",
    )
    codes = sorted(r.status_code for r in deleted)
    assert codes[0] == 204, codes
    assert set(codes[1:]) <= {404, 409}, codes

    # --- Stellvertretung and the review's settings: concurrent writes each end in 2xx or a
    # told conflict (the audit chain of the user, body, municipality or meeting serializes).
    user_id = world.data.users["ilsfeld.head"].id
    deputy_id = world.data.users["ilsfeld.finance"].id
    race.some_win(
        "/api/v1/users/{user_id}/deputies",
        "PUT",
        f"/api/v1/users/{user_id}/deputies",
        "admin",
        {"deputy_ids": [deputy_id]},
    )
    absences = race.some_win(
        "/api/v1/users/{user_id}/absences",
        "POST",
        f"/api/v1/users/{user_id}/absences",
        "ilsfeld.head",
        {"starts_on": "2024-07-01", "ends_on": "2024-07-12"},
    )
    gone = race.run(
        "/api/v1/absences/{absence_id}",
        "DELETE",
        f"/api/v1/absences/{absences[0]['id']}",
        "ilsfeld.head",
    )
    codes = sorted(r.status_code for r in gone)
    assert codes[0] == 204, codes
    assert set(codes[1:]) <= {404, 409}, codes
    race.some_win(
        "/api/v1/municipality/settings",
        "PATCH",
        "/api/v1/municipality/settings",
        "admin",
        lambda i: {"monthly_session_reminder_day": i + 1},
    )
    seats = client.get(f"/api/v1/bodies/{body}/memberships", headers=as_user("admin")).json()
    seat = next(s for s in seats["data"] if s["role"] == "member")
    race.some_win(
        "/api/v1/bodies/{body_id}/members/{person_id}/deputies",
        "PUT",
        f"/api/v1/bodies/{body}/members/{seat['person_id']}/deputies",
        "admin",
        {"deputy_person_ids": [world["ilsfeld.secretary"].person_id]},
    )
    race.some_win(
        "/api/v1/bodies/{body_id}/memberships/{membership_id}/dates",
        "PUT",
        f"/api/v1/bodies/{body}/memberships/{seat['id']}/dates",
        "admin",
        lambda i: {"end_date": f"2030-01-{i + 1:02d}"},
    )
    objections = race.some_win(
        "/api/v1/meetings/{meeting_id}/minutes/objections",
        "POST",
        f"{m}/minutes/objections",
        "ilsfeld.council",
        {"text": "Meine Wortmeldung fehlt"},
    )
    decided = race.run(
        "/api/v1/minutes-objections/{objection_id}/decision",
        "POST",
        f"/api/v1/minutes-objections/{objections[0]['id']}/decision",
        "ilsfeld.secretary",
        {"upheld": True, "decided_in_meeting_id": mid},
    )
    codes = sorted(r.status_code for r in decided)
    assert codes[0] == 200, [r.text for r in decided]
    assert codes[1:] == [409] * (len(codes) - 1), [r.text for r in decided]
    # --- § 41b GemO: redaction marks and the municipality's switch; the announcements of
    # non-public resolutions (none pending here: every racer is refused alike, never a 500).
    race.some_win(
        "/api/v1/proposals/{proposal_id}/publication",
        "PUT",
        f"/api/v1/proposals/{draft}/publication",
        "ilsfeld.secretary",
        {"redactions": {"facts": "personal_data"}},
    )
    race.some_win(
        "/api/v1/municipality/publication",
        "PUT",
        "/api/v1/municipality/publication",
        "admin",
        {"publishes_online": True},
    )
    meeting_path = f"/api/v1/meetings/{planned.json()['id']}"
    announced = race.run(
        "/api/v1/meetings/{meeting_id}/announcements",
        "POST",
        f"{meeting_path}/announcements",
        "ilsfeld.secretary",
        {"resolution_ids": [1], "expected_version": race.version(meeting_path)},
    )
    assert {r.status_code for r in announced} <= {200, 409, 422}
    confirmed = race.run(
        "/api/v1/meetings/{meeting_id}/announcements/confirm",
        "POST",
        f"{meeting_path}/announcements/confirm",
        "ilsfeld.secretary",
    )
    assert {r.status_code for r in confirmed} == {409}
    withheld = race.run(
        "/api/v1/meetings/{meeting_id}/announcements/{resolution_id}/withheld",
        "PUT",
        f"{meeting_path}/announcements/1/withheld",
        "ilsfeld.secretary",
        {"reason": "Berechtigtes Interesse des Verkäufers"},
    )
    assert {r.status_code for r in withheld} <= {404, 409}, [r.text for r in withheld]
    resumed = race.run(
        "/api/v1/meetings/{meeting_id}/announcements/{resolution_id}/withheld",
        "DELETE",
        f"{meeting_path}/announcements/1/withheld",
        "ilsfeld.secretary",
    )
    assert {r.status_code for r in resumed} <= {404, 409}, [r.text for r in resumed]
    # --- the Rechtmäßigkeitsnachweis's facts: the ortsübliche Bekanntgabe is an audit event of
    # the meeting (each racer appends one, serialized by the chain), the Bekanntgabe of a
    # resolution likewise; told refusals only, never a 500.
    noticed = race.run(
        "/api/v1/meetings/{meeting_id}/announcement",
        "POST",
        f"{m}/announcement",
        "ilsfeld.secretary",
        {"announced_on": "2024-04-01", "medium": "Mitteilungsblatt"},
    )
    assert {r.status_code for r in noticed} <= {200, 201, 409, 422}, [r.text for r in noticed]
    told = race.run(
        "/api/v1/resolutions/{resolution_id}/announcement",
        "POST",
        "/api/v1/resolutions/1/announcement",
        "ilsfeld.secretary",
        {"meeting_id": mid},
    )
    assert {r.status_code for r in told} <= {200, 201, 404, 409, 422}, [r.text for r in told]

    # --- councillors' requests (§ 34 Abs. 1 S. 3-6 GemO): each step once, whoever is first.
    requests = "/api/v1/council-requests"
    signers = [p.id for p in world.data.ilsfeld.councillors[:4]]
    created = race.some_win(
        requests,
        "POST",
        requests,
        "ilsfeld.secretary",
        lambda i: {
            "body_id": council,
            "kind": "faction_motion",
            "faction": f"Fraktion {i}",
            "subject": f"Antrag {i}",
            "signer_person_ids": signers,
        },
    )
    taken, scheduled, refused, settled = (r["id"] for r in created[:4])
    next_session = new_meeting(world, day=date(2030, 6, 4))
    for template, rid, user, body in (
        ("/take-over", taken, "ilsfeld.clerk", {}),
        ("/schedule", scheduled, "ilsfeld.secretary", {"meeting_id": next_session}),
        ("/refuse", refused, "ilsfeld.mayor", {"ground": "other", "reason": "unzulässig"}),
        ("/settle", settled, "ilsfeld.mayor", {"note": "erledigt"}),
    ):
        results = race.run(
            requests + "/{request_id}" + template,
            "POST",
            f"{requests}/{rid}{template}",
            user,
            body,
        )
        codes = sorted(r.status_code for r in results)
        assert codes[0] == 200, (template, [r.text for r in results])
        assert codes[1:] == [409] * (RACERS - 1), (template, [r.text for r in results])

    # --- Fraktionen (§ 32a GemO): one name among the current ones, each change on its version.
    factions = "/api/v1/factions"
    fraktion = race.one_winner(
        factions, "POST", factions, "ilsfeld.secretary", {"name": "Freie Wähler"}
    )
    f = f"{factions}/{fraktion['id']}"
    ft = factions + "/{faction_id}"
    members = [{"person_id": p, "role": "member"} for p in signers[:2]]
    for template, method, path, body in (
        (ft + "/members", "PUT", f + "/members", {"members": members}),
        (ft, "PUT", f, {"name": "Freie Wählervereinigung"}),
        (ft + "/dissolve", "POST", f + "/dissolve", {}),
    ):
        v = race.version(f)
        race.one_winner(
            template, method, path, "ilsfeld.secretary", {**body, "expected_version": v}
        )

    # --- Mitteilung möglicher Befangenheit (§ 18 Abs. 4 GemO): one per member and item.
    notice_meeting = new_meeting(world, day=date(2030, 7, 2))
    world.run(
        lambda s: s.add(AgendaItem(meeting_id=notice_meeting, position=1, title="Bekanntgaben"))
    )
    invited(world, notice_meeting)
    [notice_item] = world.run(
        lambda s: list(s.exec(select(AgendaItem.id).where(AgendaItem.meeting_id == notice_meeting)))
    )
    nt = "/api/v1/meetings/{meeting_id}/agenda-items/{item_id}/bias-notice"
    notice_url = f"/api/v1/meetings/{notice_meeting}/agenda-items/{notice_item}/bias-notice"
    race.one_winner(nt, "POST", notice_url, "ilsfeld.council", {"reason": "Schwager"})
    withdrawn = race.run(nt, "DELETE", notice_url, "ilsfeld.council")
    codes = sorted(r.status_code for r in withdrawn)
    assert codes == [204] + [404] * (RACERS - 1), [r.text for r in withdrawn]

    writes = _write_routes(app)
    assert len(writes) > 30
    missing = writes - race.raced
    assert not missing, f"write routes without a race: {sorted(missing)}"


def test_one_fraktion_per_councillor_when_fraktionen_change_at_once(
    world: World, client: Any, as_user: Any
) -> None:
    """Each racer seats the same councillor in a different Fraktion: no version check stands
    between them, only the database's index on the current seats (§ 32a GemO, migration
    0030). One wins; the others get the service's German refusal (409 on the API, the
    form's error summary on the screen), never a 5xx or a second seat."""
    secretary = as_user("ilsfeld.secretary")
    factions = "/api/v1/factions"
    formed = []
    for i in range(RACERS):
        created = client.post(factions, json={"name": f"Fraktion {i}"}, headers=secretary)
        assert created.status_code == 201, created.text
        formed.append(created.json())
    anna, bernd = (p.id for p in world.data.ilsfeld.councillors[:2])

    def seat(i: int) -> Any:
        return client.put(
            f"{factions}/{formed[i]['id']}/members",
            json={"members": [{"person_id": anna}], "expected_version": formed[i]["version"]},
            headers=secretary,
        )

    results = run_parallel(RACERS, seat)
    assert not [r for r in results if isinstance(r, Exception)], results
    codes = sorted(r.status_code for r in results)
    assert codes == [200] + [409] * (RACERS - 1), [r.text for r in results]
    winner = next(r.json()["name"] for r in results if r.status_code == 200)
    for lost in (r for r in results if r.status_code == 409):
        assert lost.headers["content-type"] == "application/problem+json"
        assert lost.json()["detail"] == (
            f"Bereits Mitglied einer anderen Fraktion: Anna Bauer ({winner})"
        )
    seats = world.run(
        lambda s: s.exec(select(FactionMember.id).where(FactionMember.person_id == anna)).all()
    )
    assert len(seats) == 1

    # The same on the screen: the Verwaltung form of each Fraktion, sent at once.
    assert sign_in(client, "ilsfeld.secretary").status_code == 303
    pages = [client.get(f"/verwaltung/fraktionen/{f['id']}").text for f in formed]
    token = csrf_of(pages[0])

    def tick(i: int) -> Any:
        version = pages[i].split('name="version" value="')[1].split('"')[0]
        return client.post(
            f"/verwaltung/fraktionen/{formed[i]['id']}/mitglieder",
            data={"csrf_token": token, "version": version, "person_id": [str(bernd)]},
            follow_redirects=False,
        )

    shown = run_parallel(RACERS, tick)
    assert not [r for r in shown if isinstance(r, Exception)], shown
    assert sorted(r.status_code for r in shown) == [303] + [422] * (RACERS - 1), [
        r.text[-500:] for r in shown
    ]
    for refused in (r for r in shown if r.status_code == 422):
        summary = refused.text.split('id="fehler"')[1].split("</ul>")[0]
        assert "Bereits Mitglied einer anderen Fraktion: Bernd Keller (Fraktion" in summary
    seats = world.run(
        lambda s: s.exec(select(FactionMember.id).where(FactionMember.person_id == bernd)).all()
    )
    assert len(seats) == 1


def test_deputy_lists_replaced_at_once_leave_one_of_them(
    world: World, client: Any, as_user: Any
) -> None:
    """Each racer replaces a user's Stellvertretung (and a member's personal deputies) with
    a different list: whoever wins or is told of the conflict, the list that stays is one
    racer's whole list, never a mix of several (no lost replacement)."""
    # a clerk's deputies are clerks or heads (workflow.deputies.STAND_IN_ROLES): four lists
    # of the two heads
    user_id = world.data.users["ilsfeld.clerk"].id
    head, finance = (world.data.users[n].id for n in ("ilsfeld.head", "ilsfeld.finance"))
    candidates = [[head], [finance], [head, finance], [finance, head]]
    racers = len(candidates)

    def replace_user_deputies(i: int) -> Any:
        return client.put(
            f"/api/v1/users/{user_id}/deputies",
            json={"deputy_ids": candidates[i]},
            headers=as_user("admin"),
        )

    answers = run_parallel(racers, replace_user_deputies, timeout=60)
    assert all(getattr(a, "status_code", None) in (200, 409) for a in answers), answers
    kept = client.get(f"/api/v1/users/{user_id}/deputies", headers=as_user("admin")).json()
    assert [d["user_id"] for d in kept["data"]] in candidates, kept

    body = world.body_id("Gemeinderat")
    seats = client.get(f"/api/v1/bodies/{body}/memberships", headers=as_user("admin")).json()
    member = next(s for s in seats["data"] if s["role"] == "member")["person_id"]
    people = [p.id for p in world.data.ilsfeld.councillors if p.id != member][:racers]

    def replace_member_deputies(i: int) -> Any:
        return client.put(
            f"/api/v1/bodies/{body}/members/{member}/deputies",
            json={"deputy_person_ids": [people[i]]},
            headers=as_user("admin"),
        )

    answers = run_parallel(racers, replace_member_deputies, timeout=60)
    assert all(getattr(a, "status_code", None) in (200, 409) for a in answers), answers
    rows = world.run(
        lambda s: s.exec(
            select(BodyDeputy.deputy_person_id).where(
                BodyDeputy.body_id == body, BodyDeputy.member_person_id == member
            )
        ).all()
    )
    assert len(rows) == 1, rows
