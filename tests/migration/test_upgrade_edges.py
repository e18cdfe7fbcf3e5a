"""Upgrade paths off the common road: a 1.x single entry, a late child, an orphan."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant, State
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, mock_restore_cache

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.flow_helpers import markers, suggested
from tests.ha.hub_fixtures import cars_plugged_in
from tests.ha.test_ocpp_adapter_standin import OcppStandIn, stand_in
from tests.migration import upstream_entries as up
from tests.migration.test_upgrade import _site, add_upstream_entry, last_limits


async def _charger_online(hass: HomeAssistant, cpid: str) -> OcppStandIn:
    fake = await stand_in(hass)
    cars_plugged_in(hass, fake, (cpid,), status="Charging", offered=6.0)
    return fake


async def test_a_1x_single_entry_becomes_a_hub_with_its_charger(hass: HomeAssistant) -> None:
    """Upstream 1.x kept the site and its one charger in one version 1 entry."""
    fake = await _charger_online(hass, "cp1")
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Dynamic OCPP EVSE",
        version=1,
        data={
            "name": "Dynamic OCPP EVSE",
            "entity_id": "dynamic_ocpp_evse",
            "phase_a_current_entity_id": up.GRID[0],
            "phase_b_current_entity_id": up.GRID[1],
            "phase_c_current_entity_id": up.GRID[2],
            "main_breaker_rating": 25,
            "invert_phases": False,
            "phase_voltage": 230,
            "update_frequency": 5,
            "ocpp_profile_timeout": 90,
            "charge_pause_duration": 180,
            "excess_export_threshold": 13000,
            "evse_minimum_charge_current": 6,
            "evse_maximum_charge_current": 10,
            "evse_current_import_entity_id": "sensor.cp1_current_import",
            "evse_current_offered_entity_id": "sensor.cp1_current_offered",
            "stack_level": 2,
            "charging_mode_entity_id": "select.dynamic_ocpp_evse_charging_mode",
            "min_current_entity_id": "number.dynamic_ocpp_evse_min_current",
            "max_current_entity_id": "number.dynamic_ocpp_evse_max_current",
        },
    )
    entry.add_to_hass(hass)
    registry = er.async_get(hass)
    for domain, suffix in (
        ("number", "min_current"),
        ("select", "charging_mode"),
        ("button", "reset_button"),
    ):  # 1.x prefixed its unique ids with the entry id
        registry.async_get_or_create(
            domain, DOMAIN, f"{entry.entry_id}_{suffix}", config_entry=entry,
            suggested_object_id=f"dynamic_ocpp_evse_{suffix}",
        )  # fmt: skip
    mock_restore_cache(hass, [State("select.dynamic_ocpp_evse_charging_mode", "Eco")])
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done(wait_background_tasks=True)

    assert entry.version == 3 and entry.data["grid_sensor_a"] == up.GRID[0]
    (charger,) = entry.subentries.values()
    assert charger.data["mode"] == "eco"
    min_current = registry.async_get("number.dynamic_ocpp_evse_min_current")
    assert min_current is not None and min_current.config_subentry_id == charger.subentry_id
    assert min_current.unique_id == f"{charger.subentry_id}_min_current"
    assert registry.async_get("button.dynamic_ocpp_evse_reset_button") is not None
    assert registry.async_get("select.dynamic_ocpp_evse_charging_mode") is None
    assert charger.data["charge_point_id"] == "cp1"
    assert charger.data["max_current_a"] == 10 and charger.data["profile_validity_s"] == 90
    assert charger.data["min_send_interval_s"] == 5
    assert last_limits(fake) == {"cp1": 6.0}  # eco without solar surplus: its minimum


async def test_a_child_left_over_after_its_hub_was_upgraded_joins_it(
    hass: HomeAssistant,
) -> None:
    """E.g. a charger entry restored from an older backup: it becomes a subentry."""
    fake = await _charger_online(hass, "cpleft")
    hub = add_upstream_entry(hass, up.HUB_ID, up.hub_v205(), 2)
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done(wait_background_tasks=True)
    assert hub.version == 3 and not hub.subentries

    child = add_upstream_entry(hass, up.LEFT_ID, up.charger(2, "cpleft", "Left", 1), 2)
    await hass.config_entries.async_setup(child.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert [e.entry_id for e in hass.config_entries.async_entries(DOMAIN)] == [up.HUB_ID]
    assert hub.subentries[up.LEFT_ID].title == "Left"
    assert hub.state is ConfigEntryState.LOADED
    assert "cpleft" in last_limits(fake)


async def test_a_child_without_its_hub_stays_and_says_why(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    child = add_upstream_entry(hass, up.LEFT_ID, up.charger(2, "cpleft", "Left", 1), 2)
    with caplog.at_level(logging.WARNING):
        assert await async_setup_component(hass, DOMAIN, {})
        await hass.async_block_till_done(wait_background_tasks=True)

    assert child.state is ConfigEntryState.MIGRATION_ERROR  # kept, never silently dropped
    assert "belongs to a hub that no longer exists" in caplog.text


def _prefilled_answers(result: dict[str, Any]) -> dict[str, Any]:
    """What submitting a form unchanged sends: every pre-filled value, by section."""
    answers: dict[str, Any] = {}
    for marker, _selector, where in markers(result["data_schema"]):
        value = suggested(result, str(marker))
        if value is None:
            continue
        target = answers if where is None else answers.setdefault(where, {})
        target[str(marker)] = value
    return answers


async def test_the_upgraded_hub_and_charger_reconfigure_unchanged(hass: HomeAssistant) -> None:
    """Our own forms read the converted settings and accept them as they are."""
    await _site(hass, 2, hub_first=True)
    hub = hass.config_entries.async_get_entry(up.HUB_ID)
    assert hub is not None
    before = dict(hub.data)
    hass.states.async_set("sensor.battery_soc", "50", {"unit_of_measurement": "%"})
    hass.states.async_set("sensor.battery_power", "0", {"unit_of_measurement": "W"})

    result = await hub.start_reconfigure_flow(hass)
    assert suggested(result, "grid_sensor_c") == up.GRID[2]
    assert suggested(result, "import_limit_w") == 16000
    while result["type"] is FlowResultType.FORM:
        assert not result.get("errors"), result["errors"]
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], _prefilled_answers(result)
        )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    # every converted value stays (the form may add its defaults for fields we left out)
    assert {k: hub.data.get(k) for k in before} == before

    sub = hub.subentries[up.LEFT_ID]
    data = dict(sub.data)
    result = await hub.start_subentry_reconfigure_flow(hass, "charger", up.LEFT_ID)
    while result["type"] is FlowResultType.FORM:
        assert not result.get("errors"), result["errors"]
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], _prefilled_answers(result)
        )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done(wait_background_tasks=True)
    new = hub.subentries[up.LEFT_ID].data
    assert {k: new.get(k) for k in data} == data  # the form may add its own defaults
