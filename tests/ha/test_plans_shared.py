"""Two chargers with plans on one hub: the second plan counts only on what the
first left, so together they never expect more than the breaker allows, and the
chargers execute them within it (engine/plan_share.py)."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import timedelta
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.dynamic_ocpp_evse.const import CONF_IMPORT_LIMIT_W
from tests.ha.hub_fixtures import (
    HUB_DATA,
    advance,
    cars_plugged_in,
    charger,
    circuit,
    make_entry,
    setup_hub,
)
from tests.ha.plan_fixtures import PRICES, entity_id
from tests.ha.plan_input_fixtures import set_plan
from tests.ha.test_ocpp_adapter_standin import stand_in
from tests.ha.test_plans import START, _set_prices

EARLY, LATE = "sub_early", "sub_late"


def _entity(hass: HomeAssistant, domain: str, sub: str, key: str) -> str:
    return entity_id(hass, domain, key, sub)


async def _set_plan(hass: HomeAssistant, sub: str, energy_kwh: float, hours: float) -> None:
    await set_plan(hass, energy_kwh, dt_util.utcnow() + timedelta(hours=hours), sub)


@pytest.mark.usefixtures("freezer")
async def test_two_plans_share_the_breaker_in_the_cheap_hour(
    hass: HomeAssistant, freezer: Any
) -> None:
    freezer.move_to(START)
    _set_prices(hass, [0.10, 0.40, 0.40, 0.40, 0.40])
    fake = await _two_cars(hass, {**HUB_DATA, "price_entity": PRICES})
    # Both want 4 kWh; each alone would plan 11 kW (16 A) in the cheap hour.
    await _set_plan(hass, EARLY, 4.0, 4)
    await _set_plan(hass, LATE, 4.0, 5)
    await advance(hass, freezer, 30)
    await hass.async_block_till_done(wait_background_tasks=True)

    amps: dict[str, float] = defaultdict(float)
    grid: dict[str, float] = defaultdict(float)
    plans = {}
    for sub in (EARLY, LATE):
        status = hass.states.get(_entity(hass, "sensor", sub, "plan_status"))
        assert status.state == "ok", sub
        plans[sub] = [s["grid_w"] for s in status.attributes["slots"]]
        for slot in status.attributes["slots"]:
            amps[slot["start"]] += (slot["grid_w"] + slot["solar_w"]) / (230.0 * 3)
            grid[slot["start"]] += slot["grid_w"]
    # No history yet, so the house counts 0: both share the 25 A breaker and the
    # 15 kW import limit in every slot.
    assert max(amps.values()) <= 25.0 + 0.01
    assert max(grid.values()) <= 15000.0 + 0.2
    # The earlier departure plans first: 11,040 W now, the rest (4,960 W) next.
    assert plans[EARLY][:3] == [11040.0, 4960.0, 0.0]
    # The later one: 15,000 - 11,040 = 3,960 W now, less than its 6 A minimum
    # (4,140 W), so nothing; then 15,000 - 4,960 = 10,040 W, then the rest.
    assert plans[LATE][:2] == [0.0, pytest.approx(10040.0, abs=0.1)]
    assert sum(plans[LATE]) * 0.25 == pytest.approx(4000.0, abs=40)  # (first slot: 14.5 min)

    # Executed: the early car gets its planned minimum now (raised in steps), the
    # late one nothing yet.
    await advance(hass, freezer, 240)
    assert _last_limit(fake, "cp1") == pytest.approx(16.0, abs=0.1)
    assert _last_limit(fake, "cp2") == 0.0


def _last_limit(fake: Any, cpid: str) -> float:
    """The limit of the last dynamic profile (not the floor: id ending in 3) sent to
    the charger ``cpid``."""
    limits = [
        json.loads(data["custom_profile"])["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"]
        for data in fake.calls("set_charge_rate")
        if data["devid"] == cpid
        and json.loads(data["custom_profile"])["chargingProfileId"] % 10 != 3
    ]
    return limits[-1] if limits else 0.0


async def _two_cars(
    hass: HomeAssistant, data: dict[str, Any], extra: list[Any] | None = None
) -> Any:
    """Two 3-phase chargers (6-16 A, solar mode, cars plugged in) on the hub ``data``."""
    fake = await stand_in(hass)
    cars_plugged_in(hass, fake, ("cp1", "cp2"))
    subs = [
        charger(EARLY, "Early car", "cp1", mode="solar"),
        charger(LATE, "Late car", "cp2", mode="solar"),
        *(extra or []),
    ]
    entry = make_entry(hass, data=data, plugs=False, extra=subs)
    await setup_hub(hass, entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    return fake


def _slots(hass: HomeAssistant, sub: str) -> list[dict[str, Any]]:
    status = hass.states.get(_entity(hass, "sensor", sub, "plan_status"))
    assert status.state == "ok", sub
    return list(status.attributes["slots"])


@pytest.mark.usefixtures("freezer")
async def test_two_plans_share_their_circuit(hass: HomeAssistant, freezer: Any) -> None:
    """Both chargers below a 20 A garage circuit, no import limit: the late car may
    count on 20 - 16 = 4 A (less than its 6 A minimum) while the early one takes
    its 16 A, then on what the early one's second slot leaves of the 20 A."""
    freezer.move_to(START)
    _set_prices(hass, [0.10, 0.40, 0.40, 0.40, 0.40])
    data = {k: v for k, v in HUB_DATA.items() if k != CONF_IMPORT_LIMIT_W}
    garage = circuit("sub_garage_cars", "Garage", 20.0, [EARLY, LATE])
    await _two_cars(hass, {**data, "price_entity": PRICES}, [garage])
    await _set_plan(hass, EARLY, 4.0, 4)
    await _set_plan(hass, LATE, 4.0, 5)
    await advance(hass, freezer, 30)
    await hass.async_block_till_done(wait_background_tasks=True)

    early, late = _slots(hass, EARLY), _slots(hass, LATE)
    for a, b in zip(early, late, strict=False):  # the early plan ends an hour sooner
        assert (a["grid_w"] + b["grid_w"]) / (230.0 * 3) <= 20.0 + 0.01
    assert [s["grid_w"] for s in early[:2]] == [11040.0, 4960.0]
    # 13,800 W of circuit less the early car's 4,960 W
    assert [s["grid_w"] for s in late[:2]] == [0.0, pytest.approx(8840.0, abs=0.1)]


@pytest.mark.usefixtures("freezer")
async def test_a_plan_made_before_another_is_made_again_when_that_one_comes(
    hass: HomeAssistant, freezer: Any
) -> None:
    """The late car plans alone first (the whole cheap slot); once the early car has
    a plan, the late car's plan is made again on what the early one left."""
    freezer.move_to(START)
    _set_prices(hass, [0.10, 0.40, 0.40, 0.40, 0.40])
    await _two_cars(hass, {**HUB_DATA, "price_entity": PRICES})
    await _set_plan(hass, LATE, 4.0, 5)
    await advance(hass, freezer, 10)
    assert _slots(hass, LATE)[0]["grid_w"] == 11040.0
    await _set_plan(hass, EARLY, 4.0, 4)
    await advance(hass, freezer, 10)
    assert _slots(hass, EARLY)[0]["grid_w"] == 11040.0
    assert _slots(hass, LATE)[0]["grid_w"] == 0.0  # 3,960 W left: below its minimum
