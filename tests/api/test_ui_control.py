"""Fristen, Beschlusskontrolle and the Abfragen pages over HTTP: order, words, refusals,
roles and tenant isolation, through the same services as the JSON API."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from sqlalchemy import event
from sqlmodel import Session, col, select

from tests.api.conftest import FixedClock, TestClient
from tests.api.test_decision_requests import delegate
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import World, berlin
from tests.integration.flow import new_proposal
from tests.integration.test_decisions import decide_in_council, response, send
from tests.integration.test_sweep import run_sweep
from workflow.collation import german_key
from workflow.models import AuditEvent, Deadline, ExecutionTask, Proposal, User
from workflow.services.proposals import close_execution_task


def _done(world: World, task_id: int) -> None:
    """The clerk closes the execution task as done, on 08.04.2024."""
    world.run(
        lambda s: close_execution_task(
            session=s,
            actor=world["ilsfeld.clerk"],
            now=berlin(date(2024, 4, 8), 10),
            task_id=task_id,
            status="done",
            note=None,
        )
    )


def _seed_deadlines(world: World, pid: int) -> None:
    def run(session: Session) -> None:
        town = world.data.ilsfeld.municipality.id
        for rule, label, due, status in (
            ("a", "Frist in der Zukunft", date(2024, 4, 20), "open"),
            ("b", "Längst erledigte Frist", date(2024, 3, 1), "met"),
            ("c", "Versäumte Stellungnahme", date(2024, 4, 1), "open"),
        ):
            session.add(
                Deadline(
                    instance_type="proposal",
                    instance_id=pid,
                    municipality_id=town,
                    rule=rule,
                    label=label,
                    due_date=due,
                    status=status,
                    opened_seq=1,
                )
            )

    world.run(run)


def _rows(html: str) -> list[str]:
    body = html.split('<tbody class="kern-table__body" role="rowgroup">', 1)[1]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r)) for r in body.split("</tr>")[:-1]]


def test_fristen_lists_the_overdue_deadline_first_in_words(
    world: World, client: TestClient
) -> None:
    pid = new_proposal(world)
    _seed_deadlines(world, pid)
    sign_in(client, "ilsfeld.clerk")
    page = client.get("/fristen")
    assert page.status_code == 200
    rows = _rows(page.text)
    labels = [next(w for w in ("Versäumte", "Zukunft", "erledigte") if w in r) for r in rows]
    assert labels == ["Versäumte", "Zukunft", "erledigte"]
    assert "überfällig seit 7 Tagen" in rows[0]
    assert "01.04.2024" in rows[0]
    assert "fällig in 12 Tagen" in rows[1]
    assert "erledigt" in rows[2]
    assert f'href="/vorlagen/{pid}"' in page.text
    assert "davon 1 überfällig" in page.text
    only_open = client.get("/fristen?stand=offen")
    assert "Frist in der Zukunft" in only_open.text
    assert "Versäumte" not in only_open.text
    assert "Versäumte" in client.get("/fristen?stand=ueberfaellig").text
    none = client.get("/fristen?art=meeting&stand=xyz&gremium=999999999999")
    assert none.status_code == 200
    assert "Keine Fristen für diese Auswahl." in none.text


def test_fristen_pages_the_settled_ones_newest_first(world: World, client: TestClient) -> None:
    """Years of settled deadlines are not read for the first page: the open ones whole, then
    50 settled ones, newest first, and a link to the older ones; none twice, none lost."""
    pid = new_proposal(world)
    _seed_deadlines(world, pid)  # one overdue, one open, one met (01.03.2024)

    def settled_one(rule: str, label: str, due: date, status: str) -> Deadline:
        return Deadline(
            instance_type="proposal",
            instance_id=pid,
            municipality_id=world.data.ilsfeld.municipality.id,
            rule=rule,
            label=label,
            due_date=due,
            status=status,
            opened_seq=1,
        )

    def settled(session: Session) -> None:
        for n in range(60):
            due = date(2023, 1, 1) + timedelta(days=n)
            status = "met" if n % 2 else "waived"
            session.add(settled_one(f"old{n}", f"Alte Frist {n:02d}", due, status))

    world.run(settled)
    loaded: list[int] = []

    def count(target: Any, _context: Any) -> None:
        loaded.append(target.id)

    sign_in(client, "ilsfeld.clerk")
    event.listen(Deadline, "load", count)
    try:
        first = client.get("/fristen")
    finally:
        event.remove(Deadline, "load", count)
    assert len(set(loaded)) <= 2 + 51  # the open ones, the page and one to know there is more
    rows = _rows(first.text)
    assert len(rows) == 2 + 50
    assert "Versäumte" in rows[0]
    assert "Zukunft" in rows[1]
    assert "Längst erledigte Frist" in rows[2]  # 01.03.2024: the newest settled one
    assert "Alte Frist 59" in rows[3]
    assert "Alte Frist 11" in rows[-1]
    assert "63 Fristen, davon 1 überfällig" in first.text
    older = re.search(r'href="(/fristen\?[^"]*weiter=[^"]+)">Ältere erledigte Fristen', first.text)
    assert older is not None

    # Settled meanwhile, it joins the list at its front: with a position as the cursor, page
    # two began one row early.
    meanwhile = settled_one("meanwhile", "Eben erledigte Frist", date(2024, 5, 1), "met")
    world.run(lambda session: session.add(meanwhile))
    second = client.get(older.group(1).replace("&amp;", "&"))
    rest = _rows(second.text)
    assert [r for r in rest if "Zukunft" in r or "Versäumte" in r] == []
    assert len(rest) == 11
    assert "Alte Frist 10" in rest[0]  # not "Alte Frist 11" again
    assert "Alte Frist 00" in rest[-1]
    assert "Ältere erledigte Fristen" not in second.text
    assert "Zurück zu den aktuellen Fristen" in second.text
    by_body = client.get(f"/fristen?gremium={world.body_id('Gemeinderat')}")
    assert len(_rows(by_body.text)) == 52  # its current step is in the Gemeinderat
    assert "52 Fristen auf dieser Seite, davon 1 überfällig" in by_body.text  # not counted all
    assert "Ältere erledigte Fristen" in by_body.text
    # A later page says how many it holds; a first page that holds them all counts them.
    last = re.search(r'href="(/fristen\?[^"]*weiter=[^"]+)">Ältere erledigte Fristen', by_body.text)
    assert last is not None
    assert "Fristen auf dieser Seite" in client.get(last.group(1).replace("&amp;", "&")).text
    one_page = client.get(f"/fristen?gremium={world.body_id('Gemeinderat')}&stand=sonstige").text
    status = one_page.split('role="status">')[1].split("</p>")[0]
    assert status == "30 Fristen", status  # the waived ones, all on this page
    assert len(_rows(client.get("/fristen?stand=erledigt").text)) == 32  # 30 old, 01.03., 01.05.
    assert len(_rows(client.get("/fristen?stand=sonstige").text)) == 30  # the waived ones
    tampered = _rows(client.get("/fristen?stand=offen&weiter=kaputt").text)
    assert len(tampered) == 1
    assert "Zukunft" in tampered[0]


def test_a_missed_deadline_done_late_is_settled_not_overdue(
    world: World, client: TestClient, as_user: Any
) -> None:
    """A missed deadline whose instance moved on since (closed: e.g. the Landratsamt applied
    its default to a silent municipality) stays "missed" in the record but is nobody's work:
    not overdue on Fristen, in Meine Aufgaben or the Vorlagen filter; "versäumt,
    abgeschlossen", among the other settled ones."""
    pid = new_proposal(world)

    def seed(session: Session) -> None:
        for rule, label, closed in (
            ("cosigning_reply", "Verspätet abgegebene Stellungnahme", berlin(date(2024, 4, 5), 12)),
            ("cosigning_before_meeting", "Noch fehlende Stellungnahme", None),
        ):
            session.add(
                Deadline(
                    instance_type="proposal",
                    instance_id=pid,
                    municipality_id=world.data.ilsfeld.municipality.id,
                    rule=rule,
                    label=label,
                    due_date=date(2024, 4, 1),
                    status="missed",
                    opened_seq=1,
                    closed_at=closed,
                )
            )

    world.run(seed)
    sign_in(client, "ilsfeld.clerk")
    rows = _rows(client.get("/fristen").text)
    assert "Noch fehlende" in rows[0]
    assert "überfällig seit 7 Tagen" in rows[0]
    assert "Verspätet abgegebene" in rows[1]
    assert "versäumt, abgeschlossen" in rows[1]
    assert "überfällig" not in rows[1]
    page = client.get("/fristen").text
    assert "2 Fristen, davon 1 überfällig" in page
    overdue = client.get("/fristen?stand=ueberfaellig").text
    assert "Noch fehlende" in overdue
    assert "Verspätet abgegebene" not in overdue
    assert "Verspätet abgegebene" in client.get("/fristen?stand=sonstige").text
    assert "Verspätet abgegebene" not in client.get("/fristen?stand=erledigt").text
    sign_in(client, "ilsfeld.head")  # the co-signers' deadlines: his "Meine Fristen"
    home = client.get("/").text
    assert "Noch fehlende Stellungnahme" in home
    assert "Verspätet abgegebene Stellungnahme" not in home
    sign_in(client, "ilsfeld.clerk")

    def late_only(session: Session) -> None:
        missing = session.exec(
            select(Deadline).where(Deadline.rule == "cosigning_before_meeting")
        ).one()
        missing.closed_at = berlin(date(2024, 4, 6), 12)
        session.add(missing)

    overdue_ids = [p["id"] for p in _overdue_proposals(client, as_user)]
    assert pid in overdue_ids
    world.run(late_only)
    assert pid not in [p["id"] for p in _overdue_proposals(client, as_user)]
    detail = client.get(f"/vorlagen/{pid}").text
    assert "versäumt, abgeschlossen" in detail


