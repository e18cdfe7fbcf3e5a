"""Hub config flow: one short step with collapsed sections, the battery, errors, reconfiguring."""

from __future__ import annotations

from typing import Any
from unittest.mock import AsyncMock

import pytest
from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.flow_helpers import (
    STRINGS,
    assert_form_texts,
    field_names,
    selector_of,
    suggested,
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
SECTIONS: dict[str, dict[str, Any]] = {
    "import_limit": {"import_limit_w": 11000},
    "solar": {
        "solar_entity": "sensor.solar_power",
        "excess_threshold_w": 5000,
        "excess_threshold_mode": "gate",
    },
    "prices": {},  # the default source (a price entity) is stored as no value
    "battery": {"battery_soc_entity": "sensor.battery_soc"},
    "inverter": {
        "inverter_max_w": 10000,
        "inverter_max_w_per_phase": 3680,
        "inverter_asymmetric": True,
    },
    "ocpp_server": {
        "ocpp_server_enabled": True,
        "ocpp_server_host": "0.0.0.0",
        "ocpp_server_port": 9100,
    },
    "advanced": {
        "distribution": "shared",
        "margin_a": 1.5,  # the only timing value not at its default
        "raise_hold_s": 120,
        "overload_hold_s": 300,
        "pause_s": 180,
        "grace_s": 300,
        "soc_hysteresis": 3,
    },
}
BATTERY = {
    "battery_power_entity": "sensor.battery_power",
    "battery_min_soc": 15,
    "battery_target_soc": 90,
    "battery_max_charge_w": 4000,
    "battery_max_discharge_w": 4500,
    "allow_grid_charging": False,
}
TIMING_KEYS = (
    "margin_a",
    "raise_hold_s",
    "overload_hold_s",
    "pause_s",
    "grace_s",
    "soc_hysteresis",
)
# what the flow stores: flat keys, the timing that differs from the defaults under "timing"
STORED = {
    **SITE,
    **{
        key: value
        for part in SECTIONS.values()
        for key, value in part.items()
        if key not in TIMING_KEYS
    },
    **BATTERY,
    "timing": {"margin_a": 1.5},
}


def with_sections(**changes: dict[str, Any]) -> dict[str, Any]:
    """The complete site form, some sections changed (None drops a field)."""
    answers: dict[str, Any] = dict(SITE)
    for name, part in SECTIONS.items():
        merged = {**part, **changes.get(name, {})}
        answers[name] = {k: v for k, v in merged.items() if v is not None}
    return answers


def assert_translated(code: str) -> None:
    """Every error a user can see has a text in strings.json."""
    assert code in STRINGS["config"]["error"], code


async def start(hass: HomeAssistant) -> dict[str, Any]:
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )


async def submit(hass: HomeAssistant, result: dict[str, Any], answers: dict[str, Any]) -> Any:
    return await hass.config_entries.flow.async_configure(result["flow_id"], answers)


