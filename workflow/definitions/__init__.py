"""Workflow definitions: YAML (``loader``) → validated spec (``spec``) → one ``transitions``
machine per version (``machines``); the registry of guards, actions and anchors by name
(``registry``, filled by ``workflow.composition``); versions that change (``diff``,
``state_map``) and the state diagram (``diagram``)."""
