"""Shared pytest configuration: let Home Assistant tests load this integration."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytest_homeassistant_custom_component"]


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(request: pytest.FixtureRequest) -> None:
    """Enable custom integrations for every test that uses the hass fixture."""
    if "hass" in request.fixturenames:
        request.getfixturevalue("enable_custom_integrations")