def _overdue_proposals(client: TestClient, as_user: Any) -> list[dict[str, Any]]:
    answer = client.get("/api/v1/proposals?overdue=true", headers=as_user("ilsfeld.clerk"))
    assert answer.status_code == 200, answer.text
    data: list[dict[str, Any]] = answer.json()["data"]
    return data


def test_fristen_of_another_municipality_stay_hidden(world: World, client: TestClient) -> None:
    _seed_deadlines(world, new_proposal(world))
    sign_in(client, "flein.clerk")
    page = client.get("/fristen")
    assert "Versäumte" not in page.text
    assert "Keine Fristen" in page.text


def _final_with_task(
    world: World, title: str = "Bauauftrag vergeben", owner: str = "ilsfeld.head"
) -> tuple[int, int]:
    pid = new_proposal(world)
    owner_name = owner

    def run(session: Session) -> int:
        proposal = session.get(Proposal, pid)
        assert proposal is not None
        proposal.state = "final"
        owner = session.exec(select(User).where(User.username == owner_name)).one()
        task = ExecutionTask(
            proposal_id=pid, title=title, owner_id=owner.id, target_date=date(2024, 4, 5)
        )
        session.add_all([proposal, task])
        session.flush()
        return int(task.id or 0)

    return pid, int(world.run(run))


