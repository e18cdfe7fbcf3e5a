"""Hub config flow: creating a hub, every validation error, reconfiguring."""

from __future__ import annotations

import json
from collections.abc import Generator
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, patch

import pytest
from homeassistant import config_entries
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dynamic_ocpp_evse.const import DOMAIN

STRINGS = json.loads(
    (Path(__file__).parents[2] / "custom_components" / DOMAIN / "strings.json").read_text()
)

SITE = {
    "name": "Home",
    "grid_sensor_a": "sensor.grid_l1",
    "grid_sensor_b": "sensor.grid_l2",
    "grid_sensor_c": "sensor.grid_l3",
    "grid_invert": False,
    "main_breaker_a": 25,
    "voltage": 230,
}
CONTROL = {
    "import_limit_w": 11000,
    "distribution": "shared",
    "excess_threshold_w": 5000,
    "allow_grid_charging": False,
    "update_interval_s": 5,
    "ocpp_server_enabled": True,
    "ocpp_server_host": "0.0.0.0",
    "ocpp_server_port": 9100,
}
ENERGY = {
    "solar_entity": "sensor.solar_power",
    "battery_soc_entity": "sensor.battery_soc",
    "battery_power_entity": "sensor.battery_power",
    "battery_min_soc": 15,
    "battery_target_soc": 90,
    "battery_max_charge_w": 4000,
    "battery_max_discharge_w": 4500,
    "inverter_max_w": 10000,
    "inverter_max_w_per_phase": 3680,
    "inverter_asymmetric": True,
}


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


def suggested(result: dict[str, Any], key: str) -> Any:
    """The value a form pre-fills for ``key`` (suggested value, else default)."""
    for marker in result["data_schema"].schema:
        if marker == key:
            if marker.description and "suggested_value" in marker.description:
                return marker.description["suggested_value"]
            default = marker.default
            return default() if callable(default) else default
    raise KeyError(key)


def assert_translated(code: str) -> None:
    """Every error a user can see has a text in strings.json."""
    assert code in STRINGS["config"]["error"], code


async def start(hass: HomeAssistant) -> dict[str, Any]:
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )


async def to_step(hass: HomeAssistant, step: str) -> dict[str, Any]:
    """Run the flow with valid answers up to ``step``."""
    result = await start(hass)
    if step == "user":
        return result
    result = await hass.config_entries.flow.async_configure(result["flow_id"], SITE)
    if step == "control":
        return result
    return await hass.config_entries.flow.async_configure(result["flow_id"], CONTROL)


@pytest.mark.usefixtures("sensors")
async def test_full_flow_creates_hub(hass: HomeAssistant, mock_setup: AsyncMock) -> None:
    result = await start(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    # the phase current sensors are suggested, the temperature sensor is not
    assert suggested(result, "grid_sensor_a") == "sensor.grid_l1"
    assert suggested(result, "grid_sensor_b") == "sensor.grid_l2"
    assert suggested(result, "grid_sensor_c") == "sensor.grid_l3"

    result = await hass.config_entries.flow.async_configure(result["flow_id"], SITE)
    assert result["step_id"] == "control"
    assert suggested(result, "ocpp_server_enabled") is False
    assert suggested(result, "ocpp_server_port") == 9016
    result = await hass.config_entries.flow.async_configure(result["flow_id"], CONTROL)
    assert result["step_id"] == "energy"
    assert suggested(result, "solar_entity") == "sensor.solar_power"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], ENERGY)
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Home"
    assert result["data"] == {**SITE, **CONTROL, **ENERGY}
    assert isinstance(result["data"]["ocpp_server_port"], int)
    assert mock_setup.await_count == 1


