"""``ratsflow setup`` on an empty database: a municipality, its Gemeinderat and the first
administrator, who signs in and creates a committee on the page "Verwaltung"; refusals
leave nothing half made."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from api.app import create_app
from api.cli import main
from api.security import verify_password
from tests.api.conftest import FixedClock, TestClient
from tests.api.test_ui_foundation import csrf_of, sign_in
from tests.conftest import berlin
from workflow.definitions.machines import Workflows
from workflow.models import Body, District, Municipality, User
from workflow.runtime import Runtime
from workflow.services.throttle import FREE_FAILURES
from workflow.settings import Settings

PASSWORD = "Rathaus-Schlüssel-2026"
SETUP = [
    "setup",
    "--gemeinde",
    "Musterhausen",
    "--landkreis",
    "Landkreis Musterkreis",
    "--ags",
    "08125999",
    "--admin",
    "admin.musterhausen",
    "--name",
    "Uwe Ordner",
    "--email",
    "it@musterhausen.de",
]


@pytest.fixture
def database(db: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The commands' database is the test database, their password the environment's."""
    monkeypatch.setenv("RATSFLOW_DATABASE_URL", db.url.render_as_string(hide_password=False))
    monkeypatch.setenv("RATSFLOW_ADMIN_PASSWORD", PASSWORD)
    return db


def _app(database: Engine, workflows: Workflows, tmp_path: Path) -> FastAPI:
    settings = Settings(secret_key="x" * 40, files_dir=tmp_path / "files")
    runtime = Runtime(settings=settings, engine=database, workflows=workflows)
    return create_app(
        settings,
        runtime=runtime,
        start_scheduler=False,
        clock=FixedClock(berlin(date(2026, 12, 7))),
    )


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def test_setup_makes_a_municipality_its_council_and_an_admin_who_signs_in(
    database: Engine, workflows: Workflows, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(SETUP) == 0
    out = capsys.readouterr().out
    assert "Gemeinde Musterhausen eingerichtet." in out
    assert "Gremium „Gemeinderat“ angelegt." in out
    assert "Konto „admin.musterhausen“ (Uwe Ordner, Administration) angelegt." in out
    with Session(database) as session:
        town = session.exec(select(Municipality)).one()
        assert (town.name, town.ags) == ("Musterhausen", "08125999")
        district = session.get(District, town.district_id)
        assert district is not None
        assert district.name == "Landkreis Musterkreis"
        council = session.exec(select(Body)).one()
        assert (council.name, council.kind, council.municipality_id) == (
            "Gemeinderat",
            "council",
            town.id,
        )
        admin = session.exec(select(User)).one()
        assert (admin.role, admin.municipality_id, admin.email) == (
            "admin",
            town.id,
            "it@musterhausen.de",
        )
        assert verify_password(admin.password_hash, PASSWORD)
        assert PASSWORD not in (admin.password_hash or "")

    # the administrator signs in and creates the first committee
    with TestClient(_app(database, workflows, tmp_path)) as client:
        signed_in = sign_in(client, "admin.musterhausen", PASSWORD)
        assert signed_in.status_code == 303
        page = client.get("/verwaltung").text
        assert "Gremium anlegen" in page
        kinds = page.split('id="body_kind"')[1].split("</select>")[0]
        assert 'value="council"' not in kinds, "one Gemeinderat per municipality"
        assert 'value="deciding_committee"' in kinds

        refused = client.post(
            "/verwaltung/gremien",
            data={"csrf_token": csrf_of(page), "body_name": "", "body_kind": "zirkel"},
        )
        assert refused.status_code == 422
        assert "Bitte geben Sie den Namen des Gremiums" in refused.text
        assert "Bitte wählen Sie die Art des Gremiums." in refused.text
        twice = client.post(
            "/verwaltung/gremien",
            data={"csrf_token": csrf_of(page), "body_name": "Zweiter Rat", "body_kind": "council"},
        )
        assert twice.status_code == 422
        assert "Die Gemeinde hat bereits einen Gemeinderat" in twice.text
        created = client.post(
            "/verwaltung/gremien",
            data={
                "csrf_token": csrf_of(page),
                "body_name": "Technischer Ausschuss",
                "body_kind": "deciding_committee",
            },
            follow_redirects=False,
        )
        assert created.status_code == 303
        body_page = client.get(created.headers["location"]).text
        assert "Das Gremium „Technischer Ausschuss“ (beschließender Ausschuss) wurde angelegt." in (
            body_page
        )
    with Session(database) as session:
        kinds = session.exec(select(Body.kind).order_by(col(Body.id))).all()
        assert kinds == ["council", "deciding_committee"]


def test_a_second_run_finds_the_municipality_and_adds_an_account_only(
    database: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(SETUP) == 0
    capsys.readouterr()
    second = [*SETUP[:-4], "--admin", "it.musterhausen", "--name", "Ida Technik"]
    assert main(second) == 0
    out = capsys.readouterr().out
    assert "Gemeinde Musterhausen gefunden." in out
    assert "Gremium „Gemeinderat“ gibt es bereits." in out
    assert (_count(database, Municipality), _count(database, Body)) == (1, 1)
    assert _count(database, User) == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--admin": "A"}, "Bitte geben Sie einen Benutzernamen mit 3 bis 100 Zeichen an"),
        ({"--email": "keine-adresse"}, "Bitte geben Sie eine gültige E-Mail-Adresse ein"),
        ({"--ags": "0812"}, "Der Amtliche Gemeindeschlüssel hat 8 Ziffern"),
        ({"--gemeinde": " "}, "Bitte den Namen der Gemeinde angeben"),
    ],
)
def test_refused_input_is_one_line_and_makes_nothing(
    database: Engine,
    capsys: pytest.CaptureFixture[str],
    change: dict[str, str],
    message: str,
) -> None:
    args = list(SETUP)
    for flag, value in change.items():
        args[args.index(flag) + 1] = value
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fehler: ")
    assert message in err
    assert _count(database, Municipality) == 0


