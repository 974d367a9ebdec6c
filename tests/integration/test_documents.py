"""Documents rendered from the database and read back from real PDF, DOCX and HTML files."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from typing import Any

import pytest
from docx import Document as open_docx
from pypdf import PdfReader
from sqlmodel import Session

from tests.api.helpers import SECRET_TITLE, secret_proposal
from tests.conftest import World, berlin, known
from tests.documents import REPO, SEED_COPY, flat, text_of
from tests.integration.flow import DAY, new_meeting, released, scheduled
from workflow.context import SYSTEM, Actor
from workflow.documents import service
from workflow.documents.model import (
    FORMATS,
    Document,
    Paragraph,
    Signatures,
    footer_label,
    plain_text,
)
from workflow.errors import NotFound
from workflow.models import Municipality, Person
from workflow.services.importer import import_vorlage

RESOLUTION = (
    "Die Gemeinde Ilsfeld wird das Integrationsmanagement ab 01.01.2025 in der Verantwortung "
    "des Landratsamtes Heilbronn belassen."
)


def imported(world: World, path: str = str(SEED_COPY)) -> int:
    text = open(path, encoding="utf-8").read()
    result = world.run(
        lambda s: import_vorlage(
            session=s,
            workflows=world.workflows,
            actor=SYSTEM,
            now=berlin(date(2024, 4, 7)),
            text=text,
            municipality_name="Ilsfeld",
        )
    )
    return known(result.proposal.id)


def vorlage(world: World, pid: int, actor: Actor | None = SYSTEM) -> Document:
    return world.run(
        lambda s: service.proposal_document(session=s, actor=actor, proposal_id=pid, kind="vorlage")
    )


def rendered(world: World, document: Document, fmt: str) -> str:
    return text_of(service.render(document, fmt), fmt)


def seed_paragraphs() -> list[str]:
    """The Sachvortrag of the seed, paragraph by paragraph."""
    text = SEED_COPY.read_text(encoding="utf-8")
    facts = text.split("Sachvortrag", 1)[1].split("Beschlussvorschlag:", 1)[0]
    return [flat(p) for p in facts.split("\n\n") if p.strip()]


@pytest.mark.parametrize("fmt", FORMATS)
def test_seed_vorlage_renders_every_field(world: World, fmt: str) -> None:
    text = rendered(world, vorlage(world, imported(world)), fmt)
    assert "Nr. 8 / 2024" not in text  # the label as everywhere else: 8/2024
    assert "Datum Gremium" not in text  # no empty table of previous sessions
    for field in [
        "Gemeinde Ilsfeld",
        "Vorlage Nr. 8/2024",
        "AZ 022.31",
        "Amt Fachbereich Allgemeine Verwaltung",
        "Sven Frank, 07062/9042 - 20",
        "Datum 07.04.2024",
        "Integrationsmanagement im Landkreis Heilbronn ab 2025",
        "Beratung Beschluss",
        "☐ Technischer Ausschuss am ☐ Technischer Ausschuss am",
        "☐ Verwaltungsausschuss am ☐ Verwaltungsausschuss am",
        "☒ Gemeinderat am 23.04.2024 ☒ Gemeinderat am 23.04.2024",
        "☒ öffentlich ☐ nicht öffentlich ☒ öffentlich ☐ nicht öffentlich",
        "Befangenheit –",  # "keine" in the seed: imported as no entry
        "Bisherige Sitzungen Die Vorlage wurde noch in keiner Sitzung beraten. Finanzierung",
        "Durch HH-Plan, Haushaltsstelle abgedeckt: _____",
        "Restliche Verfügungssumme bei der HH-Stelle: _____",
        "Außer-/Überplanmäßig: _____",
        "Sachvortrag",
        *seed_paragraphs(),
    ]:
        assert field in text, field
    # One source for both copies: the seed's "Ilfeld" in the first one cannot come back.
    assert text.count(RESOLUTION) == 2
    assert "Ilfeld" not in text


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_financing_in_german_amounts(world: World, fmt: str) -> None:
    pid = imported(world, str(REPO / "tests/data/vorlagen/financing_filled.txt"))
    text = rendered(world, vorlage(world, pid), fmt)
    assert "Durch HH-Plan, Haushaltsstelle abgedeckt: HH-Stelle 1.5400.9350" in text
    assert "Restliche Verfügungssumme bei der HH-Stelle: 12.500,00 €" in text
    assert (
        "Außer-/Überplanmäßig: 3.200,00 €, Deckung durch Minderausgaben bei HHSt 1.2300.5000"
        in text
    )


def test_previous_sessions_from_the_text(world: World) -> None:
    pid = imported(world, str(REPO / "tests/data/vorlagen/previous_sessions.txt"))
    text = rendered(world, vorlage(world, pid), "html")
    assert "Datum Gremium 05.03.2024 Verwaltungsausschuss 19.03.2024 Gemeinderat" in text


def _mixed_meeting(world: World) -> tuple[int, int, int]:
    """An invited Gemeinderat meeting with a public and a non-public item (§ 35 GemO)."""
    public = released(world, title="Sanierung der Festhalle")
    secret = secret_proposal(world, "Gemeinderat")
    meeting = new_meeting(world)
    scheduled(world, public, meeting)
    scheduled(world, secret, meeting)
    world.fire("meeting", meeting, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", meeting, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    return meeting, public, secret


def meeting_doc(
    world: World, mid: int, kind: str, actor: Actor | None, *, public: bool = True
) -> Document:
    return world.run(
        lambda s: service.meeting_document(
            session=s, actor=actor, meeting_id=mid, kind=kind, public=public
        )
    )


def test_invitation_lists_the_non_public_part_only_for_the_entitled(world: World) -> None:
    meeting, _, _ = _mixed_meeting(world)
    full = rendered(
        world, meeting_doc(world, meeting, "einladung", world["ilsfeld.council"]), "pdf"
    )
    assert (
        "Tagesordnung – nichtöffentlicher Teil TOP Gegenstand Vorlage NÖ 1 " + SECRET_TITLE in full
    )
    assert "Sanierung der Festhalle" in full
    # The Vorlage column names the number; the subject does not repeat it.
    assert "Sanierung der Festhalle (Vorlage" not in full
    assert "Nichtöffentlich (§ 35 GemO)" in full
    assert "Bürgermeisterin Beate Beispiel" in full or "Beate Beispiel Bürgermeisterin" in full
    for reader in (None, world["flein.council"], world["lra.coordinator"]):
        text = rendered(world, meeting_doc(world, meeting, "einladung", reader), "pdf")
        assert "Sanierung der Festhalle" in text
        assert SECRET_TITLE not in text
        assert "nichtöffentlicher Teil" not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_public_documents_never_carry_non_public_text(world: World, fmt: str) -> None:
    meeting, _, _ = _mixed_meeting(world)
    notice = rendered(world, meeting_doc(world, meeting, "bekanntmachung", SYSTEM), fmt)
    assert "Sanierung der Festhalle" in notice
    assert "Im Anschluss findet eine nichtöffentliche Sitzung statt." in notice
    assert SECRET_TITLE not in notice
    minutes = rendered(world, meeting_doc(world, meeting, "niederschrift", SYSTEM), fmt)
    assert "ENTWURF" in minutes
    assert SECRET_TITLE not in minutes
    secret = rendered(
        world, meeting_doc(world, meeting, "niederschrift", SYSTEM, public=False), fmt
    )
    assert SECRET_TITLE in secret
    assert "Sanierung der Festhalle" not in secret


@pytest.mark.parametrize("fmt", FORMATS)
def test_meeting_documents_name_the_place_and_an_agenda_not_yet_set(world: World, fmt: str) -> None:
    """A free-text place stands in a sentence of its own (no preposition fits every place);
    a meeting without items says so instead of printing an empty table."""
    meeting = new_meeting(world, location="Bürgerhaus, Großer Saal")
    notice = rendered(world, meeting_doc(world, meeting, "bekanntmachung", SYSTEM), fmt)
    assert (
        "Am Dienstag, 23.04.2024, um 18:00 Uhr findet eine öffentliche Sitzung des "
        "Gemeinderats statt. Ort: Bürgerhaus, Großer Saal." in notice
    )
    assert "Tagesordnung Die Tagesordnung ist noch nicht festgelegt." in notice
    invitation = rendered(world, meeting_doc(world, meeting, "einladung", SYSTEM), fmt)
    assert (
        "hiermit lade ich Sie zur Sitzung des Gemeinderats am Dienstag, 23.04.2024, um "
        "18:00 Uhr ein (§ 34 Abs. 1 GemO). Ort: Bürgerhaus, Großer Saal." in invitation
    )
    assert (
        "Tagesordnung – öffentlicher Teil Die Tagesordnung ist noch nicht festgelegt." in invitation
    )
    assert "Sitzungsunterlagen" not in invitation  # no papers before the agenda is set
    for text in (notice, invitation):
        assert "Uhr, Bürgerhaus" not in text
        assert "TOP Gegenstand Vorlage" not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_public_part_is_said_in_words(world: World, fmt: str) -> None:
    secret = secret_proposal(world, "Gemeinderat")
    meeting = new_meeting(world)
    scheduled(world, secret, meeting)
    world.fire("meeting", meeting, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    council = world["ilsfeld.council"]
    invitation = rendered(world, meeting_doc(world, meeting, "einladung", council), fmt)
    assert (
        "Tagesordnung – öffentlicher Teil Im öffentlichen Teil werden keine Gegenstände "
        "behandelt. Tagesordnung – nichtöffentlicher Teil TOP Gegenstand Vorlage NÖ 1 "
        + SECRET_TITLE
        in invitation
    )
    # The Einladung on its own, printed for a member without e-mail: the papers go with it,
    # and no "Sitzungsmappe zu dieser Sitzung" the paper reader could not find.
    assert "Die Sitzungsunterlagen liegen dieser Einladung bei." in invitation
    assert "Sitzungsmappe" not in invitation
    # where the address is known, it names the Sitzungsmappe online
    linked = world.run(
        lambda s: service.meeting_document(
            session=s, actor=council, meeting_id=meeting, kind="einladung",
            base_url="https://rat.ilsfeld.example/",
        )
    )  # fmt: skip
    url = f"https://rat.ilsfeld.example/sitzungen/{meeting}/sitzungsmappe.pdf"
    text = rendered(world, linked, fmt)
    assert "Die Sitzungsunterlagen finden Sie in der Sitzungsmappe zu dieser Sitzung: " in text
    # a PDF line may break the address: compared without the break
    assert url in "".join(text.split("Sitzungsmappe zu dieser Sitzung: ")[1].split()[:2])
    notice = rendered(world, meeting_doc(world, meeting, "bekanntmachung", SYSTEM), fmt)
    assert "Tagesordnung Im öffentlichen Teil werden keine Gegenstände behandelt." in notice
    assert "TOP Gegenstand Vorlage" not in notice


def test_non_public_documents_are_not_found_for_others(world: World) -> None:
    meeting, _, secret = _mixed_meeting(world)
    for reader in (None, world["flein.clerk"], world["ilsfeld.council"]):
        with pytest.raises(NotFound):
            meeting_doc(world, meeting, "niederschrift", reader, public=False)
    with pytest.raises(NotFound):
        vorlage(world, secret, None)
    with pytest.raises(NotFound):  # draft minutes are internal
        meeting_doc(world, meeting, "niederschrift", None)
    assert SECRET_TITLE in rendered(world, vorlage(world, secret, world["ilsfeld.council"]), "html")


def test_a_docx_names_its_municipality_and_title(world: World) -> None:
    """Word shows the file's author and title: the municipality and the document, not the
    library that wrote it."""
    pid = imported(world, str(REPO / "tests/data/vorlagen/financing_filled.txt"))
    document = vorlage(world, pid)
    properties = open_docx(io.BytesIO(service.render(document, "docx"))).core_properties
    assert properties.author == "Gemeinde Ilsfeld"
    assert properties.title.startswith("Vorlage Nr. ")


def test_a_docx_footer_numbers_its_pages_as_the_pdf_does(world: World) -> None:
    """Every page of the Word file ends as the PDF's: the document and the municipality,
    "Seite n von m" from Word's own PAGE and NUMPAGES fields."""
    pid = imported(world, str(REPO / "tests/data/vorlagen/financing_filled.txt"))
    document = vorlage(world, pid)
    with zipfile.ZipFile(io.BytesIO(service.render(document, "docx"))) as docx:
        footers = [docx.read(n).decode() for n in docx.namelist() if n.startswith("word/footer")]
    assert footers
    xml = footers[0]
    codes = re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml)
    assert [c.strip() for c in codes] == ["PAGE", "NUMPAGES"]
    assert xml.count('w:fldCharType="begin"') == xml.count('w:fldCharType="end"') == 2
    words = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
    label = footer_label(document)
    assert label.startswith("Vorlage Nr. ")
    assert label.endswith(" · Gemeinde Ilsfeld")
    assert words == f"{label}Seite 1 von 1"
    pages = PdfReader(io.BytesIO(service.render(document, "pdf"))).pages
    last = flat(pages[-1].extract_text())
    assert last.endswith(f"{label} Seite {len(pages)} von {len(pages)}")


