"""Grounded answers: extractive or generated, always cited by the app itself."""
