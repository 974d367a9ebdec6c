"""Rechtmäßigkeitsnachweis: for every resolution, each GemO requirement checked from the
recorded facts and the audit log, with its evidence (issue 15).

``facts`` loads what the checks read (the one module that touches the database for them);
``convening``, ``competence``, ``voting`` and ``aftermath`` hold the pure checks by group;
``report`` runs them; ``document`` and ``cli`` present the result.
"""