async def test_minimal_single_phase_hub_in_watts(
    hass: HomeAssistant, mock_setup: AsyncMock
) -> None:
    hass.states.async_set("sensor.meter_power", "-850", {"unit_of_measurement": "W"})
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "name": "Cabin",
            "grid_sensor_a": "sensor.meter_power",
            "main_breaker_a": 16,
            "voltage": 230,
        },
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"distribution": "priority", "excess_threshold_w": 0, "update_interval_s": 5},
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {
            "battery_min_soc": 20,
            "battery_target_soc": 80,
            "battery_max_charge_w": 5000,
            "battery_max_discharge_w": 5000,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    data = result["data"]
    assert data["grid_sensor_a"] == "sensor.meter_power"
    assert "grid_sensor_b" not in data and "grid_sensor_c" not in data
    assert "solar_entity" not in data and "import_limit_w" not in data
    assert data["ocpp_server_enabled"] is False
    assert data["ocpp_server_port"] == 9016


@pytest.mark.usefixtures("sensors")
@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"grid_sensor_a": "sensor.does_not_exist"}, "grid_sensor_a", "entity_not_found"),
        ({"grid_sensor_b": "sensor.text_state"}, "grid_sensor_b", "not_numeric"),
        ({"grid_sensor_c": "sensor.outdoor_temperature"}, "grid_sensor_c", "wrong_unit"),
        ({"grid_sensor_b": "sensor.grid_l1"}, "grid_sensor_b", "duplicate_entity"),
        ({"voltage": 20}, "voltage", "out_of_range"),
        ({"main_breaker_a": 0}, "main_breaker_a", "out_of_range"),
    ],
)
async def test_site_step_errors(
    hass: HomeAssistant, changes: dict[str, Any], field: str, error: str
) -> None:
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {**SITE, **changes})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {field: error}
    assert_translated(error)
    # the user's answers stay in the form
    assert suggested(result, field) == {**SITE, **changes}[field]


@pytest.mark.usefixtures("sensors")
async def test_unavailable_sensor_is_accepted(hass: HomeAssistant) -> None:
    """A meter that is still starting must not block the setup."""
    hass.states.async_set("sensor.grid_l2", "unavailable", {})
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], SITE)
    assert result["step_id"] == "control"


@pytest.mark.usefixtures("sensors")
async def test_hub_name_and_grid_sensor_must_be_unique(hass: HomeAssistant) -> None:
    MockConfigEntry(
        domain=DOMAIN, title="Home", data={**SITE, "grid_sensor_a": "sensor.grid_l3"}
    ).add_to_hass(hass)
    MockConfigEntry(
        domain=DOMAIN, title="Barn", data={"grid_sensor_a": "sensor.grid_l1"}
    ).add_to_hass(hass)
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**SITE, "name": " home "}
    )
    assert result["errors"] == {"name": "name_exists", "grid_sensor_a": "grid_sensor_in_use"}
    assert_translated("name_exists")
    assert_translated("grid_sensor_in_use")


@pytest.mark.usefixtures("sensors")
@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"import_limit_entity": "sensor.solar_power"}, "import_limit_entity", "import_limit_both"),
        (
            {"import_limit_w": None, "import_limit_entity": "sensor.grid_l1"},
            "import_limit_entity",
            "wrong_unit",
        ),
        ({"import_limit_w": 50}, "import_limit_w", "out_of_range"),
        ({"ocpp_server_port": 70000}, "ocpp_server_port", "out_of_range"),
        ({"ocpp_server_host": ""}, "ocpp_server_host", "required"),
        ({"update_interval_s": 0}, "update_interval_s", "out_of_range"),
    ],
)
async def test_control_step_errors(
    hass: HomeAssistant, changes: dict[str, Any], field: str, error: str
) -> None:
    result = await to_step(hass, "control")
    answers = {k: v for k, v in {**CONTROL, **changes}.items() if v is not None}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], answers)
    assert result["step_id"] == "control"
    assert result["errors"] == {field: error}
    assert_translated(error)


@pytest.mark.usefixtures("sensors")
async def test_server_port_of_another_hub_is_refused(hass: HomeAssistant) -> None:
    MockConfigEntry(
        domain=DOMAIN,
        title="Barn",
        data={"ocpp_server_enabled": True, "ocpp_server_port": 9100},
    ).add_to_hass(hass)
    result = await to_step(hass, "control")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], CONTROL)
    assert result["errors"] == {"ocpp_server_port": "port_in_use"}
    # the same port is fine when this hub does not run a server
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**CONTROL, "ocpp_server_enabled": False}
    )
    assert result["step_id"] == "energy"