def test_a_clerk_closes_an_execution_task_with_a_note(world: World, client: TestClient) -> None:
    pid, task_id = _final_with_task(world)
    sign_in(client, "ilsfeld.clerk")
    page = client.get("/beschlusskontrolle")
    assert "Bauauftrag vergeben" in page.text
    assert "überfällig seit 3 Tagen" in page.text
    assert "05.04.2024" in page.text
    token = csrf_of(page.text)
    url = f"/beschlusskontrolle/{task_id}/abschliessen"
    refused = client.post(url, data={"csrf_token": token, "ergebnis": "not_feasible"})
    assert "Bitte begründen Sie im Vermerk" in refused.text
    done = client.post(
        url, data={"csrf_token": token, "ergebnis": "not_feasible", "vermerk": "Kein Angebot"}
    )
    assert done.status_code == 200
    assert "ist als nicht umsetzbar vermerkt" in done.text
    assert "Vermerk: Kein Angebot" in done.text
    assert world.get(ExecutionTask, task_id).status == "not_feasible"
    with Session(world.engine) as session:
        events = session.exec(
            select(AuditEvent).where(
                AuditEvent.instance_id == pid, AuditEvent.trigger == "close_execution_task"
            )
        ).all()
    assert len(events) == 1
    again = client.post(url, data={"csrf_token": token, "ergebnis": "done"})
    assert "bereits abgeschlossen" in again.text
    assert "Vollzug abschließen" in again.text, "all tasks closed: the next step is offered"
    missing = client.post(
        "/beschlusskontrolle/999999/abschliessen", data={"csrf_token": token, "ergebnis": "done"}
    )
    assert missing.status_code == 404
    assert "nicht gefunden" in missing.text


