"""Grid sensor states in, charging profiles out: one charger on the built-in server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from homeassistant.const import STATE_UNAVAILABLE, EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er

from custom_components.dynamic_ocpp_evse.const import DEFAULT_PROFILE_VALIDITY_S
from custom_components.dynamic_ocpp_evse.engine.timing import SITE_DEFAULTS
from tests.ha.hub_fixtures import set_grid
from tools.cp_simulator import ProfileStore

from .conftest import BREAKER_A, builtin_charger, charging_car, dynamic_limits, floors, until

LOAD = "sub_cp1_1"


def session_current(hub: Any) -> list[float | None]:
    """The per-phase current the central system holds for the charger's connector 1."""
    return list(hub.session("CP1").state.connector(1).current_a)


class SimClock:
    """The charger's clock: real time, plus however far a test moved it on."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)


async def _set_max_current(hass: HomeAssistant, hub: Any, amps: float) -> None:
    await hass.services.async_call(
        "number",
        "set_value",
        {"entity_id": hub.entity_id("number", f"{LOAD}_max_current"), "value": amps},
        blocking=True,
    )


async def test_a_grid_change_sends_a_profile_with_the_right_limit(
    hass: HomeAssistant, make_hub: Any, make_sim: Any
) -> None:
    hub, sim = await charging_car(make_hub, make_sim)
    assert 6.0 <= dynamic_limits(sim)[-1] < 12.0  # a start: the minimum, then a ramp
    await _set_max_current(hass, hub, 12.0)  # a new maximum applies at once
    await sim.wait_for(lambda: dynamic_limits(sim)[-1] == 12.0)
    session = hub.session("CP1")
    await until(lambda: session.state.connector(1).current_a == [12.0, 12.0, 12.0])
    sent = len(dynamic_limits(sim))

    # the house takes 16 A more on every phase: the meter reads 16 + the car's 12 A
    set_grid(hass, 28.0, 28.0, 28.0)
    await sim.wait_for(lambda: len(dynamic_limits(sim)) > sent)

    house_a = 28.0 - 12.0
    expected = BREAKER_A - SITE_DEFAULTS["margin_a"] - house_a
    assert dynamic_limits(sim)[sent] == expected == 8.0
    await sim.wait_for(lambda: sim.allowed_a(1) == 8.0)  # the charger now enforces it


async def test_a_reconnecting_charger_gets_its_floor_and_current_profile_again(
    hass: HomeAssistant, make_hub: Any, make_sim: Any
) -> None:
    hub, sim = await charging_car(make_hub, make_sim, max_current_a=6.0, failsafe_floor="zero")
    limit = dynamic_limits(sim)[-1]
    assert limit == 6.0
    status_id = hub.entity_id("sensor", f"{LOAD}_connector_status")
    adapter = hub.entry.runtime_data.coordinator.adapters[LOAD]

    await sim.stop()  # network loss
    await until(lambda: hass.states.get(status_id).state == STATE_UNAVAILABLE)
    assert hub.state("binary_sensor", f"{LOAD}_charger_connected") == "off"
    assert adapter.read().active is False and adapter.status == "offline"

    sim.station.profiles = ProfileStore()  # it rebooted and lost every profile
    received = len(sim.requests("SetChargingProfile"))
    sim.auto_reconnect = True
    await sim.start()
    await sim.wait_for(lambda: sim.allowed_a(1) == limit)

    resent = sim.requests("SetChargingProfile")[received:]
    ids = [r["csChargingProfiles"]["chargingProfileId"] for r in resent]
    assert ids[:2] == [8013, 8011]  # floor (0 A) first, then the dynamic profile
    assert dynamic_limits(sim)[-1] == limit
    await until(lambda: hass.states.get(status_id).state == "charging")
    assert adapter.status == "ok"


async def test_the_switch_starts_and_stops_charging_and_the_sensors_follow(
    hass: HomeAssistant, make_hub: Any, make_sim: Any
) -> None:
    hub = await make_hub([builtin_charger("CP1", max_current_a=6.0)])
    sim = make_sim("CP1")
    await sim.start()
    await hub.session("CP1").wait_ready()
    switch_id = hub.entity_id("switch", f"{LOAD}_charging")
    assert hass.states.get(switch_id).state == "off"

    await hass.services.async_call("switch", "turn_on", {"entity_id": switch_id}, blocking=True)
    await sim.wait_for(lambda: sim.connectors[1].transaction_id is not None)
    assert sim.requests("RemoteStartTransaction")[0]["connectorId"] == 1
    await until(lambda: hass.states.get(switch_id).state == "on")

    # the car draws the 6 A it is allowed on three phases; the sensors show the meter
    await sim.wait_for(lambda: sim.draw_a(1) == 6.0)
    await until(lambda: hub.state("sensor", f"{LOAD}_charger_power") == "4140.0")
    await until(lambda: hub.state("sensor", f"{LOAD}_offered_current") == "6.0")
    assert hub.state("binary_sensor", f"{LOAD}_plugged_in") == "on"
    assert hub.state("binary_sensor", f"{LOAD}_charging_state") == "on"
    assert hub.state("sensor", f"{LOAD}_error_code") == "no_error"
    registry = er.async_get(hass)
    for phase in ("l1", "l2", "l3"):  # per phase: diagnostic, disabled by default
        entry = registry.async_get(hub.entity_id("sensor", f"{LOAD}_charger_current_{phase}"))
        assert entry is not None and entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
        assert entry.entity_category is EntityCategory.DIAGNOSTIC
    assert session_current(hub) == [6.0, 6.0, 6.0]  # what they would show
    await until(lambda: float(hub.state("sensor", f"{LOAD}_total_energy")) > 0)
    energy = hass.states.get(hub.entity_id("sensor", f"{LOAD}_total_energy"))
    assert energy.attributes["state_class"] == "total_increasing"
    assert energy.attributes["unit_of_measurement"] == "kWh"
    assert hub.state("sensor", f"{LOAD}_connector_status") == "charging"

    await hass.services.async_call("switch", "turn_off", {"entity_id": switch_id}, blocking=True)
    await sim.wait_for(lambda: sim.connectors[1].transaction_id is None)
    await until(lambda: hass.states.get(switch_id).state == "off")
    await until(lambda: hub.state("sensor", f"{LOAD}_charger_power") == "0.0")
    await until(lambda: hub.state("binary_sensor", f"{LOAD}_charging_state") == "off")
    session = hass.states.get(hub.entity_id("sensor", f"{LOAD}_session_energy"))
    wh = hub.session("CP1").state.connector(1).session_energy_wh
    assert wh is not None
    assert float(session.state) == pytest.approx(wh / 1000)  # native Wh, shown in kWh
    assert session.attributes["unit_of_measurement"] == "kWh"
    assert session.attributes["state_class"] == "total_increasing"


async def test_when_home_assistant_stops_the_charger_falls_back_to_the_floor(
    hass: HomeAssistant, make_hub: Any, make_sim: Any
) -> None:
    clock = SimClock()
    hub, sim = await charging_car(
        make_hub, make_sim, {"clock": clock}, max_current_a=6.0, failsafe_floor="zero"
    )
    await sim.wait_for(lambda: sim.allowed_a(1) == 6.0)
    assert floors(sim)[-1]["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"] == 0.0

    await hass.config_entries.async_unload(hub.entry.entry_id)  # nobody refreshes now
    clock.advance(DEFAULT_PROFILE_VALIDITY_S + 60)
    assert sim.allowed_a(1) == 0.0  # the dynamic profile ran out: the safe floor rules
    assert sim.draw_a(1) == 0.0