def test_a_docx_page_is_the_pdfs_a4_page_with_its_margins(world: World) -> None:
    """Not python-docx's US Letter with 1-inch-and-a-quarter margins: A4 and the margins of
    print.css's @page (2 cm, 2 cm, 2.2 cm, 2.5 cm), the footer's page count at the right
    edge of the text (21 cm - 2.5 cm - 2 cm)."""
    meeting, _, _ = _mixed_meeting(world)
    pid = imported(world, str(REPO / "tests/data/vorlagen/financing_filled.txt"))
    documents = [
        vorlage(world, pid),
        meeting_doc(world, meeting, "einladung", SYSTEM),
        meeting_doc(world, meeting, "niederschrift", SYSTEM),
    ]
    for document in documents:
        with zipfile.ZipFile(io.BytesIO(service.render(document, "docx"))) as docx:
            body = docx.read("word/document.xml").decode()
            names = [n for n in docx.namelist() if n.startswith("word/footer")]
            footers = [docx.read(n).decode() for n in names]
        size = re.findall(r"<w:pgSz [^>]*/>", body)
        assert len(size) == 1, document.kind
        assert dict(re.findall(r'w:(\w+)="(\d+)"', size[0])) == {"w": "11906", "h": "16838"}
        margins = dict(re.findall(r'w:(\w+)="(\d+)"', re.findall(r"<w:pgMar [^>]*/>", body)[0]))
        assert (margins["top"], margins["right"], margins["bottom"], margins["left"]) == (
            "1134",  # 2 cm in twips
            "1134",
            "1247",  # 2.2 cm
            "1417",  # 2.5 cm
        )
        tabs = [t for xml in footers for t in re.findall(r"<w:tab [^>]*/>", xml)]
        assert len(tabs) == 1, tabs
        assert dict(re.findall(r'w:(\w+)="(\w+)"', tabs[0])) == {"val": "right", "pos": "9355"}