def test_an_execution_task_is_a_task_of_the_person_responsible(
    world: World, client: TestClient
) -> None:
    """Assigned on the Beschlusskontrolle, the task is in his Meine Aufgaben and Meine
    Fristen with its target date, and the Vorlage names it where it waits for it."""
    pid, task_id = _final_with_task(world, "Zuschussantrag stellen", owner="ilsfeld.clerk")
    link = f'href="/beschlusskontrolle#aufgabe-{task_id}"'
    sign_in(client, "ilsfeld.clerk")
    home = client.get("/").text
    now_ = home.split('id="jetzt"')[1].split('id="wartet"')[0]
    assert "Jetzt zu erledigen (1)" in home
    assert f"{link}>Vollzugsaufgabe: Zuschussantrag stellen</a>" in now_
    assert "Zum Beschluss Vorlage 1/2024: Neubau Bauhof" in now_
    assert "überfällig seit 3 Tagen" in now_
    assert 'id="aufgaben-zahl">1<' in home
    dated = home.split('id="fristen"')[1].split('id="neu"')[0]
    assert f"{link}>Vollzugsaufgabe: Zuschussantrag stellen</a>" in dated
    assert "05.04.2024" in dated
    sign_in(client, "ilsfeld.head")  # not his
    assert "Zuschussantrag stellen" not in client.get("/").text
    page = client.get(f"/vorlagen/{pid}").text
    listed = page.split('id="vollzug"')[1].split("</section>")[0]
    assert f"{link}>Zuschussantrag stellen</a>" in listed
    assert "zuständig: Sven Frank" in listed
    assert "bis 05.04.2024" in listed
    sign_in(client, "flein.clerk")  # another municipality reads its public page only
    assert 'id="vollzug"' not in client.get(f"/vorlagen/{pid}").text
    _done(world, task_id)
    sign_in(client, "ilsfeld.clerk")
    assert "Zuschussantrag stellen" not in client.get("/").text
    # done, the task is no longer listed; the section offers the next one
    listed = client.get(f"/vorlagen/{pid}").text.split('id="vollzug"')[1].split("</section>")[0]
    assert "Zuschussantrag stellen" not in listed
    assert "Zu diesem Beschluss ist keine Vollzugsaufgabe offen." in listed


