"""Rechtmäßigkeit in the web UI: the summary on the Vorlage and Sitzung pages (failed and
unknown checks first), the full Prüfbericht with its documents, the dashboard."""

from __future__ import annotations

from datetime import date

from tests.api.conftest import FixedClock, TestClient
from tests.api.test_due_announcements import lead
from tests.api.test_ui_foundation import sign_in
from tests.conftest import World, berlin
from tests.integration.legality_flow import decided
from workflow.models import Resolution
from workflow.queries import latest_resolution


def _resolution(world: World, pid: int) -> Resolution:
    found: Resolution | None = world.run(lambda s: latest_resolution(s, pid))
    assert found is not None
    return found


def test_pages_show_the_failed_check_first(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    pid = decided(world, publish_at=berlin(date(2024, 5, 2), 10))
    resolution = _resolution(world, pid)
    clock.now = berlin(date(2024, 7, 1), 9)
    sign_in(client, "ilsfeld.council")
    page = client.get(f"/vorlagen/{pid}").text
    section = page.split('id="rechtmaessigkeit"', 1)[1]
    assert "1 nicht erfüllt" in section
    first = section.index("Veröffentlichung im Internet")
    assert first < section.index("Alle Prüfungen")
    assert "Heilung" not in section.split("Alle Prüfungen")[0]
    meeting = client.get(f"/sitzungen/{resolution.meeting_id}").text
    assert 'id="rechtmaessigkeit"' in meeting
    report = client.get(f"/rechtmaessigkeit/beschluss/{resolution.id}")
    assert report.status_code == 200
    assert "Protokollketten" in report.text
    pdf = client.get(f"/rechtmaessigkeit/beschluss/{resolution.id}/pruefbericht.pdf")
    assert pdf.content.startswith(b"%PDF")
    odt = client.get(f"/rechtmaessigkeit/beschluss/{resolution.id}/pruefbericht.odt")
    assert odt.status_code in (404, 422)
    assert client.get("/rechtmaessigkeit").status_code == 403
    assert 'href="/rechtmaessigkeit"' not in page


def test_dashboard_for_the_mayor_with_cure_dates(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    pid = decided(world, publish_at=None)
    clock.now = berlin(date(2024, 7, 1), 9)
    sign_in(client, "ilsfeld.mayor")
    page = client.get("/rechtmaessigkeit")
    assert page.status_code == 200
    assert 'href="/rechtmaessigkeit"' in page.text
    assert f"/rechtmaessigkeit/beschluss/{_resolution(world, pid).id}" in page.text
    assert "Veröffentlichung im Internet" in page.text
    sign_in(client, "flein.clerk")
    other = client.get(f"/rechtmaessigkeit/beschluss/{_resolution(world, pid).id}")
    assert other.status_code == 404


def test_secretary_records_the_announcement_on_the_meeting_page(
    world: World, client: TestClient, clock: FixedClock
) -> None:
    from tests.api.test_ui_foundation import csrf_of

    resolution = _resolution(world, decided(world, announce=False))
    clock.now = berlin(date(2024, 4, 24), 9)
    sign_in(client, "ilsfeld.secretary")
    url = f"/sitzungen/{resolution.meeting_id}"
    page = client.get(url).text
    assert 'id="ortsuebliche-bekanntgabe"' in page
    section = page.split('id="ortsuebliche-bekanntgabe"')[1].split("<form")[0]
    # no lead set: before the session day, as the report judges it (and Meine Aufgaben says)
    assert "vor dem Sitzungstag, spätestens am 22.04.2024" in section

    lead(world, "P5D")  # the Bekanntmachungssatzung: five days before
    page = client.get(url).text
    section = page.split('id="ortsuebliche-bekanntgabe"')[1].split("<form")[0]
    assert "(5 Tage vor der Sitzung) spätestens am 18.04.2024" in section
    token = csrf_of(page)
    form = {"csrf_token": token, "bekanntgabe_am": "2024-04-24", "bekanntgabe_wo": "Aushang"}
    refused = client.post(f"{url}/ortsuebliche-bekanntgabe", data=form)
    # the page again, the date marked and linked from the summary, the place kept (422)
    assert refused.status_code == 422
    assert "Die Bekanntgabe liegt nach dem Sitzungstag." in refused.text
    assert 'href="#bekanntgabe_am"' in refused.text
    assert 'value="Aushang"' in refused.text
    form["bekanntgabe_am"] = "kein Datum"
    wrong = client.post(f"{url}/ortsuebliche-bekanntgabe", data=form)
    assert wrong.status_code == 422
    assert "Datum der Bekanntgabe" in wrong.text
    form.update(bekanntgabe_am="2024-04-15", bekanntgabe_wo=" ")
    nowhere = client.post(f"{url}/ortsuebliche-bekanntgabe", data=form)
    assert 'href="#bekanntgabe_wo"' in nowhere.text
    form["bekanntgabe_wo"] = "Aushang"
    form["bekanntgabe_am"] = "2024-04-15"
    done = client.post(f"{url}/ortsuebliche-bekanntgabe", data=form, follow_redirects=True)
    assert "Ortsübliche Bekanntgabe vom 15.04.2024 erfasst" in done.text
    assert "Erfasst: bekannt gegeben am 15.04.2024 (Aushang)" in done.text  # not twice by mistake
    assert "Ortsüblich bekannt gegeben am 15.04.2024" in done.text
    sign_in(client, "ilsfeld.council")
    assert 'id="ortsuebliche-bekanntgabe"' not in client.get(url).text


def test_a_refused_page_is_named_in_words_not_as_a_quoted_placeholder(
    client: TestClient,
) -> None:
    """The Rechtmäßigkeit is no step with a label: the refusal reads "Das ist nur möglich
    für: …", not "„Diese Aktion“ ist nur möglich für: …"."""
    sign_in(client, "ilsfeld.clerk")
    refused = client.get("/rechtmaessigkeit")
    assert refused.status_code == 403
    assert "Diese Aktion" not in refused.text
    assert "Das ist nur möglich für: Bürgermeister/in" in refused.text
