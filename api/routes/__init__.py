"""Routers; each route parses, calls one service and returns (STYLE.md)."""