def test_a_grosse_kreisstadt_writes_as_a_stadt(world: World) -> None:
    """§ 3 GemO: a Große Kreisstadt is a Stadt; its letterhead says so, in every format."""

    def promote(session: Session) -> None:
        town = session.get(Municipality, world.data.ilsfeld.municipality.id)
        assert town is not None
        town.settings = {**town.settings, "municipal_status": "grosse_kreisstadt"}
        session.add(town)

    pid = imported(world, str(REPO / "tests/data/vorlagen/financing_filled.txt"))
    world.run(promote)
    document = vorlage(world, pid)
    for fmt in FORMATS:
        text = rendered(world, document, fmt)
        assert "Stadt Ilsfeld" in text
        assert "Gemeinde Ilsfeld" not in text
    assert plain_text(document).startswith("Stadt Ilsfeld\n")


def test_a_mayor_named_without_title_signs_by_the_municipalitys(world: World) -> None:
    """The invitation's signature takes the title from the chair's name, and where the name
    has none, the municipality's (mayor_title): Ilsfeld's Bürgermeisterin, not
    "Bürgermeister/in"."""
    mayor = known(world["ilsfeld.mayor"].person_id)

    def untitled(session: Session) -> None:
        person = session.get(Person, mayor)
        assert person is not None
        assert person.name == "Bürgermeisterin Beate Beispiel"
        person.name = "Beate Beispiel"
        session.add(person)

    world.run(untitled)
    invitation = meeting_doc(world, new_meeting(world), "einladung", SYSTEM)
    signatures = [b for b in invitation.blocks if isinstance(b, Signatures)]
    assert [(s.function, s.name) for s in signatures[-1].entries] == [
        ("Bürgermeisterin", "Beate Beispiel")
    ]