@pytest.mark.usefixtures("sensors")
@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"battery_min_soc": 95}, "battery_min_soc", "min_above_max"),
        ({"battery_target_soc": 120}, "battery_target_soc", "out_of_range"),
        ({"battery_soc_entity": "sensor.battery_power"}, "battery_soc_entity", "wrong_unit"),
        ({"solar_entity": "sensor.grid_l1"}, "solar_entity", "wrong_unit"),
        ({"battery_power_entity": "sensor.missing"}, "battery_power_entity", "entity_not_found"),
        ({"inverter_max_w_per_phase": 20000}, "inverter_max_w_per_phase", "min_above_max"),
    ],
)
async def test_energy_step_errors(
    hass: HomeAssistant, changes: dict[str, Any], field: str, error: str
) -> None:
    result = await to_step(hass, "energy")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**ENERGY, **changes}
    )
    assert result["step_id"] == "energy"
    assert result["errors"] == {field: error}
    assert_translated(error)


@pytest.mark.usefixtures("sensors")
async def test_error_can_be_corrected(hass: HomeAssistant, mock_setup: AsyncMock) -> None:
    result = await to_step(hass, "energy")
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**ENERGY, "battery_min_soc": 95}
    )
    assert result["errors"]
    result = await hass.config_entries.flow.async_configure(result["flow_id"], ENERGY)
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("sensors")
async def test_reconfigure_changes_settings_and_clears_fields(
    hass: HomeAssistant, mock_setup: AsyncMock
) -> None:
    entry = MockConfigEntry(domain=DOMAIN, title="Home", data={**SITE, **CONTROL, **ENERGY})
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    assert suggested(result, "voltage") == 230
    assert suggested(result, "grid_sensor_c") == "sensor.grid_l3"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**SITE, "name": "Home sweet home", "voltage": 240}
    )
    assert result["step_id"] == "control"
    assert suggested(result, "import_limit_w") == 11000
    assert suggested(result, "distribution") == "shared"
    control = {k: v for k, v in CONTROL.items() if k != "import_limit_w"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], control)
    assert suggested(result, "battery_soc_entity") == "sensor.battery_soc"
    energy = {
        k: v for k, v in ENERGY.items() if k not in ("battery_soc_entity", "battery_power_entity")
    }
    energy["battery_max_charge_w"] = 3000
    result = await hass.config_entries.flow.async_configure(result["flow_id"], energy)
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.title == "Home sweet home"
    assert entry.data["voltage"] == 240
    assert entry.data["battery_max_charge_w"] == 3000
    # fields the user emptied are gone, not kept from before
    assert "import_limit_w" not in entry.data
    assert "battery_soc_entity" not in entry.data
    assert "battery_power_entity" not in entry.data
    assert entry.data["solar_entity"] == "sensor.solar_power"
    assert mock_setup.await_count == 1  # reloaded with the new settings


@pytest.mark.usefixtures("sensors")
async def test_reconfigure_keeps_own_name_and_refuses_dropping_used_phase(
    hass: HomeAssistant, mock_setup: AsyncMock
) -> None:
    plug = ConfigSubentryData(
        data={"phases": ["C"], "switch_entity": "switch.heater"},
        subentry_type="plug",
        title="Heater",
        unique_id=None,
    )
    entry = MockConfigEntry(
        domain=DOMAIN, title="Home", data={**SITE, **CONTROL, **ENERGY}, subentries_data=[plug]
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)
    site = {k: v for k, v in SITE.items() if k != "grid_sensor_c"}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], site)
    assert result["errors"] == {"grid_sensor_c": "phase_in_use"}
    assert_translated("phase_in_use")
    # keeping phase C (and the hub's own name) is fine
    result = await hass.config_entries.flow.async_configure(result["flow_id"], SITE)
    assert result["step_id"] == "control"
