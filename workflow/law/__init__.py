"""The pure rules of the GemO and BGB: periods and working days (``periods``, §§ 187–193 BGB),
votes and quorum (``voting``), elections (``elections``, § 37 Abs. 7), reserved matters
(``reserved_matters``, § 39 Abs. 2), subjects and remits (``subjects``), the Beratungsfolge
(``consultation``) and budget coverage (``budget_coverage``).

No session, no I/O, no clock: functions of their arguments. The package imports nothing of
the project but itself (tests/unit/test_import_graph.py); a refusal is ``errors.RefusedInput``.
"""
