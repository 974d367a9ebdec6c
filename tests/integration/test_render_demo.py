"""Every document of the demo data renders in every format; ``ratsflow render`` writes them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from api.cli import main
from tests.documents import text_of
from workflow.context import SYSTEM
from workflow.definitions.machines import Workflows
from workflow.demo.play import play
from workflow.documents import service
from workflow.documents.model import FORMATS, Document
from workflow.models import AgendaItem, Meeting, Proposal
from workflow.settings import get_settings

ADOPTED = (
    "Die Gemeinde Ilsfeld wird das Integrationsmanagement ab 01.01.2025 in der Verantwortung "
    "des Landratsamtes Heilbronn belassen."
)


@pytest.fixture
def demo(db: Engine, workflows: Workflows, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    play(db, workflows, out=lambda _: None)
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", db.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield db
    get_settings.cache_clear()


def story_of(session: Session) -> tuple[Proposal, Meeting, AgendaItem]:
    """Vorlage 8/2024, the Gemeinderat's session of 23.04.2024 and its agenda item."""
    proposal = next(p for p in session.exec(select(Proposal)).all() if p.label == "8/2024")
    item = session.exec(select(AgendaItem).where(AgendaItem.proposal_id == proposal.id)).first()
    assert item is not None
    meeting = session.get(Meeting, item.meeting_id)
    assert meeting is not None
    return proposal, meeting, item


def readable(document: Document) -> str:
    """The document's text; a table without rows is said in words instead (no empty grid)."""
    html = service.render(document, "html")
    assert b"<tbody></tbody>" not in html, document.filename
    return text_of(html, "html")


def test_every_demo_document_renders(demo: Engine) -> None:
    with Session(demo) as session:
        # Every document of the demo (the 2024 story and the cases of today) renders ...
        for each in session.exec(select(Proposal)).all():
            doc = service.proposal_document(
                session=session, actor=SYSTEM, proposal_id=each.id or 0, kind="vorlage"
            )
            assert each.title in readable(doc)
        for each_meeting in session.exec(select(Meeting)).all():
            for kind in ("einladung", "bekanntmachung", "niederschrift"):
                doc = service.meeting_document(
                    session=session, actor=SYSTEM, meeting_id=each_meeting.id or 0, kind=kind
                )
                assert readable(doc)
        for each_item in session.exec(select(AgendaItem)).all():
            if each_item.proposal_id is not None and each_item.outcome is not None:
                doc = service.item_document(
                    session=session, actor=SYSTEM, item_id=each_item.id or 0, kind="beschlussauszug"
                )
                assert readable(doc)
        # ... and the story's Vorlage 8/2024 in every format, with its facts.
        proposal, meeting, item = story_of(session)
        documents = [
            service.proposal_document(
                session=session, actor=SYSTEM, proposal_id=proposal.id or 0, kind="vorlage"
            ),
            service.item_document(
                session=session, actor=SYSTEM, item_id=item.id or 0, kind="beschlussauszug"
            ),
            *(
                service.meeting_document(
                    session=session, actor=SYSTEM, meeting_id=meeting.id or 0, kind=kind
                )
                for kind in ("einladung", "bekanntmachung", "niederschrift")
            ),
        ]
    texts = {
        (d.kind, fmt): text_of(service.render(d, fmt), fmt) for d in documents for fmt in FORMATS
    }
    for fmt in FORMATS:
        # The Beschlussvorschlag, adopted unchanged, reads the same wherever it appears.
        assert texts[("vorlage", fmt)].count(ADOPTED) == 2
        assert ADOPTED in texts[("beschlussauszug", fmt)]
        assert ADOPTED in texts[("niederschrift", fmt)]
        assert "16 Ja, 0 Nein, 1 Enthaltung" in texts[("beschlussauszug", fmt)]
        assert "Zur Ausführung Fachbereich Allgemeine Verwaltung" in texts[("beschlussauszug", fmt)]
        assert "Dienstag, 23.04.2024, 19:00 Uhr" in texts[("einladung", fmt)]
        assert "Beate Beispiel" in texts[("einladung", fmt)]
        assert "ENTWURF" not in texts[("niederschrift", fmt)]  # signed on 29.04.2024
        assert "Abwesend Renate Busch, Stefan Ott" in texts[("niederschrift", fmt)]
        assert "gez. am 29.04.2024 Beate Beispiel Vorsitz" in texts[("niederschrift", fmt)]


def test_render_command_writes_the_files(
    demo: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Session(demo) as session:
        _, meeting, _ = story_of(session)
    for args, fmt, expected in [
        (["vorlage", "8/2024", "--municipality", "Ilsfeld"], "pdf", "Vorlage Nr. 8/2024"),
        (["beschlussauszug", "8/2024"], "docx", ADOPTED),
        (["einladung", str(meeting.id)], "html", "Einladung zur Sitzung des Gemeinderats"),
    ]:
        target = tmp_path / f"{args[0]}.{fmt}"
        assert main(["render", *args, "-o", str(target)]) == 0  # format from the suffix
        assert expected in text_of(target.read_bytes(), fmt)
    target = tmp_path / "x.pdf"
    assert main(["render", "vorlage", "99/2024", "-o", str(target)]) == 1
    assert "Vorlage 99/2024 wurde nicht gefunden" in capsys.readouterr().err
    assert main(["render", "niederschrift", "abc", "-o", str(target)]) == 1
    assert "weder eine ID noch eine Vorlagennummer" in capsys.readouterr().err
    argv = ["render", "vorlage", "8/2024", "--municipality", "Nirgendwo", "-o", str(target)]
    assert main(argv) == 1
    assert "Nirgendwo" in capsys.readouterr().err
    assert not target.exists()
