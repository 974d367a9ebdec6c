"""The demo: a client of the services, not part of the engine. ``play`` runs ``ratsflow demo``
(the Ilsfeld Vorlage's story, ``story``), ``district`` the Landratsamt's request to its 46
towns, ``today`` a current set of cases; ``data`` ships the texts it reads as package data."""
