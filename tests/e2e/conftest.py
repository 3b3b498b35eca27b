"""Fixtures every browser test module shares."""

from __future__ import annotations

import pytest

from tests.support.browser import chromium


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium, one per test module."""
    with chromium() as launched:
        yield launched
