"""HTTP API (FastAPI); depends on workflow/, never the other way round."""