def test_a_taken_username_leaves_no_municipality_behind(
    database: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(SETUP) == 0
    other = [*SETUP]
    other[other.index("--gemeinde") + 1] = "Beispielstadt"
    assert main(other) == 1
    assert 'Den Benutzernamen "admin.musterhausen" gibt es bereits' in capsys.readouterr().err
    with Session(database) as session:
        assert session.exec(select(Municipality.name)).all() == ["Musterhausen"]


def test_the_password_comes_from_the_environment_or_the_terminal_never_an_argument(
    database: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RATSFLOW_ADMIN_PASSWORD", "kurz")
    assert main(SETUP) == 1
    assert "Das Passwort muss mindestens 12 Zeichen lang sein." in capsys.readouterr().err
    monkeypatch.delenv("RATSFLOW_ADMIN_PASSWORD")
    assert main(SETUP) == 1  # no terminal under pytest: nothing to ask
    assert "RATSFLOW_ADMIN_PASSWORD" in capsys.readouterr().err
    assert _count(database, User) == 0
    with pytest.raises(SystemExit):
        main([*SETUP, "--password", PASSWORD])


LANDRATSAMT = [
    "setup",
    "--landkreis",
    "Landkreis Musterkreis",
    "--koordination",
    "lra.musterkreis",
    "--name",
    "Lena Kreis",
    "--email",
    "abfragen@lra-musterkreis.de",
]


def test_without_a_municipality_setup_makes_the_landratsamt_s_account_who_asks_its_towns(
    database: Engine, workflows: Workflows, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(SETUP) == 0  # Musterhausen, in Landkreis Musterkreis
    capsys.readouterr()
    assert main(LANDRATSAMT) == 0
    out = capsys.readouterr().out
    assert "Landkreis Musterkreis gefunden." in out
    assert "Konto „lra.musterkreis“ (Lena Kreis, Landratsamt) angelegt." in out
    assert "Gemeinden des Landkreises in Ratsflow: Musterhausen." in out
    with Session(database) as session:
        district = session.exec(select(District)).one()
        coordinator = session.exec(select(User).where(User.username == "lra.musterkreis")).one()
        assert (
            coordinator.role,
            coordinator.district_id,
            coordinator.municipality_id,
            coordinator.email,
        ) == ("district_coordinator", district.id, None, "abfragen@lra-musterkreis.de")
        assert verify_password(coordinator.password_hash, PASSWORD)

    with TestClient(_app(database, workflows, tmp_path)) as client:
        assert sign_in(client, "lra.musterkreis", PASSWORD).status_code == 303
        form = client.get("/abfragen/neu").text
        ticked = re.findall(r'name="gemeinde" value="(\d+)" checked', form)
        assert len(ticked) == 1  # the district's one municipality set up so far
        made = client.post(
            "/abfragen/neu",
            data={
                "csrf_token": csrf_of(form),
                "title": "Integrationsmanagement ab 01.01.2027",
                "explanation": "Bleibt das Integrationsmanagement beim Landkreis?",
                "reply_deadline": "2027-02-26",
                "effective_date": "2027-01-01",
                "option-1-label": "beim Landkreis belassen",
                "option-2-label": "eigene Regie",
                "default_option": "1",
                "gemeinde": ticked,
            },
        )
        assert made.status_code == 200, made.text
        assert "wurde an 1 Gemeinde versandt" in made.text
        assert client.get("/verwaltung").status_code == 403  # no municipality to administer


def test_a_new_landkreis_is_made_and_says_how_its_towns_join(
    database: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [*LANDRATSAMT]
    args[args.index("--landkreis") + 1] = "Landkreis Neukreis"
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Landkreis Neukreis eingerichtet." in out
    assert 'ratsflow setup --gemeinde NAME --landkreis "Landkreis Neukreis"' in out
    assert main(args) == 1  # the username is taken now
    assert 'Den Benutzernamen "lra.musterkreis" gibt es bereits' in capsys.readouterr().err
    assert _count(database, District) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--gemeinde", "Musterhausen", "--name", "X"], "Bitte mit --admin den Benutzernamen"),
        ([*LANDRATSAMT[1:], "--gemeinde", "Musterhausen"], "bitte ohne --gemeinde"),
        (["--landkreis", "Landkreis Musterkreis", "--name", "X"], "oder --landkreis und"),
        (["--koordination", "lra.x", "--name", "X"], "Bitte --gemeinde und --admin angeben"),
        ([*LANDRATSAMT[1:], "--admin", "admin.x"], "gehören zu einer Gemeinde"),
        ([*LANDRATSAMT[1:3], "--koordination", "L", "--name", "X"], "Benutzernamen mit 3"),
    ],
)
def test_the_two_set_ups_are_told_apart_and_a_mix_is_refused(
    database: Engine, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["setup", *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Fehler: ")
    assert message in err
    assert _count(database, User) == 0
    assert _count(database, District) == 0


def test_a_municipality_set_up_without_its_landkreis_joins_it_later_but_never_another(
    database: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    alone = [*SETUP]
    del alone[alone.index("--landkreis") : alone.index("--landkreis") + 2]
    assert main(alone) == 0
    capsys.readouterr()
    again = [*SETUP]
    again[again.index("--admin") + 1] = "admin2.musterhausen"
    assert main(again) == 0
    assert "Die Gemeinde gehört jetzt zum Landkreis Musterkreis." in capsys.readouterr().out
    other = [*again]
    other[other.index("--admin") + 1] = "admin3.musterhausen"
    other[other.index("--landkreis") + 1] = "Landkreis Anderswo"
    assert main(other) == 1
    err = capsys.readouterr().err
    assert "Die Gemeinde Musterhausen gehört bereits zum Landkreis Musterkreis" in err
    with Session(database) as session:
        town = session.exec(select(Municipality)).one()
        district = session.get(District, town.district_id)
        assert district is not None
        assert district.name == "Landkreis Musterkreis"
        names = session.exec(select(District.name)).all()
        assert names == ["Landkreis Musterkreis"]  # the refused run made nothing
        assert session.exec(select(func.count()).select_from(User)).one() == 2


def test_a_forgotten_password_is_reset_from_the_installation(
    database: Engine,
    workflows: Workflows,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    """The only administrator, or the Landratsamt's account, has nobody to set a new
    password: ``ratsflow password`` does, ending every sign-in and the counted failures."""
    assert main(SETUP) == 0
    assert main(LANDRATSAMT) == 0
    capsys.readouterr()
    with TestClient(_app(database, workflows, tmp_path)) as client:
        for _ in range(FREE_FAILURES["account"] + 1):
            sign_in(client, "lra.musterkreis", "falsch-geraten")
        assert sign_in(client, "lra.musterkreis", PASSWORD).status_code == 429
        new = "Neues-Kreis-Passwort-2027"
        monkeypatch.setenv("RATSFLOW_ADMIN_PASSWORD", "kurz")
        assert main(["password", "lra.musterkreis"]) == 1
        assert "mindestens 12 Zeichen" in capsys.readouterr().err
        monkeypatch.setenv("RATSFLOW_ADMIN_PASSWORD", new)
        assert main(["password", "niemand.da"]) == 1
        assert "Dieser Benutzer wurde nicht gefunden." in capsys.readouterr().err
        assert main(["password", "lra.musterkreis"]) == 0
        out = capsys.readouterr().out
        assert "Neues Passwort für „lra.musterkreis“ (Lena Kreis) gesetzt" in out
        assert sign_in(client, "lra.musterkreis", PASSWORD).status_code == 401
        assert sign_in(client, "lra.musterkreis", new).status_code == 303
    with Session(database) as session:
        admin = session.exec(select(User).where(User.username == "admin.musterhausen")).one()
        assert verify_password(admin.password_hash, PASSWORD)  # nobody else's changed
