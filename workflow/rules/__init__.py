"""Guards, actions and anchors that definitions name; wired in ``workflow.composition``."""
