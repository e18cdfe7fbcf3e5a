"""Plug subentry flow: adding, every validation error, reconfiguring."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.config_entries import SOURCE_USER, ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.flow_helpers import assert_form_texts, assert_rejected, field_names, suggested

HUB = {"name": "Home", "grid_sensor_a": "sensor.grid_l1", "grid_sensor_c": "sensor.grid_l3"}
PLUG = {
    "name": "Water heater",
    "switch_entity": "switch.water_heater",
    "power_w": 2000,
    "phase": "C",
    "power_entity": "sensor.water_heater_power",
    "priority": 3,
    "mode": "solar",
}


@pytest.fixture
def entry(hass: HomeAssistant) -> MockConfigEntry:
    hass.states.async_set("switch.water_heater", "off")
    hass.states.async_set("switch.dryer", "on")
    hass.states.async_set("sensor.water_heater_power", "0", {"unit_of_measurement": "W"})
    hass.states.async_set("sensor.water_heater_energy", "12", {"unit_of_measurement": "kWh"})
    existing = ConfigSubentryData(
        data={"switch_entity": "switch.dryer", "phases": ["A"]},
        subentry_type="plug",
        title="Dryer",
        unique_id=None,
    )
    hub = MockConfigEntry(domain=DOMAIN, title="Home", data=HUB, subentries_data=[existing])
    hub.add_to_hass(hass)
    return hub


async def start(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, Any]:
    return await hass.config_entries.subentries.async_init(
        (entry.entry_id, "plug"), context={"source": SOURCE_USER}
    )


async def test_add_plug(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    result = await start(hass, entry)
    assert result["step_id"] == "user"
    phase_selector = result["data_schema"].schema["phase"]
    options = [o["value"] for o in phase_selector.config["options"]]
    assert options == ["A", "C", "A,C"]  # only the site's phases: each alone, then both
    assert suggested(result, "phase") == "A"
    assert suggested(result, "mode") == "continuous"
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], PLUG)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    plug = next(s for s in entry.subentries.values() if s.title == "Water heater")
    assert plug.subentry_type == "plug"
    data = {k: v for k, v in PLUG.items() if k != "phase"}
    assert dict(plug.data) == {**data, "phases": ["C"]}
    assert isinstance(plug.data["priority"], int)


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"name": "DRYER"}, "name", "name_exists"),
        ({"switch_entity": "switch.dryer"}, "switch_entity", "entity_in_use"),
        ({"switch_entity": "switch.missing"}, "switch_entity", "entity_not_found"),
        ({"power_entity": "sensor.water_heater_energy"}, "power_entity", "wrong_unit"),
        ({"power_w": 0}, "power_w", "out_of_range"),
        ({"priority": 100}, "priority", "out_of_range"),
    ],
)
async def test_plug_errors(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    changes: dict[str, Any],
    field: str,
    error: str,
) -> None:
    result = await start(hass, entry)
    await assert_rejected(hass, result, {**PLUG, **changes}, "plug", **{field: error})


async def test_reconfigure_plug(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    dryer_id = next(sid for sid, s in entry.subentries.items() if s.title == "Dryer")
    result = await entry.start_subentry_reconfigure_flow(hass, "plug", dryer_id)
    assert result["step_id"] == "reconfigure"
    assert suggested(result, "name") == "Dryer"
    assert suggested(result, "switch_entity") == "switch.dryer"
    assert suggested(result, "phase") == "A"
    answers = {
        "name": "Dryer",  # its own name is not a duplicate
        "switch_entity": "switch.dryer",  # nor is its own switch
        "power_w": 2500,
        "phase": "C",
        "priority": 5,
        "mode": "excess",
    }
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], answers)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    dryer = entry.subentries[dryer_id]
    assert dryer.data["phases"] == ["C"]
    assert dryer.data["power_w"] == 2500
    assert dryer.data["mode"] == "excess"


async def test_removing_a_plug_removes_its_device(hass: HomeAssistant) -> None:
    """No stale devices: a load's device goes away with its subentry."""
    hass.states.async_set("sensor.grid_l1", "1.0", {"unit_of_measurement": "A"})
    hass.states.async_set("switch.heater", "off")
    plug = ConfigSubentryData(
        data={
            "name": "Heater",
            "switch_entity": "switch.heater",
            "power_w": 1000,
            "phases": ["A"],
            "priority": 1,
            "mode": "continuous",
        },
        subentry_type="plug",
        title="Heater",
        unique_id=None,
    )
    hub = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data={**HUB, "main_breaker_a": 25, "voltage": 230},
        subentries_data=[plug],
    )
    hub.add_to_hass(hass)
    assert await hass.config_entries.async_setup(hub.entry_id)
    await hass.async_block_till_done()
    (plug_id,) = hub.subentries
    devices = dr.async_get(hass)
    assert devices.async_get_device(identifiers={(DOMAIN, plug_id)}) is not None

    hass.config_entries.async_remove_subentry(hub, plug_id)
    await hass.async_block_till_done()
    assert devices.async_get_device(identifiers={(DOMAIN, plug_id)}) is None
    await hass.config_entries.async_unload(hub.entry_id)


async def test_plug_timing_overrides_the_hub_and_can_be_cleared(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    result = await start(hass, entry)
    assert field_names(result)["pause_s"] == "advanced"
    assert result["data_schema"].schema["advanced"].options["collapsed"] is True
    assert suggested(result, "pause_s") is None  # empty: as the hub
    assert_form_texts(result, "config_subentries", "plug")
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**PLUG, "advanced": {"pause_s": 600.0}}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    heater_id = next(sid for sid, s in entry.subentries.items() if s.title == "Water heater")
    assert entry.subentries[heater_id].data["timing"] == {"pause_s": 600.0}
    assert "pause_s" not in entry.subentries[heater_id].data  # stored flat keys unchanged

    result = await entry.start_subentry_reconfigure_flow(hass, "plug", heater_id)
    assert suggested(result, "pause_s") == 600.0
    assert_form_texts(result, "config_subentries", "plug")
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**PLUG, "advanced": {"grace_s": 60}}
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.subentries[heater_id].data["timing"] == {"grace_s": 60}


async def test_plug_timing_out_of_range_is_shown_on_its_section(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    result = await start(hass, entry)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**PLUG, "advanced": {"grace_s": 99999}}
    )
    assert result["errors"] == {"advanced": "out_of_range"}


async def test_plug_on_two_phases_with_idle_detection(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """A 2-phase plug (a 3.7 kW heater on A and C) with an idle threshold for its sensor."""
    result = await start(hass, entry)
    answers = {**PLUG, "phase": "A,C", "power_w": 3700, "idle_w": 5, "idle_s": 300}
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], answers)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    plug = next(s for s in entry.subentries.values() if s.title == "Water heater")
    assert plug.data["phases"] == ["A", "C"]
    assert (plug.data["idle_w"], plug.data["idle_s"]) == (5, 300)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "plug"),
        context={"source": "reconfigure", "subentry_id": plug.subentry_id},
    )
    assert suggested(result, "phase") == "A,C"
