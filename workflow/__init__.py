"""Ratsflow's engine: council workflows under the GemO Baden-Württemberg, usable without HTTP.

Packages by responsibility: ``law`` (the pure rules of GemO and BGB), ``definitions`` (YAML →
validated spec → state machines, the registry by name), ``models`` (tables), ``rules`` (the
guards, actions and anchors definitions name), ``deadlines`` (Fristen, sweep, notices, mail,
calendar), ``services`` (units of work), ``importing`` (the Vorlage parser), ``documents``
(Vorlage, Einladung, Niederschrift … as HTML, PDF, DOCX), ``demo`` and ``cli`` (clients of the
services). ``composition`` wires the rules into the registry. Shared modules: ``context``
(actor, firing context), ``errors``, ``db``, ``settings``, ``clock``, ``audit``, ``access``
(visibility), ``queries``, ``engine`` (which triggers an actor may fire), ``runtime``
(settings + database + machines), ``schema`` (Alembic), ``files`` (uploads), ``roles``.

tests/unit/test_import_graph.py holds the line: no import circle between modules, nothing
here imports ``api`` or the web frameworks, ``law`` imports only itself, ``rules`` no
services, ``definitions`` neither rules nor services.
"""