@pytest.mark.usefixtures("sensors")
async def test_full_flow_creates_hub(hass: HomeAssistant, mock_setup: AsyncMock) -> None:
    result = await start(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert_form_texts(result, "config")
    # the phase current sensors and the solar sensor are suggested, the temperature is not
    assert suggested(result, "grid_sensor_a") == "sensor.grid_l1"
    assert suggested(result, "grid_sensor_b") == "sensor.grid_l2"
    assert suggested(result, "grid_sensor_c") == "sensor.grid_l3"
    assert suggested(result, "solar_entity") == "sensor.solar_power"
    assert suggested(result, "ocpp_server_enabled") is False
    assert suggested(result, "ocpp_server_port") == 9016

    result = await submit(hass, result, with_sections())
    assert result["step_id"] == "battery"  # a battery sensor was chosen
    assert_form_texts(result, "config")
    result = await submit(hass, result, BATTERY)
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Home"
    assert result["data"] == STORED
    assert isinstance(result["data"]["ocpp_server_port"], int)
    assert mock_setup.await_count == 1


async def test_a_new_user_sets_up_a_hub_in_one_short_step(
    hass: HomeAssistant, mock_setup: AsyncMock
) -> None:
    """Name, meter, breaker, voltage: done. Everything else waits in collapsed sections."""
    hass.states.async_set("sensor.meter_power", "-850", {"unit_of_measurement": "W"})
    result = await start(hass)
    top = [name for name, where in field_names(result).items() if where is None]
    assert top == [
        "name",
        "grid_sensor_a",
        "grid_sensor_b",
        "grid_sensor_c",
        "grid_invert",
        "main_breaker_a",
        "voltage",
    ]
    sections = {
        str(key): value.options["collapsed"]
        for key, value in result["data_schema"].schema.items()
        if str(key) not in top
    }
    assert sections == dict.fromkeys(SECTIONS, True)
    assert "update_interval_s" not in field_names(result)  # no polling interval to choose

    result = await submit(
        hass,
        result,
        {"name": "Cabin", "grid_sensor_a": "sensor.meter_power", "main_breaker_a": 16},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    data = result["data"]
    assert data["grid_sensor_a"] == "sensor.meter_power"
    assert data["voltage"] == 230
    assert "grid_sensor_b" not in data and "grid_sensor_c" not in data
    assert "solar_entity" not in data and "import_limit_w" not in data
    assert "battery_power_entity" not in data and "timing" not in data
    assert data["ocpp_server_enabled"] is False
    assert data["ocpp_server_port"] == 9016
    assert data["distribution"] == "priority"
    assert "update_interval_s" not in data


async def test_numbers_show_their_range_and_pickers_their_device_class(
    hass: HomeAssistant,
) -> None:
    result = await start(hass)
    breaker = selector_of(result, "main_breaker_a").config
    assert (breaker["min"], breaker["max"], breaker["step"]) == (1, 1000, 1)
    assert breaker["unit_of_measurement"] == "A"
    margin = selector_of(result, "margin_a").config
    assert (margin["min"], margin["max"], margin["unit_of_measurement"]) == (0, 10, "A")
    assert selector_of(result, "ocpp_server_port").config["max"] == 65535

    def classes(key: str) -> list[list[str] | None]:
        return [f.get("device_class") for f in selector_of(result, key).config["filter"]]

    assert classes("grid_sensor_a") == [["current", "power"]]
    assert classes("solar_entity") == [["power"]]
    assert classes("battery_soc_entity") == [["battery"]]
    assert classes("import_limit_entity") == [["power"], None]  # or a number helper


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
        ({"name": "  "}, "name", "required"),
    ],
)
async def test_site_errors(
    hass: HomeAssistant, changes: dict[str, Any], field: str, error: str
) -> None:
    result = await start(hass)
    result = await submit(hass, result, {**with_sections(), **changes})
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {field: error}
    assert_translated(error)
    # the user's answers stay in the form
    if field != "name":
        assert suggested(result, field) == {**SITE, **changes}[field]
    assert suggested(result, "excess_threshold_w") == 5000


@pytest.mark.usefixtures("sensors")
async def test_unavailable_sensor_is_accepted(hass: HomeAssistant) -> None:
    """A meter that is still starting must not block the setup."""
    hass.states.async_set("sensor.grid_l2", "unavailable", {})
    result = await start(hass)
    result = await submit(hass, result, with_sections())
    assert result["step_id"] == "battery"


@pytest.mark.usefixtures("sensors")
async def test_hub_name_and_grid_sensor_must_be_unique(hass: HomeAssistant) -> None:
    MockConfigEntry(
        domain=DOMAIN, title="Home", data={**SITE, "grid_sensor_a": "sensor.grid_l3"}
    ).add_to_hass(hass)
    MockConfigEntry(
        domain=DOMAIN, title="Barn", data={"grid_sensor_a": "sensor.grid_l1"}
    ).add_to_hass(hass)
    result = await start(hass)
    result = await submit(hass, result, {**with_sections(), "name": " home "})
    assert result["errors"] == {"name": "name_exists", "grid_sensor_a": "grid_sensor_in_use"}
    assert_translated("name_exists")
    assert_translated("grid_sensor_in_use")


