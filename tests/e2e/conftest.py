"""Fixtures every browser test module shares."""

from __future__ import annotations

import logging

import pytest

from tests.support.browser import chromium


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium, one per test module."""
    with chromium() as launched:
        yield launched


@pytest.fixture
def no_server_errors(caplog):
    """Fails the test on any error the server logged (modules that want it use it)."""
    yield
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failures, [r.getMessage() for r in failures]
