"""Importing Vorlagen in the seed's format: the seed itself, further examples, bad input."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from tests.conftest import REPO, SEED, World, berlin
from workflow.cli.main import main
from workflow.context import SYSTEM
from workflow.errors import Conflict
from workflow.importing.parser import VorlageFormatError
from workflow.models import AuditEvent, Body, ConsultationStep, Proposal
from workflow.services.importer import ImportResult, import_vorlage

EXAMPLES = REPO / "tests" / "data" / "vorlagen"


def do_import(world: World, path: Path, municipality: str = "Ilsfeld") -> ImportResult:
    return world.run(
        lambda s: import_vorlage(
            session=s,
            workflows=world.workflows,
            actor=SYSTEM,
            now=berlin(date(2024, 4, 7)),
            text=path.read_text(encoding="utf-8"),
            municipality_name=municipality,
            source=str(path),
        )
    )


def steps_of(world: World, pid: int) -> list[tuple[str, date | None, bool, bool]]:
    def read(s: Session) -> list[tuple[str, date | None, bool, bool]]:
        rows = s.exec(
            select(ConsultationStep, Body)
            .join(Body, Body.id == ConsultationStep.body_id)  # type: ignore[arg-type]
            .where(ConsultationStep.proposal_id == pid)
            .order_by(ConsultationStep.position)  # type: ignore[arg-type]
        ).all()
        return [(b.name, st.planned_date, st.decides, st.public) for st, b in rows]

    return world.run(read)


def test_seed_imports_with_every_field(world: World) -> None:
    result = do_import(world, SEED)
    p = world.get(Proposal, result.proposal.id)
    assert (p.label, p.file_reference, p.department) == (
        "8/2024",
        "022.31",
        "Fachbereich Allgemeine Verwaltung",
    )
    assert (p.author_name, p.author_phone, p.proposal_date) == (
        "Sven Frank",
        "07062/9042 - 20",
        date(2024, 4, 7),
    )
    assert p.title == "Integrationsmanagement im Landkreis Heilbronn ab 2025"
    assert p.resolution_text.startswith("Die Gemeinde Ilsfeld wird das Integrationsmanagement")
    assert "30.387,20 Euro" in p.facts
    assert p.public is True
    assert p.bias_notes is None
    assert p.state == "draft"
    assert p.author_id == world.data.users["ilsfeld.clerk"].id  # matched by name
    assert steps_of(world, p.id) == [("Gemeinderat", date(2024, 4, 23), True, True)]
    [issue] = result.inconsistencies
    assert "Ilfeld" in issue.message
    assert "Ilsfeld" in issue.message


def test_seed_runs_through_the_workflow(world: World) -> None:
    """The imported seed is a normal draft: it can be submitted and co-signed."""
    pid = do_import(world, SEED).proposal.id or 0
    world.fire(
        "proposal", pid, "submit", "ilsfeld.clerk", berlin(date(2024, 4, 8)), data={"required": 1}
    )
    fired = world.fire("proposal", pid, "cosign", "ilsfeld.head", berlin(date(2024, 4, 8)))
    assert fired.followed_by[0].dest == "awaiting_release"


def test_committee_deciding_example(world: World) -> None:
    pid = do_import(world, EXAMPLES / "committee_decides.txt").proposal.id or 0
    plan = steps_of(world, pid)
    assert [name for name, *_ in plan] == ["Verwaltungsausschuss", "Technischer Ausschuss"]
    assert [decides for _, _, decides, _ in plan] == [False, True]
    assert plan[0][1] is not None
    assert plan[1][1] is not None
    assert plan[0][1] < plan[1][1]


def test_non_public_example(world: World) -> None:
    p = world.get(Proposal, do_import(world, EXAMPLES / "non_public.txt").proposal.id)
    assert p.public is False
    assert all(not public for *_, public in steps_of(world, p.id))


def test_bias_named_example(world: World) -> None:
    p = world.get(Proposal, do_import(world, EXAMPLES / "bias_named.txt").proposal.id)
    assert p.bias_notes is not None
    assert "§ 18" in p.bias_notes


def test_haushaltsstelle_and_covered_amount_are_stored(world: World) -> None:
    vorlage = EXAMPLES / "budget_line_covered_amount.txt"
    p = world.get(Proposal, do_import(world, vorlage).proposal.id)
    assert p.budget_line == "5410.0960.000"
    assert p.covered_by_budget is True
    assert p.covered_amount == Decimal("1350000.00")
    assert p.remaining_amount == Decimal("62584.38")


def test_financing_example_and_finance_office(world: World) -> None:
    p = world.get(Proposal, do_import(world, EXAMPLES / "financing_filled.txt").proposal.id)
    assert p.budget_line is not None
    assert p.remaining_amount == Decimal("12500.00")
    assert p.unplanned_amount == Decimal("3200.00")
    assert p.unplanned_coverage
    assert p.spends_outside_budget


def test_previous_sessions_example(world: World) -> None:
    p = world.get(Proposal, do_import(world, EXAMPLES / "previous_sessions.txt").proposal.id)
    assert len(p.previous_sessions) == 2
    assert all(set(s) == {"date", "body"} for s in p.previous_sessions)


def test_reimport_is_a_conflict_and_writes_nothing(world: World) -> None:
    do_import(world, SEED)
    with pytest.raises(Conflict):
        do_import(world, SEED)
    count = world.run(lambda s: s.exec(select(func.count()).select_from(Proposal)).one())
    assert count == 1


@pytest.mark.parametrize("bad", sorted((EXAMPLES / "invalid").glob("*.txt")), ids=lambda p: p.name)
def test_malformed_input_names_the_line_and_writes_nothing(world: World, bad: Path) -> None:
    with pytest.raises(VorlageFormatError) as error:
        do_import(world, bad)
    assert error.value.line >= 1
    assert str(error.value).startswith(f"{bad}:{error.value.line}: ")
    rows = world.run(lambda s: s.exec(select(func.count()).select_from(Proposal)).one())
    events = world.run(lambda s: s.exec(select(func.count()).select_from(AuditEvent)).one())
    assert (rows, events) == (0, 0)


def test_cli_import_json_on_fresh_database(
    db: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", db.url.render_as_string(hide_password=False))
    from workflow.settings import get_settings

    get_settings.cache_clear()
    try:
        code = main(["import-vorlage", str(SEED), "--json"])
    finally:
        get_settings.cache_clear()
    out, err = capsys.readouterr()
    assert code == 0
    document = json.loads(out)
    assert document["label"] == "8/2024"
    assert document["state"] == "draft"
    assert document["consultation_plan"][0]["decides"] is True
    assert "Ilfeld" in document["inconsistencies"][0]["message"]
    assert "Ilfeld" in err  # the inconsistency is also said on stderr


def test_cli_import_names_bodies_and_states_in_words(
    db: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", db.url.render_as_string(hide_password=False))
    from workflow.settings import get_settings

    get_settings.cache_clear()
    try:
        code = main(["import-vorlage", str(SEED)])
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert code == 0
    assert "Vorlage Nr. 8/2024" in out
    assert "Zustand: Entwurf" in out
    assert "1. Gemeinderat beschließt am 23.04.2024 (öffentlich)" in out
    assert "Gremium" not in out


def test_cli_import_prints_haushaltsstelle_and_covered_amount(
    db: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", db.url.render_as_string(hide_password=False))
    from workflow.settings import get_settings

    get_settings.cache_clear()
    vorlage = EXAMPLES / "budget_line_covered_amount.txt"
    try:
        code = main(["import-vorlage", str(vorlage), "--municipality", "Ilsfeld"])
    finally:
        get_settings.cache_clear()
    out = capsys.readouterr().out
    assert code == 0
    assert "Finanzierung: Haushaltsstelle 5410.0960.000, gedeckt 1.350.000,00 €" in out
    assert "1. Technischer Ausschuss berät vor am 13.06.2024 (öffentlich)" in out


def test_cli_import_malformed_exits_1(
    db: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", db.url.render_as_string(hide_password=False))
    from workflow.settings import get_settings

    get_settings.cache_clear()
    bad = EXAMPLES / "invalid" / "bad_date.txt"
    try:
        code = main(["import-vorlage", str(bad), "--municipality", "Ilsfeld"])
    finally:
        get_settings.cache_clear()
    assert code == 1
    assert capsys.readouterr().err.startswith(f"{bad}:")
