"""Fixtures for the checker's tests: a simulated web on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from loopback_web import Web


@pytest.fixture
def web() -> Iterator[Web]:
    simulated = Web()
    yield simulated
    simulated.close()