def test_councillors_read_the_control_but_change_nothing(world: World, client: TestClient) -> None:
    _, task_id = _final_with_task(world)
    sign_in(client, "ilsfeld.council")
    page = client.get("/beschlusskontrolle")
    assert "Bauauftrag vergeben" in page.text
    assert "/abschliessen" not in page.text
    answer = client.post(
        f"/beschlusskontrolle/{task_id}/abschliessen",
        data={"csrf_token": csrf_of(page.text), "ergebnis": "done"},
    )
    assert "nur möglich für" in answer.text
    assert world.get(ExecutionTask, task_id).status == "open"
    sign_in(client, "flein.clerk")
    assert "Bauauftrag vergeben" not in client.get("/beschlusskontrolle").text


def test_a_clerk_adds_an_execution_task(world: World, client: TestClient) -> None:
    pid, _ = _final_with_task(world)
    sign_in(client, "ilsfeld.clerk")
    token = csrf_of(client.get("/beschlusskontrolle").text)
    bad = client.post(
        "/beschlusskontrolle",
        data={"csrf_token": token, "vorlage": str(pid), "titel": "", "zieldatum": "31.02.2024"},
    )
    assert bad.status_code == 422
    assert "Bitte beschreiben Sie die Aufgabe." in bad.text
    # the example lies six weeks after today (the clock's 08.04.2024), not a fixed day
    assert "Bitte geben Sie das Zieldatum als Datum an, z. B. 20.05.2024." in bad.text
    made = client.post(
        "/beschlusskontrolle",
        data={
            "csrf_token": token,
            "vorlage": str(pid),
            "titel": "Zuschuss beantragen",
            "zieldatum": "30.06.2024",
        },  # fmt: skip
    )
    assert "Die Vollzugsaufgabe „Zuschuss beantragen“ wurde angelegt." in made.text
    assert "30.06.2024" in made.text
    with Session(world.engine) as session:
        titles = session.exec(
            select(ExecutionTask.title).where(col(ExecutionTask.proposal_id) == pid)
        ).all()
    assert "Zuschuss beantragen" in titles
    # The Verlauf and Neu seit say which task: two tasks are two different lines.
    assert (
        "Vollzugsaufgabe angelegt „Zuschuss beantragen“ – " in client.get(f"/vorlagen/{pid}").text
    )


def test_a_resolution_in_force_without_tasks_leads_to_adding_one(
    world: World, client: TestClient
) -> None:
    """A Beschluss just in force has no Vollzugsaufgabe yet: its page says so and links to
    the Beschlusskontrolle's form with this Beschluss chosen, not only "Vollzug abschließen"."""
    pid = new_proposal(world)

    def final(session: Session) -> None:
        proposal = session.get(Proposal, pid)
        assert proposal is not None
        proposal.state = "final"
        session.add(proposal)

    world.run(final)
    sign_in(client, "ilsfeld.mayor")
    page = client.get(f"/vorlagen/{pid}")
    assert page.status_code == 200
    assert "Zu diesem Beschluss ist keine Vollzugsaufgabe offen." in page.text
    link = f'href="/beschlusskontrolle?vorlage={pid}#neu">Vollzugsaufgabe anlegen</a>'
    assert link in page.text
    form = client.get(f"/beschlusskontrolle?vorlage={pid}")
    assert form.status_code == 200
    assert re.search(rf'<option value="{pid}" selected', form.text)
    # anything else chooses nothing, and is no error
    assert client.get("/beschlusskontrolle?vorlage=abc").status_code == 200
    assert (
        "selected"
        not in client.get("/beschlusskontrolle?vorlage=99999")
        .text.split('id="vorlage"', 1)[1]
        .split("</select>", 1)[0]
    )
    # a councillor reads the Vorlage but adds no task: no link
    sign_in(client, "ilsfeld.council")
    assert "Vollzugsaufgabe anlegen" not in client.get(f"/vorlagen/{pid}").text


