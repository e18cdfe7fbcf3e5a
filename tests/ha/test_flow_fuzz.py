"""Fuzzing every config and subentry flow form: bad input gets a field-level error.

For each form a strategy is built from the form itself: every field gets either a
plausible value (inside the number box's range, an existing entity, an offered
option) or garbage (NaN, infinity, 1e308, negative, fractions where a whole
number is asked, text, wrong types, unknown entities and options), and sections
are sometimes garbage as a whole. Whatever is submitted, the flow must

- show the form again with errors only on its own fields or sections, each with a
  text in strings.json, or
- refuse the input in Home Assistant's schema check with every error on a path
  of the form (the frontend shows it on that field or section), or
- finish, storing only numbers inside their ranges and whole numbers as ints,

and never raise anything else. Hypothesis generates the examples (derandomized,
bounded); each is submitted to a live flow in Home Assistant.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from unittest.mock import AsyncMock, patch

import pytest
from homeassistant.config_entries import (
    SOURCE_INTEGRATION_DISCOVERY,
    SOURCE_USER,
    ConfigSubentryData,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from custom_components.dynamic_ocpp_evse.ocpp_runtime import DISCOVERY_HUB
from tests.ha.flow_fuzzing import Submitter, assert_stored_sane, fuzz
from tests.ha.flow_helpers import STRINGS

# -- the site the flows are fuzzed against ---------------------------------------------


@pytest.fixture(autouse=True)
def states(hass: HomeAssistant) -> None:
    for n in (1, 2, 3):
        hass.states.async_set(
            f"sensor.grid_l{n}", "3.2", {"device_class": "current", "unit_of_measurement": "A"}
        )
    hass.states.async_set("sensor.solar_power", "1200", {"unit_of_measurement": "W"})
    hass.states.async_set("sensor.battery_soc", "55", {"unit_of_measurement": "%"})
    hass.states.async_set("sensor.battery_power", "-0.4", {"unit_of_measurement": "kW"})
    hass.states.async_set("sensor.cp_current", "0", {"unit_of_measurement": "A"})
    hass.states.async_set("sensor.cp_status", "Available", {})
    hass.states.async_set("switch.heater", "off")
    hass.states.async_set("switch.boiler", "off")
    hass.states.async_set(
        "sensor.boiler_temperature",
        "48",
        {"device_class": "temperature", "unit_of_measurement": "°C"},
    )
    hass.states.async_set("climate.living_room", "heat", {"current_temperature": 20.5})
    hass.states.async_set("number.heater_setpoint", "0", {"unit_of_measurement": "W"})


@pytest.fixture(autouse=True)
async def no_setup(hass: HomeAssistant) -> Any:
    """Created and reconfigured hubs are not set up (the flows are under test)."""
    with (
        patch(
            "custom_components.dynamic_ocpp_evse.async_setup_entry",
            AsyncMock(return_value=True),
        ),
        patch(
            "custom_components.dynamic_ocpp_evse.async_unload_entry",
            AsyncMock(return_value=True),
        ),
    ):
        yield
        for entry in hass.config_entries.async_entries(DOMAIN):
            await hass.config_entries.async_unload(entry.entry_id)


def make_hub(hass: HomeAssistant) -> MockConfigEntry:
    charger = ConfigSubentryData(
        data={
            "backend": "builtin_server",
            "charge_point_id": "CP1",
            "connector_id": 1,
            "connector_count": 1,
            "phases": ["A", "B", "C"],
            "max_current_a": 16.0,
        },
        subentry_type="charger",
        title="Garage",
        unique_id="CP1-1",
    )
    plug = ConfigSubentryData(
        data={"switch_entity": "switch.heater", "phases": ["A"], "power_w": 2000},
        subentry_type="plug",
        title="Heater",
        unique_id=None,
    )
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data={
            "name": "Home",
            "grid_sensor_a": "sensor.grid_l1",
            "grid_sensor_b": "sensor.grid_l2",
            "grid_sensor_c": "sensor.grid_l3",
            "main_breaker_a": 25.0,
            "voltage": 230.0,
            "ocpp_server_enabled": True,
            "ocpp_server_port": 9100,
        },
        subentries_data=[charger, plug],
    )
    entry.add_to_hass(hass)
    return entry


# -- the hub flow -------------------------------------------------------------------------


async def test_hub_forms(hass: HomeAssistant) -> None:
    errors = STRINGS["config"]["error"]
    flows = hass.config_entries.flow

    async def new_hub() -> dict[str, Any]:
        return await flows.async_init(DOMAIN, context={"source": SOURCE_USER})

    sites = iter(range(10_000))

    async def battery() -> dict[str, Any]:
        site = next(sites)  # a new name and meter each time: the earlier hubs are kept
        hass.states.async_set(f"sensor.meter_{site}", "2", {"unit_of_measurement": "A"})
        result = await new_hub()
        return await flows.async_configure(
            result["flow_id"],
            {
                "name": f"Battery site {site}",
                "grid_sensor_a": f"sensor.meter_{site}",
                "battery": {"battery_soc_entity": "sensor.battery_soc"},
            },
        )

    def created(result: dict[str, Any]) -> None:
        if result["type"] is FlowResultType.CREATE_ENTRY:
            assert_stored_sane(result["data"])

    async def submit(flow_id: str, answers: dict[str, Any]) -> dict[str, Any]:
        return await flows.async_configure(flow_id, answers)

    await fuzz(new_hub, submit, errors, created)
    await fuzz(battery, submit, errors, created)

    for entry in hass.config_entries.async_entries(DOMAIN):
        assert_stored_sane(entry.data)


async def test_hub_reconfigure_form(hass: HomeAssistant) -> None:
    entry = make_hub(hass)

    async def open_form() -> dict[str, Any]:
        return await entry.start_reconfigure_flow(hass)

    async def submit(flow_id: str, answers: dict[str, Any]) -> dict[str, Any]:
        return await hass.config_entries.flow.async_configure(flow_id, answers)

    def done(_result: dict[str, Any]) -> None:
        assert_stored_sane(entry.data)

    await fuzz(open_form, submit, STRINGS["config"]["error"], done)


async def test_discovered_charger_form(hass: HomeAssistant) -> None:
    hub = make_hub(hass)
    counter = iter(range(10_000))

    async def open_form() -> dict[str, Any]:
        return await hass.config_entries.flow.async_init(
            DOMAIN,
            context={"source": SOURCE_INTEGRATION_DISCOVERY},
            data={DISCOVERY_HUB: hub.entry_id, "charge_point_id": f"NEW{next(counter)}"},
        )

    async def submit(flow_id: str, answers: dict[str, Any]) -> dict[str, Any]:
        return await hass.config_entries.flow.async_configure(flow_id, answers)

    def done(result: dict[str, Any]) -> None:
        assert result["reason"] == "charger_added"

    await fuzz(open_form, submit, STRINGS["config"]["error"], done)
    for sub in hub.subentries.values():
        assert_stored_sane(sub.data)


# -- the subentry flows ---------------------------------------------------------------------


def subentry_submitter(hass: HomeAssistant) -> Submitter:
    async def submit(flow_id: str, answers: dict[str, Any]) -> dict[str, Any]:
        return await hass.config_entries.subentries.async_configure(flow_id, answers)

    return submit


def all_subentries_sane(entry: MockConfigEntry) -> Callable[[dict[str, Any]], None]:
    def check(_result: dict[str, Any]) -> None:
        for sub in entry.subentries.values():
            assert_stored_sane(sub.data)

    return check


FIRST = {
    "circuit": {"name": "Fuzz circuit", "limit_a": 16},
    "load": {"name": "Fuzz load", "control_entity": "switch.boiler", "max_power_w": 1000},
}


@pytest.mark.parametrize("kind", ["plug", "circuit", "load"])
async def test_single_form_subentries(hass: HomeAssistant, kind: str) -> None:
    entry = make_hub(hass)
    errors = STRINGS["config_subentries"][kind]["error"]
    submit = subentry_submitter(hass)

    async def add() -> dict[str, Any]:
        return await hass.config_entries.subentries.async_init(
            (entry.entry_id, kind), context={"source": SOURCE_USER}
        )

    async def reconfigure() -> dict[str, Any]:
        existing = next(
            (sid for sid, s in entry.subentries.items() if s.subentry_type == kind), None
        )
        if existing is None:
            result = await submit((await add())["flow_id"], FIRST[kind])
            assert result["type"] is FlowResultType.CREATE_ENTRY, result
            return await reconfigure()
        return await entry.start_subentry_reconfigure_flow(hass, kind, existing)

    await fuzz(add, submit, errors, all_subentries_sane(entry))
    await fuzz(reconfigure, submit, errors, all_subentries_sane(entry))


async def test_charger_forms(hass: HomeAssistant) -> None:
    entry = make_hub(hass)
    errors = STRINGS["config_subentries"]["charger"]["error"]
    submit = subentry_submitter(hass)
    counter = iter(range(10_000))

    async def builtin() -> dict[str, Any]:
        result = await hass.config_entries.subentries.async_init(
            (entry.entry_id, "charger"), context={"source": SOURCE_USER}
        )
        return await submit(result["flow_id"], {"next_step_id": "builtin_server"})

    async def details() -> dict[str, Any]:
        result = await builtin()
        return await submit(
            result["flow_id"],
            {"charge_point_id": f"FUZZ{next(counter)}", "connector_id": 1, "connector_count": 2},
        )

    async def reconfigure() -> dict[str, Any]:
        return await entry.start_subentry_reconfigure_flow(hass, "charger", charger_id)

    charger_id = next(sid for sid, s in entry.subentries.items() if s.unique_id == "CP1-1")
    await fuzz(builtin, submit, errors, lambda result: None)
    await fuzz(details, submit, errors, all_subentries_sane(entry))
    await fuzz(reconfigure, submit, errors, all_subentries_sane(entry))


async def test_thermal_forms(hass: HomeAssistant) -> None:
    entry = make_hub(hass)
    errors = STRINGS["config_subentries"]["thermal"]["error"]
    submit = subentry_submitter(hass)
    counter = iter(range(10_000))

    async def kind() -> dict[str, Any]:
        return await hass.config_entries.subentries.async_init(
            (entry.entry_id, "thermal"), context={"source": SOURCE_USER}
        )

    async def details() -> dict[str, Any]:
        result = await kind()
        answers = {"name": f"Boiler {next(counter)}", "thermal_kind": "water"}
        return await submit(result["flow_id"], answers)

    await fuzz(kind, submit, errors, all_subentries_sane(entry))
    await fuzz(details, submit, errors, all_subentries_sane(entry))
