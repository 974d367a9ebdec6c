"""Page routes, one module per area (sign-in, Meine Aufgaben, Vorlagen, …)."""
