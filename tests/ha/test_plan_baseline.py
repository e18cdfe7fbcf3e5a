"""Plans and the house baseline in Home Assistant: the hub learns the house draw
(grid less the managed loads) and a plan counts only on the headroom it leaves."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.hub_fixtures import advance, set_grid
from tests.ha.test_plans import START, _set_plan, _set_prices, _solar_hub, _state


def _book(hass: HomeAssistant) -> Any:
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    return entry.runtime_data.coordinator.plans


@pytest.mark.usefixtures("freezer")
async def test_a_busy_house_lowers_what_the_plan_counts_on(
    hass: HomeAssistant, freezer: Any
) -> None:
    freezer.move_to(START)
    _set_prices(hass, [0.10, 0.10, 0.10])
    fake = await _solar_hub(hass)
    # 12 A on every phase, the car draws nothing: the house draws 12 A
    set_grid(hass, 12.0, 12.0, 12.0)
    await advance(hass, freezer, 630)  # two 5-minute samples are complete
    book = _book(hass)
    assert book.baseline.expected_a("A", dt_util.utcnow().timestamp()) == pytest.approx(12.0)

    await _set_plan(hass, 18.0, dt_util.utcnow() + timedelta(hours=2))
    await advance(hass, freezer, 10)
    status = _state(hass, "plan_status")
    assert status.state == "infeasible"
    # the 15 kW import limit less 3 x 12 A x 230 V of house = 6720 W per slot at most
    # (the breaker would leave (25 - 12) A x 230 V x 3 = 8970 W)
    assert max(slot["grid_w"] for slot in status.attributes["slots"]) == pytest.approx(6720.0)
    assert status.attributes["reason"] == "limits"  # 11 kW for 2 h (22 kWh) would do it

    # the house is quiet now: the car charges as fast as the live limits allow, not
    # merely at what the plan expected (6720 W = 9.7 A)
    set_grid(hass, 2.0, 2.0, 2.0)
    await advance(hass, freezer, 300)  # raised in steps
    assert fake.dynamic_limits()[-1] == pytest.approx(16.0, abs=0.1)


@pytest.mark.usefixtures("freezer")
async def test_the_car_itself_is_not_learned_as_house(hass: HomeAssistant, freezer: Any) -> None:
    freezer.move_to(START)
    fake = await _solar_hub(hass)
    ids = fake._ids("cp1", 1)
    # the grid shows 14 A of which the car draws 10 A: the house draws 4 A
    fake.set_state(ids["status.connector"], "Charging")
    fake.set_state(ids["current.import"], 10.0, L1=10.0, L2=10.0, L3=10.0)
    set_grid(hass, 14.0, 14.0, 14.0)
    await advance(hass, freezer, 630)  # two 5-minute samples are complete
    expected = _book(hass).baseline.expected_a("B", dt_util.utcnow().timestamp())
    assert expected == pytest.approx(4.0, abs=0.01)


@pytest.mark.usefixtures("freezer")
async def test_an_unknown_car_draw_teaches_the_baseline_nothing(
    hass: HomeAssistant, freezer: Any
) -> None:
    freezer.move_to(START)
    fake = await _solar_hub(hass)
    # the grid shows 14 A but the car's current cannot be read: the house share is unknown
    fake.set_state(fake._ids("cp1", 1)["current.import"], "unavailable")
    set_grid(hass, 14.0, 14.0, 14.0)
    await advance(hass, freezer, 630)
    expected = _book(hass).baseline.expected_a("A", dt_util.utcnow().timestamp())
    assert expected is None or expected <= 2.0  # at most the 2 A seen before, never 14 A