@pytest.mark.usefixtures("sensors")
@pytest.mark.parametrize(
    ("changes", "section", "error"),
    [
        (
            {"import_limit": {"import_limit_entity": "sensor.solar_power"}},
            "import_limit",
            "import_limit_both",
        ),
        (
            {"import_limit": {"import_limit_w": None, "import_limit_entity": "sensor.grid_l1"}},
            "import_limit",
            "wrong_unit",
        ),
        ({"import_limit": {"import_limit_w": 50}}, "import_limit", "out_of_range"),
        ({"solar": {"solar_entity": "sensor.grid_l1"}}, "solar", "wrong_unit"),
        ({"solar": {"excess_threshold_w": -1}}, "solar", "out_of_range"),
        ({"battery": {"battery_soc_entity": "sensor.battery_power"}}, "battery", "wrong_unit"),
        ({"inverter": {"inverter_max_w_per_phase": 20000}}, "inverter", "min_above_max"),
        ({"ocpp_server": {"ocpp_server_port": 70000}}, "ocpp_server", "out_of_range"),
        ({"ocpp_server": {"ocpp_server_port": 9100.5}}, "ocpp_server", "not_whole_number"),
        ({"ocpp_server": {"ocpp_server_host": ""}}, "ocpp_server", "required"),
        ({"advanced": {"margin_a": 11}}, "advanced", "out_of_range"),
        ({"advanced": {"pause_s": -5}}, "advanced", "out_of_range"),
    ],
)
async def test_section_errors_are_shown_on_their_section(
    hass: HomeAssistant, changes: dict[str, Any], section: str, error: str
) -> None:
    """Home Assistant's frontend shows a section field's error on the section."""
    result = await start(hass)
    result = await submit(hass, result, with_sections(**changes))
    assert result["step_id"] == "user"
    assert result["errors"] == {section: error}
    assert_translated(error)


@pytest.mark.usefixtures("sensors")
async def test_server_port_of_another_hub_is_refused(hass: HomeAssistant) -> None:
    MockConfigEntry(
        domain=DOMAIN,
        title="Barn",
        data={"ocpp_server_enabled": True, "ocpp_server_port": 9100},
    ).add_to_hass(hass)
    result = await start(hass)
    result = await submit(hass, result, with_sections())
    assert result["errors"] == {"ocpp_server": "port_in_use"}
    # the same port is fine when this hub does not run a server
    result = await submit(hass, result, with_sections(ocpp_server={"ocpp_server_enabled": False}))
    assert result["step_id"] == "battery"


@pytest.mark.usefixtures("sensors")
async def test_a_whole_number_written_with_a_decimal_point_is_accepted(
    hass: HomeAssistant, mock_setup: AsyncMock
) -> None:
    result = await start(hass)
    result = await submit(hass, result, with_sections(ocpp_server={"ocpp_server_port": 9100.0}))
    result = await submit(hass, result, BATTERY)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["ocpp_server_port"] == 9100
    assert isinstance(result["data"]["ocpp_server_port"], int)


@pytest.mark.usefixtures("sensors")
@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"battery_min_soc": 95}, "battery_min_soc", "min_above_max"),
        ({"battery_target_soc": 120}, "battery_target_soc", "out_of_range"),
        ({"battery_power_entity": "sensor.missing"}, "battery_power_entity", "entity_not_found"),
        ({"battery_power_entity": "sensor.grid_l1"}, "battery_power_entity", "wrong_unit"),
    ],
)
async def test_battery_errors(
    hass: HomeAssistant, changes: dict[str, Any], field: str, error: str
) -> None:
    result = await start(hass)
    result = await submit(hass, result, with_sections())
    result = await submit(hass, result, {**BATTERY, **changes})
    assert result["step_id"] == "battery"
    assert result["errors"] == {field: error}
    assert_translated(error)


@pytest.mark.usefixtures("sensors")
async def test_error_can_be_corrected(hass: HomeAssistant, mock_setup: AsyncMock) -> None:
    result = await start(hass)
    result = await submit(hass, result, with_sections())
    result = await submit(hass, result, {**BATTERY, "battery_min_soc": 95})
    assert result["errors"]
    result = await submit(hass, result, BATTERY)
    assert result["type"] is FlowResultType.CREATE_ENTRY