def test_the_html_minutes_have_a_main_and_headings_in_order(world: World) -> None:
    """Read by a screen reader the Niederschrift is one main landmark whose headings do not
    skip a level: the title, then each TOP and the signatures."""
    meeting, _, _ = _mixed_meeting(world)
    html = service.render(meeting_doc(world, meeting, "niederschrift", SYSTEM), "html").decode()
    assert html.count("<main>") == 1
    levels = [int(level) for level in re.findall(r"<h([1-6])[ >]", html)]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
    assert 3 not in levels[:2]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_invitation_not_yet_sent_is_a_draft(world: World, fmt: str) -> None:
    """Until it is sent (Meeting.invited_at) the Einladung is marked as a draft; a planned
    agenda with only a non-public item does not say that no agenda is set."""
    secret = secret_proposal(world, "Gemeinderat")
    meeting = new_meeting(world)
    scheduled(world, secret, meeting)
    council = world["ilsfeld.council"]
    draft = meeting_doc(world, meeting, "einladung", council)
    assert draft.filename.endswith("-entwurf")
    printed = rendered(world, draft, fmt)
    assert printed.startswith("Gemeinde Ilsfeld ENTWURF")
    assert "Entwurf – die Einladung ist noch nicht versandt." in printed
    assert (
        "Tagesordnung – öffentlicher Teil Im öffentlichen Teil sind bisher keine Gegenstände "
        "vorgesehen. Tagesordnung – nichtöffentlicher Teil" in printed
    )
    assert "noch nicht festgelegt" not in printed
    world.fire("meeting", meeting, "set_agenda", "ilsfeld.secretary", berlin(DAY, 13))
    world.fire("meeting", meeting, "invite", "ilsfeld.mayor", berlin(DAY, 14))
    sent = rendered(world, meeting_doc(world, meeting, "einladung", council), fmt)
    assert "ENTWURF" not in sent
    assert "Entwurf" not in sent


