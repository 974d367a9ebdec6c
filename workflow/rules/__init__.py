"""Guards, actions and anchors that definitions name; wired in ``registry.default_registry``."""
