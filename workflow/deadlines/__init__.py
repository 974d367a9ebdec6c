"""Fristen and what acts on time: opening and closing deadlines with their transitions
(``lifecycle``), the instants they act at (``acts``), the sweep that fires due acts
(``sweep``) and its scheduler (``scheduler``), notices and their texts (``notify``), e-mail
(``mail``), iCalendar feeds (``ical``) and the earliest decision date (``planning``)."""