def test_a_pdf_is_tagged_for_screen_readers(world: World) -> None:
    """BITV 2.0: headings, paragraphs and tables as a structure tree, in reading order."""
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

    pdf = service.render(vorlage(world, imported(world)), "pdf")
    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"].get_object()
    assert isinstance(catalog, DictionaryObject)
    assert "/StructTreeRoot" in catalog
    marks = catalog["/MarkInfo"].get_object()
    assert isinstance(marks, DictionaryObject)
    assert marks["/Marked"]


def test_the_mappe_stamps_its_footer_on_attachments_of_any_size_and_stays_small() -> None:
    """Attachments count in "Seite n von m" and carry the footer too, at the lower right of
    their own page (a landscape plan included); a non-public item's lines say "TOP NÖ 1";
    the stamped pages stay compressed."""
    from workflow.documents.pdf import Appendix, html_to_pdf, render_mappe_pdf

    document = Document(
        kind="vorlage",
        title="Vorlage",
        subtitle="Nr. 9/2024",
        municipality="Gemeinde Ilsfeld",
        blocks=(Paragraph("Sachvortrag " * 400),),
        filename="vorlage-9-2024",
    )
    landscape = html_to_pdf(
        "<style>@page { size: A4 landscape; margin: 2cm }</style><p>Lageplan</p>"
    )
    pdf = render_mappe_pdf(
        title="Sitzungsmappe",
        municipality="Gemeinde Ilsfeld",
        documents=[document],
        appendices=[Appendix("Lageplan.pdf", "application/pdf", landscape, top="NÖ 1")],
        tops=["NÖ 1"],
    )
    reader = PdfReader(io.BytesIO(pdf))
    total = len(reader.pages)
    assert "TOP NÖ 1: Vorlage – Nr. 9/2024" in reader.pages[0].extract_text()
    assert "TOP NÖ 1, Anlage: Lageplan.pdf" in reader.pages[0].extract_text()
    last = reader.pages[-1]
    assert f"Sitzungsmappe, Seite {total} von {total}" in last.extract_text()
    found: list[tuple[float, float]] = []
    last.extract_text(
        visitor_text=lambda text, cm, tm, *_: (
            found.append(
                (
                    tm[4] * cm[0] + tm[5] * cm[2] + cm[4],
                    tm[4] * cm[1] + tm[5] * cm[3] + cm[5],
                )
            )
            if "Sitzungsmappe" in text
            else None
        )
    )
    width = float(last.mediabox.width)
    assert width > float(last.mediabox.height)  # still landscape
    assert found
    assert all(width / 2 < x < width and 0 < y < 60 for x, y in found), found
    for page in reader.pages:  # merged content pypdf would write uncompressed
        contents: Any = page["/Contents"].get_object()
        streams = contents if isinstance(contents, list) else [contents]
        assert all(s.get_object().get("/Filter") == "/FlateDecode" for s in streams)


