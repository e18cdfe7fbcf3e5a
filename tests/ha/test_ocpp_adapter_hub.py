"""A hub with an OCPP-integration charger, end to end: states in, profiles out."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.hub_fixtures import charger, make_entry, set_grid, set_solar, settle, setup_hub
from tests.ha.test_ocpp_adapter_standin import OcppStandIn, stand_in


async def _hub_with_charger(hass: HomeAssistant) -> OcppStandIn:
    fake = await stand_in(hass)
    ids = fake.add_charger("cp1")[1]
    fake.set_state(ids["status.connector"], "Charging")
    fake.set_state(ids["current.import"], 0.0, L1=0.0, L2=0.0, L3=0.0)
    fake.set_state(ids["current.offered"], 6.0)
    set_grid(hass, 2.0, 2.0, 2.0)
    set_solar(hass, 0.0)
    await setup_hub(hass, make_entry(hass, plugs=False, extra=[charger()]))
    await hass.async_block_till_done(wait_background_tasks=True)  # setup, then commands
    return fake


async def test_the_hub_installs_the_floor_then_sends_the_allocation(hass: HomeAssistant) -> None:
    fake = await _hub_with_charger(hass)

    profiles = fake.profiles()
    assert [(conn, p["chargingProfileId"]) for conn, p in profiles] == [(1, 8013), (1, 8011)]
    assert {data["devid"] for data in fake.calls("set_charge_rate")} == {"cp1"}
    assert fake.limits() == [6.0, 16.0]


async def test_an_overload_lowers_the_charger_in_the_same_cycle(hass: HomeAssistant) -> None:
    fake = await _hub_with_charger(hass)
    ids = fake.entities["cp1"][1]

    # the car takes its 16 A and the house 14 A more: 30 A on a 25 A breaker
    fake.set_state(ids["current.import"], 16.0, L1=16.0, L2=16.0, L3=16.0)
    set_grid(hass, 30.0, 30.0, 30.0)
    await settle(hass)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert fake.limits()[-1] <= 25.0 - 14.0
    assert fake.limits()[-1] >= 6.0  # still enough for its minimum: not paused


async def test_a_refused_floor_shows_as_unconfirmed_in_the_status_and_diagnostics(
    hass: HomeAssistant, hass_client: Any
) -> None:
    """The ocpp integration only logs a Rejected profile: we must not claim it installed."""
    fake = await stand_in(hass)
    fake.reject = True
    ids = fake.add_charger("cp1")[1]
    fake.set_state(ids["status.connector"], "Available")
    fake.set_state(ids["current.import"], 0.0)
    set_grid(hass, 2.0, 2.0, 2.0)
    set_solar(hass, 0.0)
    entry = make_entry(hass, plugs=False, extra=[charger()])
    await setup_hub(hass, entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert fake.calls("set_charge_rate")  # the floor was sent, and refused
    assert fake.holds("cp1", 1) == {}

    status_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, "sub_charger_status")
    assert status_id is not None
    state = hass.states.get(status_id)
    assert state is not None
    assert state.attributes["adapter_status"] == "unconfirmed"
    assert state.state != "fault"  # an idle charger is not broken for that
    diag = await get_diagnostics_for_config_entry(hass, hass_client, entry)
    assert diag["adapters"]["sub_charger"] == {
        "type": "OcppIntegrationAdapter",
        "status": "unconfirmed",
        "floor": "unconfirmed",
    }
