"""A switching charger on the built-in server: the controller switches it to one phase,
the simulated charger follows numberPhases and its car draws on L1 only."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant

from tests.ha.hub_fixtures import set_grid

from .conftest import charging_car, until

LOAD = "sub_cp1_1"


def _number_phases(sim: Any) -> list[int]:
    """numberPhases of every dynamic profile the charger received, oldest first."""
    return [
        int(
            r["csChargingProfiles"]["chargingSchedule"]["chargingSchedulePeriod"][0]["numberPhases"]
        )
        for r in sim.requests("SetChargingProfile")
        if r["csChargingProfiles"]["chargingProfileId"] % 10 != 3
    ]


async def test_a_fixed_one_phase_mode_switches_the_charger_and_the_car_follows(
    hass: HomeAssistant, make_hub: Any, make_sim: Any
) -> None:
    hub, sim = await charging_car(make_hub, make_sim, phase_switching="ocpp")
    sim.station.honours_phases = True
    set_grid(hass, 2.0, 2.0, 2.0)
    assert set(_number_phases(sim)) == {3}

    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": hub.entity_id("select", f"{LOAD}_phase_mode"), "option": "1"},
        blocking=True,
    )
    # paused at 0 A until the car stopped, then a profile with numberPhases 1
    await sim.wait_for(lambda: 1 in _number_phases(sim), timeout=20)
    car = sim.station.connectors[1].car
    await until(lambda: car.legs == 1 and car.active_phases == 1, timeout=20)
    session = hub.session("CP1")
    await until(lambda: (session.state.connector(1).current_a or [0])[0] > 0, timeout=60)
    legs = session.state.connector(1).current_a
    assert legs[1:] == [0.0, 0.0]  # the car draws on L1 only
    assert hub.state("sensor", f"{LOAD}_active_phases") == "1"
