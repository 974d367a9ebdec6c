"""API shapes that differ from the tables (``XCreate``/``XUpdate``/``XRead``, lists ``XsRead``)."""
