"""Downloads in the browser: documents, Sitzungsmappe and attachments with the session
cookie; what an anonymous visitor may not read asks them to sign in (links in e-mails)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import SECRET_TITLE, scene
from tests.api.test_attachments_http import upload
from tests.api.test_ui_foundation import sign_in
from tests.conftest import World, berlin
from tests.documents import pdf_text
from tests.integration.flow import MEETING_DAY, adopted, released
from workflow.documents.pdf import html_to_pdf
from workflow.services.meetings import sign_minutes


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return html_to_pdf("<p>Lageplan des Grundstücks</p>")


def test_vorlage_page_offers_its_documents_and_attachments(
    world: World, client: TestClient, as_user: Any, pdf: bytes
) -> None:
    ids = scene(world)
    clerk = as_user("ilsfeld.clerk")
    public = upload(
        client, clerk, f"/api/v1/proposals/{ids.draft}/attachments", pdf, "Lageplan.pdf"
    )
    assert public.status_code == 201, public.text
    sign_in(client, "ilsfeld.clerk")
    page = client.get(f"/vorlagen/{ids.draft}").text
    assert "Dokumente und Anlagen" in page
    document = f"/vorlagen/{ids.draft}/dokumente/vorlage"
    for fmt, media in (("pdf", "application/pdf"), ("docx", "officedocument"), ("html", "html")):
        assert f'href="{document}.{fmt}"' in page
        got = client.get(f"{document}.{fmt}")
        assert got.status_code == 200, (fmt, got.text[:300])
        assert media in got.headers["content-type"]
        assert got.headers["cache-control"] == "private, no-store"
    assert "Lageplan.pdf" in pdf_text(client.get(f"{document}.pdf").content)  # Anlagen
    secret = client.get(f"/vorlagen/{ids.secret}/dokumente/vorlage.pdf")
    assert SECRET_TITLE in pdf_text(secret.content)
    link = f"/anlagen/{public.json()['id']}"
    assert f'href="{link}"' in page
    file = client.get(link)
    assert file.content == pdf
    assert file.headers["x-content-type-options"] == "nosniff"
    assert "Lageplan.pdf" in file.headers["content-disposition"]
    # no resolution yet: no Beschlussauszug offered, and asking for it is "nicht gefunden"
    assert "beschlussauszug" not in page
    missing = client.get(f"/vorlagen/{ids.draft}/dokumente/beschlussauszug.pdf")
    assert missing.status_code == 404
    assert "text/html" in missing.headers["content-type"]


def test_anonymous_visitors_are_asked_to_sign_in_for_non_public_files(
    world: World, client: TestClient
) -> None:
    ids = scene(world)
    path = f"/vorlagen/{ids.secret}/dokumente/vorlage.pdf"
    refused = client.get(path, follow_redirects=False)
    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/anmelden?next=%2Fvorlagen%2F")
    signed_in = sign_in(client, "ilsfeld.clerk", next=path)
    assert signed_in.headers["location"] == path  # the e-mail's link leads to the file
    assert client.get(path).headers["content-type"] == "application/pdf"


def test_other_municipalities_get_not_found(world: World, client: TestClient) -> None:
    ids = scene(world)
    sign_in(client, "flein.council")
    for path in (
        f"/vorlagen/{ids.secret}/dokumente/vorlage.pdf",
        f"/sitzungen/{ids.meeting}/top/{ids.secret_item}/dokumente/vorlage.pdf",
    ):
        got = client.get(path)
        assert got.status_code == 404, path
        assert SECRET_TITLE not in got.text


def test_meeting_page_offers_invitation_notice_and_folder(world: World, client: TestClient) -> None:
    ids = scene(world)
    sign_in(client, "ilsfeld.secretary")
    page = client.get(f"/sitzungen/{ids.meeting}").text
    folder = f"/sitzungen/{ids.meeting}/sitzungsmappe.pdf"
    assert f'href="{folder}"' in page
    assert "/dokumente/niederschrift" not in page  # not held yet
    assert "Ablauf als Diagramm anzeigen" in page
    invitation = client.get(f"/sitzungen/{ids.meeting}/dokumente/einladung.pdf")
    assert invitation.status_code == 200
    assert SECRET_TITLE in pdf_text(invitation.content)  # the administration reads it all
    got = client.get(folder)
    assert got.status_code == 200
    assert got.content.startswith(b"%PDF")


def test_the_clerk_uploads_and_removes_an_attachment_on_the_page(
    world: World, client: TestClient, pdf: bytes
) -> None:
    from tests.api.test_ui_foundation import csrf_of

    ids = scene(world)
    sign_in(client, "ilsfeld.clerk")
    page = client.get(f"/vorlagen/{ids.draft}").text
    assert f'action="/vorlagen/{ids.draft}/anlagen"' in page
    token = csrf_of(page)
    sent = client.post(
        f"/vorlagen/{ids.draft}/anlagen",
        data={"csrf_token": token, "nichtoeffentlich": "ja"},
        files={"file": ("Kaufvertrag.pdf", pdf, "application/pdf")},
    )
    assert "Die Anlage „Kaufvertrag.pdf“ ist hochgeladen." in sent.text
    assert re.search(r"Kaufvertrag.pdf</a> \(\d+ KB, nichtöffentlich\)", sent.text)
    link = re.search(r'href="(/anlagen/\d+)">Kaufvertrag.pdf', sent.text)
    assert link is not None
    assert client.get(link.group(1)).content == pdf
    # a file that is no PDF although it says so: refused, in words, nothing stored
    fake = client.post(
        f"/vorlagen/{ids.draft}/anlagen",
        data={"csrf_token": token},
        files={"file": ("Lageplan.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")},
    )
    assert "nicht erlaubt" in fake.text or "passt nicht" in fake.text
    assert "Lageplan.pdf</a>" not in fake.text
    attachment_id = link.group(1).rsplit("/", 1)[1]
    removed = client.post(f"/anlagen/{attachment_id}/loeschen", data={"csrf_token": token})
    assert "Die Anlage „Kaufvertrag.pdf“ ist entfernt." in removed.text
    # the Verlauf names both steps and the file, not "Geändert" (api.ui.history.event_label)
    history = removed.text.split('id="verlauf-titel"')[1]
    assert "Anlage hinzugefügt „Kaufvertrag.pdf“" in history
    assert "Anlage gelöscht „Kaufvertrag.pdf“" in history
    assert "Geändert" not in history
    assert client.get(link.group(1)).status_code == 404
    # a councillor, and anybody once the Vorlage left the draft, gets no upload form
    sign_in(client, "ilsfeld.council")
    assert '/anlagen"' not in client.get(f"/vorlagen/{ids.secret}").text


def test_removing_an_attachment_twice_says_it_is_gone(
    world: World, client: TestClient, pdf: bytes
) -> None:
    """A double click or a second tab: the second "Entfernen" goes back to the Dokumente
    with a note, not to an error page."""
    from tests.api.test_ui_foundation import csrf_of

    ids = scene(world)
    sign_in(client, "ilsfeld.clerk")
    page = client.get(f"/vorlagen/{ids.draft}").text
    token = csrf_of(page)
    sent = client.post(
        f"/vorlagen/{ids.draft}/anlagen",
        data={"csrf_token": token},
        files={"file": ("Lageplan.pdf", pdf, "application/pdf")},
    )
    link = re.search(r'action="(/anlagen/\d+/loeschen)"', sent.text)
    assert link is not None
    form = {"csrf_token": token, "seite": f"/vorlagen/{ids.draft}"}
    assert f'name="seite" value="/vorlagen/{ids.draft}"' in sent.text
    first = client.post(link.group(1), data=form)
    assert "Die Anlage „Lageplan.pdf“ ist entfernt." in first.text
    second = client.post(link.group(1), data=form, follow_redirects=False)
    assert second.status_code == 303
    assert second.headers["location"].startswith(f"/vorlagen/{ids.draft}#")
    shown = client.get(second.headers["location"])
    assert shown.status_code == 200
    assert "Die Anlage war bereits entfernt." in shown.text
    assert "Nicht gefunden" not in shown.text
    # without the page it came from (not a form of ours) it stays "nicht gefunden"
    bare = client.post(link.group(1), data={"csrf_token": token})
    assert bare.status_code == 404
    elsewhere = client.post(link.group(1), data={**form, "seite": "https://example.org/"})
    assert elsewhere.status_code == 404


def test_a_success_after_a_redirect_to_a_section_lands_at_the_banners(
    world: World, client: TestClient, pdf: bytes
) -> None:
    """A redirect to a section (#dokumente, #kalender) would scroll the banner saying what
    happened out of sight: it goes to the banners (#meldungen), as a refusal does."""
    from tests.api.test_ui_foundation import csrf_of

    ids = scene(world)
    sign_in(client, "ilsfeld.clerk")
    token = csrf_of(client.get(f"/vorlagen/{ids.draft}").text)

    def lands(response: Any, path: str, text: str) -> str:
        assert response.status_code == 303
        assert response.headers["location"] == f"{path}#meldungen"
        page: str = client.get(response.headers["location"]).text
        banners = re.search(r'class="rf-flashes" id="meldungen".*?\n    </div>', page, re.S)
        assert banners is not None
        assert text in banners.group(0)
        return page

    sent = client.post(
        f"/vorlagen/{ids.draft}/anlagen",
        data={"csrf_token": token},
        files={"file": ("Lageplan.pdf", pdf, "application/pdf")},
        follow_redirects=False,
    )
    page = lands(sent, f"/vorlagen/{ids.draft}", "Die Anlage „Lageplan.pdf“ ist hochgeladen.")
    link = re.search(r'action="(/anlagen/\d+/loeschen)"', page)
    assert link is not None
    removed = client.post(
        link.group(1),
        data={"csrf_token": token, "seite": f"/vorlagen/{ids.draft}"},
        follow_redirects=False,
    )
    lands(removed, f"/vorlagen/{ids.draft}", "Die Anlage „Lageplan.pdf“ ist entfernt.")
    made = client.post(
        "/einstellungen/kalender", data={"csrf_token": token}, follow_redirects=False
    )
    lands(made, "/einstellungen", "Die Adresse Ihres Kalenders ist erzeugt.")
    # a redirect to the top of a page shows its banners there: left as it is
    saved = client.post(
        "/einstellungen", data={"csrf_token": token, "mail": "invitation"}, follow_redirects=False
    )
    assert saved.headers["location"] == "/einstellungen"


def test_the_meeting_page_says_who_has_yet_to_sign_the_minutes(
    world: World, client: TestClient
) -> None:
    """As the draft Niederschrift says it: one signature given is not "noch nicht
    unterzeichnet" (§ 38 Abs. 2 GemO)."""
    _, mid, _ = adopted(world)
    world.fire("meeting", mid, "close_session", "ilsfeld.mayor", berlin(MEETING_DAY, 21))
    world.run(
        lambda s: sign_minutes(
            session=s,
            actor=world["ilsfeld.secretary"],
            now=berlin(MEETING_DAY, 22),
            meeting_id=mid,
            person_id=world.data.ilsfeld.mayor.id or 0,
            capacity="chair",
        )
    )
    sign_in(client, "ilsfeld.secretary")
    page = " ".join(client.get(f"/sitzungen/{mid}").text.split())
    assert (
        "Niederschrift, öffentlicher Teil (Entwurf; es fehlen noch die Unterschriften: "
        "2 teilnehmende Ratsmitglieder, Schriftführung)" in page
    )
    assert "Entwurf, noch nicht unterzeichnet)" not in page


def _offers_extract(client: TestClient, pid: int) -> bool:
    page = client.get(f"/vorlagen/{pid}")
    assert page.status_code == 200, page.text[:300]
    return f'href="/vorlagen/{pid}/dokumente/beschlussauszug.pdf"' in page.text


def test_the_extract_is_offered_only_to_who_may_read_it(world: World, client: TestClient) -> None:
    """A link on the page must lead somewhere: outside the municipality (the Landratsamt
    keeps the Vorlage's page) the extract is public once the resolution is published
    (§ 41b Abs. 5 GemO), not before."""
    pid, _, _ = adopted(world)
    extract = f"/vorlagen/{pid}/dokumente/beschlussauszug.pdf"
    sign_in(client, "lra.coordinator")
    assert not _offers_extract(client, pid)
    assert client.get(extract).status_code == 404
    sign_in(client, "ilsfeld.council")
    assert _offers_extract(client, pid)
    assert client.get(extract).status_code == 200
    world.fire("proposal", pid, "publish", "ilsfeld.secretary", berlin(MEETING_DAY, 21))
    sign_in(client, "lra.coordinator")
    assert _offers_extract(client, pid)
    assert client.get(extract).status_code == 200


def test_an_urgent_decision_offers_no_extract_of_a_session(
    world: World, client: TestClient
) -> None:
    """§ 43 Abs. 4 GemO: the mayor decided outside any session; there is no agenda item to
    extract from, so the page offers no Beschlussauszug that would answer "kein Beschluss"."""
    pid = released(world)
    world.fire(
        "proposal",
        pid,
        "urgent_decision",
        "ilsfeld.mayor",
        berlin(MEETING_DAY, 12),
        comment="Eilig",
    )
    sign_in(client, "ilsfeld.mayor")
    assert not _offers_extract(client, pid)
