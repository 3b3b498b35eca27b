"""Fast tests: no model, no server, no subprocess."""