def test_the_coordinator_dashboard_totals_and_csv(world: World, client: TestClient) -> None:
    request_id = send(world)
    sign_in(client, "lra.coordinator")
    listed = client.get("/abfragen")
    assert f'href="/abfragen/{request_id}"' in listed.text
    page = client.get(f"/abfragen/{request_id}")
    assert page.status_code == 200
    assert "<strong>46</strong> Gemeinden" in page.text
    assert "Ilsfeld" in page.text
    assert "Flein" in page.text
    assert "decision" not in page.text
    assert "in_preparation" not in page.text
    csv = client.get(f"/abfragen/{request_id}/uebersicht.csv")
    assert csv.status_code == 200
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.content.startswith("\ufeff".encode())
    assert csv.text.lstrip("\ufeff").startswith("Gemeinde;Status;Option")
    assert "Ilsfeld;Offen" in csv.text
    # German order, as one looks a municipality up: Güglingen before Gundelsheim (byte
    # order put ü after every plain letter).
    towns = [line.split(";")[0] for line in csv.text.splitlines()[1:47]]
    assert towns.index("Güglingen") < towns.index("Gundelsheim")
    assert towns == sorted(towns, key=german_key)
    assert page.text.index("Güglingen") < page.text.index("Gundelsheim")
    assert client.get("/abfragen/999999").status_code == 404
    # The answers' deadlines name their municipality: 46 rows, told apart.
    fristen = client.get("/fristen?art=decision_response").text
    assert "Antwort Ilsfeld: Integrationsmanagement ab 01.01.2025" in fristen
    assert "Antwort Flein: Integrationsmanagement ab 01.01.2025" in fristen


def test_a_municipality_creates_its_vorlage_and_its_mayor_answers(
    world: World, client: TestClient
) -> None:
    request_id = send(world)
    ilsfeld = response(world, request_id, "Ilsfeld")
    flein = response(world, request_id, "Flein")
    sign_in(client, "ilsfeld.clerk")
    own = client.get(f"/abfragen/{request_id}", follow_redirects=False)
    assert own.headers["location"] == f"/abfragen/{request_id}/antworten/{ilsfeld.id}"
    url = f"/abfragen/{request_id}/antworten/{ilsfeld.id}"
    page = client.get(url)
    assert "30.387,20 €" in page.text
    assert "– Antwort der Gemeinde Ilsfeld</span>" in page.text
    assert "Neue Vorlage aus der Abfrage anlegen" in page.text
    token = csrf_of(page.text)
    missing = client.post(url, data={"csrf_token": token, "schritt": "vorlage_anlegen"})
    assert missing.status_code == 422
    assert "Bitte wählen Sie das Gremium" in missing.text
    made = client.post(
        url,
        data={
            "csrf_token": token,
            "schritt": "vorlage_anlegen",
            "option": "eigene_regie",
            "gremium": str(world.body_id("Gemeinderat")),
        },  # fmt: skip
        follow_redirects=False,
    )
    assert made.status_code == 303
    assert made.headers["location"].startswith("/vorlagen/")
    assert "mit der Antwort verknüpft" in client.get(made.headers["location"]).text
    assert response(world, request_id, "Ilsfeld").state == "in_preparation"
    # another municipality's answer and a wrong request id are "nicht gefunden"
    assert client.get(f"/abfragen/{request_id}/antworten/{flein.id}").status_code == 404
    assert client.get(f"/abfragen/{request_id + 1}/antworten/{ilsfeld.id}").status_code == 404
    sign_in(client, "flein.clerk")
    flein_url = f"/abfragen/{request_id}/antworten/{flein.id}"
    token = csrf_of(client.get(flein_url).text)
    refused = client.post(flein_url, data={"csrf_token": token, "schritt": "answer",
                                           "option": "belassen"})  # fmt: skip
    assert refused.status_code == 422
    assert "weder ein Beschluss" in refused.text
    assert response(world, request_id, "Flein").state == "open"
    delegate(world, "Ilsfeld")
    sign_in(client, "ilsfeld.mayor")
    token = csrf_of(client.get(url).text)
    answered = client.post(
        url, data={"csrf_token": token, "schritt": "answer", "option": "eigene_regie"}
    )
    assert (
        "Antwort der Gemeinde Ilsfeld: Antwort übermittelt. Neuer Stand: Beantwortet."
        in answered.text
    )
    assert response(world, request_id, "Ilsfeld").option == "eigene_regie"


