"""Fixtures of the hub flow tests (test_config_flow*.py)."""

from __future__ import annotations

from collections.abc import Generator
from unittest.mock import AsyncMock, patch

import pytest
from homeassistant.core import HomeAssistant


@pytest.fixture
def mock_setup() -> Generator[AsyncMock]:
    """Creating entries must not depend on the coordinator."""
    with (
        patch(
            "custom_components.dynamic_ocpp_evse.async_setup_entry",
            AsyncMock(return_value=True),
            create=True,
        ) as setup,
        patch(
            "custom_components.dynamic_ocpp_evse.async_unload_entry",
            AsyncMock(return_value=True),
            create=True,
        ),
    ):
        yield setup


@pytest.fixture
def sensors(hass: HomeAssistant) -> None:
    """Meter, solar and battery sensors as a typical site has them."""
    for n in (1, 2, 3):
        hass.states.async_set(
            f"sensor.grid_l{n}", "3.2", {"device_class": "current", "unit_of_measurement": "A"}
        )
    hass.states.async_set(
        "sensor.solar_power", "1200", {"device_class": "power", "unit_of_measurement": "W"}
    )
    hass.states.async_set(
        "sensor.battery_soc", "55", {"device_class": "battery", "unit_of_measurement": "%"}
    )
    hass.states.async_set(
        "sensor.battery_power", "-0.4", {"device_class": "power", "unit_of_measurement": "kW"}
    )
    hass.states.async_set("sensor.outdoor_temperature", "12", {"unit_of_measurement": "°C"})
    hass.states.async_set("sensor.text_state", "hello", {"unit_of_measurement": "A"})
