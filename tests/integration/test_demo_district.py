"""The district's reference data: which municipalities are Städte or Große Kreisstädte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from tests.conftest import SEED, World
from workflow.cli.main import main
from workflow.models import Municipality
from workflow.supervision import municipal_status, municipality_title, supervisory_authority


def test_demo_district_knows_its_towns_and_grosse_kreisstaedte(world: World) -> None:
    with Session(world.engine) as session:
        towns = {m.name: m for m in session.exec(select(Municipality))}
        statuses = {name: municipal_status(m) for name, m in towns.items()}
        assert len(towns) == 46
        assert sorted(n for n, s in statuses.items() if s == "grosse_kreisstadt") == [
            "Bad Rappenau",
            "Eppingen",
            "Neckarsulm",
        ]
        assert sum(s == "stadt" for s in statuses.values()) == 15
        assert statuses["Ilsfeld"] == "gemeinde"
        assert municipality_title(towns["Brackenheim"]) == "Stadt Brackenheim"
        assert municipality_title(towns["Flein"]) == "Gemeinde Flein"
        # § 119 GemO: a Große Kreisstadt answers to the Regierungspräsidium, a Stadt to the
        # Landratsamt as any Gemeinde.
        assert supervisory_authority(session, towns["Eppingen"]).kind == "regierungspraesidium"
        assert supervisory_authority(session, towns["Weinsberg"]).name == ("Landratsamt Heilbronn")


def test_cli_import_recognises_a_stadt_by_its_letterhead(
    db: Engine,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", db.url.render_as_string(hide_password=False))
    from workflow.settings import get_settings

    vorlage = tmp_path / "brackenheim.txt"
    text = SEED.read_text(encoding="utf-8").replace("Gemeinde Ilsfeld", "Stadt Brackenheim")
    vorlage.write_text(text, encoding="utf-8")
    get_settings.cache_clear()
    try:
        code = main(["import-vorlage", str(vorlage), "--json"])
    finally:
        get_settings.cache_clear()
    assert code == 0, capsys.readouterr().err
    document = json.loads(capsys.readouterr().out)
    with Session(db) as session:
        town = session.exec(
            select(Municipality).where(Municipality.id == document["municipality_id"])
        ).one()
    assert town.name == "Brackenheim"
