"""German alphabetical order (DIN 5007-1) for lists of municipality names."""

from __future__ import annotations

from workflow.collation import german_key


def test_umlauts_file_as_their_base_letter_and_case_does_not_count() -> None:
    names = ["Gundelsheim", "Öhringen", "Güglingen", "obersulm", "Abstatt", "Zaberfeld"]
    assert sorted(names) == [
        "Abstatt",
        "Gundelsheim",
        "Güglingen",
        "Zaberfeld",
        "obersulm",
        "Öhringen",
    ]  # code point order, what the lists showed
    assert sorted(names, key=german_key) == [
        "Abstatt",
        "Güglingen",
        "Gundelsheim",
        "obersulm",
        "Öhringen",
        "Zaberfeld",
    ]


def test_sharp_s_files_as_ss_and_equal_folds_keep_one_order() -> None:
    assert sorted(["Strauß", "Strausberg", "Strausz"], key=german_key) == [
        "Strausberg",
        "Strauß",
        "Strausz",
    ]
    assert sorted(["Mühlhausen", "Muhlhausen"], key=german_key) == [
        "Muhlhausen",
        "Mühlhausen",
    ]