def test_the_coordinator_decides_on_a_late_answer(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    request_id = send(world)
    delegate(world, "Ilsfeld")
    ilsfeld = response(world, request_id, "Ilsfeld")
    url = f"/abfragen/{request_id}/antworten/{ilsfeld.id}"
    clock.now = berlin(date(2024, 6, 3), 9)
    sign_in(client, "ilsfeld.mayor")
    page = client.get(url)
    assert "Verspätete Antwort übermitteln" in page.text
    late = client.post(url, data={"csrf_token": csrf_of(page.text), "schritt": "answer_late",
                                  "option": "eigene_regie"})  # fmt: skip
    assert "Annahme durch das Landratsamt offen" in late.text
    sign_in(client, "lra.coordinator")
    page = client.get(url)
    token = csrf_of(page.text)
    unexplained = client.post(url, data={"csrf_token": token, "schritt": "reject_late"})
    assert unexplained.status_code == 422
    assert "Bitte begründen Sie" in unexplained.text
    accepted = client.post(url, data={"csrf_token": token, "schritt": "accept_late"})
    assert "Verspätete Antwort angenommen. Neuer Stand: Beantwortet." in accepted.text
    assert response(world, request_id, "Ilsfeld").state == "answered"


def test_the_request_overview_words_settled_missed_replies_like_fristen(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    """A municipality that let the reply deadline pass got the default applied: its Frist
    reads "versäumt, abgeschlossen" as on /fristen, not "erledigt"; one that answered in
    time reads "erledigt"."""
    request_id = send(world)
    rid = decide_in_council(world, request_id, "belassen")
    world.fire("decision_response", rid, "answer", "ilsfeld.clerk", berlin(date(2024, 5, 2)))
    run_sweep(world, berlin(date(2024, 6, 1), 0, 5))
    clock.now = berlin(date(2024, 6, 3), 9)
    sign_in(client, "lra.coordinator")
    page = client.get(f"/abfragen/{request_id}").text
    rows = {
        m.group(1): m.group(2) for m in re.finditer(r">([^<>]+)</a></th>(.*?)</tr>", page, re.S)
    }
    assert "erledigt" in rows["Ilsfeld"]
    assert "versäumt, abgeschlossen" in rows["Flein"]
    assert "erledigt" not in rows["Flein"]


def test_fristen_list_the_target_dates_of_open_execution_tasks(
    world: World, client: TestClient
) -> None:
    pid, task_id = _final_with_task(world)
    _seed_deadlines(world, pid)
    sign_in(client, "ilsfeld.clerk")
    page = client.get("/fristen").text
    rows = _rows(page)
    # overdue by its target date: among the overdue rows, by the day
    [row] = [r for r in rows if "Bauauftrag vergeben" in r]
    assert rows.index(row) == 1, "after the deadline missed on 01.04., before the open ones"
    assert "überfällig seit 3 Tagen" in row
    assert "05.04.2024" in row
    assert "Vollzug eines Beschlusses" in row
    assert "Vorlage 1/2024: Neubau Bauhof" in row
    html_row = page.split("Bauauftrag vergeben")[1].split("</tr>")[0]
    assert f'<a class="kern-link" href="/vorlagen/{pid}">' in html_row
    assert "davon 2 überfällig" in page
    only = client.get("/fristen?art=execution").text
    assert len(_rows(only)) == 1
    assert "Bauauftrag vergeben" in only
    assert "Bauauftrag vergeben" not in client.get("/fristen?art=meeting").text
    assert "Bauauftrag vergeben" not in client.get("/fristen?stand=offen").text
    assert "Bauauftrag vergeben" in client.get("/fristen?stand=ueberfaellig").text
    gremium = f"/fristen?gremium={world.body_id('Gemeinderat')}"
    assert "Bauauftrag vergeben" in client.get(gremium).text
    sign_in(client, "ilsfeld.council")  # reads the Beschlusskontrolle, so its dates too
    assert "Bauauftrag vergeben" in client.get("/fristen").text
    sign_in(client, "flein.clerk")
    assert "Bauauftrag vergeben" not in client.get("/fristen").text
    _done(world, task_id)
    sign_in(client, "ilsfeld.clerk")
    assert "Bauauftrag vergeben" not in client.get("/fristen").text


def test_the_answer_form_names_its_basis_as_it_stands(world: World, client: TestClient) -> None:
    """Without a linked Vorlage the answer cannot rest on "the linked Vorlage's resolution":
    the form says it is the mayor's decision under the Hauptsatzung (§ 44 Abs. 2 Satz 2 GemO)."""
    request_id = send(world)
    delegate(world, "Ilsfeld")
    ilsfeld = response(world, request_id, "Ilsfeld")
    sign_in(client, "ilsfeld.mayor")
    page = client.get(f"/abfragen/{request_id}/antworten/{ilsfeld.id}").text
    assert "Antwort übermitteln" in page
    assert "zur verknüpften Vorlage" not in page
    assert "Es ist keine Vorlage verknüpft" in page
    assert "(§ 44 Abs. 2 Satz 2 GemO)" in page.replace("\u00a0", " ")  # citations keep together
    # Ilsfeld's mayor by her title, not "der Bürgermeisterin oder des Bürgermeisters"
    assert "die Entscheidung der Bürgermeisterin wieder" in page
    assert "Hauptsatzung die Entscheidung der Bürgermeisterin überträgt" in page
    assert "oder des Bürgermeisters" not in page
    assert "oder dem Bürgermeister" not in page


def test_only_who_can_close_it_is_named_responsible_for_an_execution_task(
    world: World, client: TestClient, as_user: Any
) -> None:
    """A councillor, the Landratsamt or another town's staff cannot close the task: they
    are neither offered on the Beschlusskontrolle nor accepted by the JSON API."""
    pid, _ = _final_with_task(world)
    sign_in(client, "ilsfeld.clerk")
    page = client.get("/beschlusskontrolle").text
    form = page.split('name="zustaendig"', 1)[1].split("</select>", 1)[0]
    assert "Sven Frank" in form
    assert "Anna Bauer" not in form  # a councillor changes nothing
    assert "Heike Amtsleiter" not in form
    bauer = world.data.users["ilsfeld.council"].id
    token = csrf_of(page)
    refused = client.post(
        "/beschlusskontrolle",
        data={"csrf_token": token, "vorlage": str(pid), "titel": "Angebot", "zustaendig": bauer},
    )
    assert refused.status_code == 422
    assert "Bitte wählen Sie eine Person aus der Liste." in refused.text
    url = f"/api/v1/proposals/{pid}/execution-tasks"
    for other in ("ilsfeld.council", "lra.coordinator", "flein.clerk"):
        owner = world.data.users[other].id
        answer = client.post(
            url, headers=as_user("ilsfeld.clerk"), json={"title": "Angebot", "owner_id": owner}
        )
        assert answer.status_code == 422, (other, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert "Zuständig kann nur eine Person Ihrer Gemeinde sein" in answer.json()["detail"]
        # the roles that may close it, Ilsfeld's mayor by her title
        assert "(Sachbearbeitung, Sitzungsdienst, Bürgermeisterin)." in answer.json()["detail"]
    mayor = world.data.users["ilsfeld.mayor"].id
    made = client.post(
        url, headers=as_user("ilsfeld.clerk"), json={"title": "Angebot", "owner_id": mayor}
    )
    assert made.status_code == 201, made.text
