"""Fixtures for the interaction tests: two journalists of two outlets."""

from __future__ import annotations

import pytest

from tests.factories import journalist


@pytest.fixture
def kari(app):
    return journalist("Kari Nordmann", org="NRK", emails=["kari@nrk.no"], phones=["91234567"])


@pytest.fixture
def ola(app):
    return journalist("Ola Ødegård", org="VG")
