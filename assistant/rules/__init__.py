"""Compliance rules and the detector of text addressed to the assistant."""
