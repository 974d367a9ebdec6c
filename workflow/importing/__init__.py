"""Reading a Beschlussvorlage from plain text (the Sitzungsdienst layout) into structured parts.

Pure functions, no database: ``parser.parse_vorlage`` assembles the section readers (``header``,
``table`` for the Beratungs-/Beschlussmatrix, ``texts``, ``financing``) over the shared reading
frame in ``lines``; ``checks`` compares texts for the inconsistencies reported with the result.
Storing the result is a service (``workflow.services.importer``).
"""