def _png(width: int, height: int) -> bytes:
    """A real PNG (8-bit grey, every pixel mid-grey), written by hand: no imaging library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_an_image_attachment_is_a_page_of_the_mappe_and_nothing_is_fetched() -> None:
    """An uploaded image becomes a page of its own in the Sitzungsmappe (it made the whole
    Mappe fail with WeasyPrint 70, whose URL fetcher API changed); a document refers to
    nothing outside itself: an http image is left out, never requested."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    from workflow.documents.pdf import Appendix, html_to_pdf, render_mappe_pdf

    document = Document(
        kind="vorlage",
        title="Vorlage",
        subtitle="Nr. 9/2024",
        municipality="Gemeinde Ilsfeld",
        blocks=(Paragraph("Sachvortrag"),),
        filename="vorlage-9-2024",
    )
    pdf = render_mappe_pdf(
        title="Sitzungsmappe",
        municipality="Gemeinde Ilsfeld",
        documents=[document],
        appendices=[Appendix("Lageplan.png", "image/png", _png(40, 30), top="1")],
        tops=["1"],
    )
    reader = PdfReader(io.BytesIO(pdf))
    last = reader.pages[-1]
    assert "TOP 1, Anlage: Lageplan.png" in reader.pages[0].extract_text()
    assert [image.image.size for image in last.images if image.image is not None] == [(40, 30)]
    total = len(reader.pages)
    assert f"Sitzungsmappe, Seite {total} von {total}" in last.extract_text()

    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        out = html_to_pdf(f'<p>Wappen</p><img src="http://127.0.0.1:{port}/wappen.png">')
    finally:
        server.shutdown()
    assert "Wappen" in PdfReader(io.BytesIO(out)).pages[0].extract_text()
    assert asked == []


def _runs(page: Any) -> list[tuple[str, str, float, float]]:
    """The page's text as drawn: (text, font, x, y) of each run, y from the top."""
    runs: list[tuple[str, str, float, float]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip() and font is not None:
            runs.append((text.strip(), str(font["/BaseFont"]), float(tm[4]), float(tm[5])))

    page.extract_text(visitor_text=visit)
    return runs


def test_the_pdf_footer_is_set_in_the_body_font_and_never_wraps_the_page_count() -> None:
    """A long document and municipality name wraps in its own box on the left; "Seite 1 von
    1" stays on one line at the right, and the footer is set in the body's font."""
    document = Document(
        kind="vorlage",
        title="Vorlage",
        subtitle="Nr. 8/2024 – Sanierung und Erweiterung der Festhalle einschließlich der "
        "Neugestaltung des Festplatzes und der Außenanlagen",
        municipality="Gemeinde Bad Friedrichshall-Kochendorf am Neckar und Kocher",
        blocks=(Paragraph("Sachvortrag"),),
        filename="vorlage-8-2024",
    )
    runs = _runs(PdfReader(io.BytesIO(service.render(document, "pdf"))).pages[0])
    body = {font for text, font, _, _ in runs if text == "Sachvortrag"}
    assert len(body) == 1
    count = [run for run in runs if "Seite" in run[0] or "von" in run[0]]
    assert count
    lines = {y for _, _, _, y in count}
    assert len(lines) == 1, count  # one line, not "Seite 1 von" over "1"
    line = sorted((x, text) for text, _, x, y in runs if y in lines)
    assert flat(" ".join(text for _, text in line)).endswith("Seite 1 von 1")
    footer = [run for run in runs if run[3] >= min(y for _, _, _, y in count) - 30]
    assert "Neckar und Kocher" in " ".join(text for text, _, _, _ in footer)
    assert "Sanierung und Erweiterung" in " ".join(text for text, _, _, _ in footer)
    assert {font for _, font, _, _ in footer} == body  # not the serif default


def test_the_mappe_footer_stays_within_the_margin() -> None:
    """Its own "Sitzungsmappe, Seite 1 von 999" is wider than a document's page count: it
    ends at the right margin, not beyond it."""
    from workflow.documents.html import render_mappe_footers_html
    from workflow.documents.pdf import html_to_pdf

    page = PdfReader(io.BytesIO(html_to_pdf(render_mappe_footers_html(pages=1, total=999))))
    runs = _runs(page.pages[0])
    assert [text for text, _, _, _ in runs] == ["Sitzungsmappe, Seite 1 von 999"]
    assert runs[0][2] < 560  # px from the left: it ends at the right margin (718 px)
