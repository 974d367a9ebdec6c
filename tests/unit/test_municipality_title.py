"""How a municipality names itself: Große Kreisstädte and Stadtkreise are Städte (§ 3 GemO), and
so is a Gemeinde with the title Stadt (§ 5 Abs. 2 GemO)."""

from __future__ import annotations

from workflow.models import Municipality
from workflow.supervision import municipality_title


def test_gemeinde_or_stadt_by_status() -> None:
    assert municipality_title(Municipality(name="Ilsfeld")) == "Gemeinde Ilsfeld"
    for status in ("stadt", "grosse_kreisstadt", "stadtkreis"):
        town = Municipality(name="Neckarsulm", settings={"municipal_status": status})
        assert municipality_title(town) == "Stadt Neckarsulm"
