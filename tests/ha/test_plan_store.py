"""Plans across a restart: the energy delivered, the departure and the learned
house baseline are kept (plan_store.py); a damaged store is ignored with one warning."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from custom_components.dynamic_ocpp_evse.diagnostics import async_get_config_entry_diagnostics
from tests.ha.hub_fixtures import advance
from tests.ha.plan_fixtures import car_draws, plan_hub
from tests.ha.test_plans import START, _set_plan, _set_prices, _state

KEY = f"{DOMAIN}.hub1.plans"


def _book(hass: HomeAssistant) -> Any:
    return hass.config_entries.async_entries(DOMAIN)[0].runtime_data.coordinator.plans


@pytest.mark.usefixtures("freezer")
async def test_a_restart_keeps_the_energy_delivered_and_the_departure(
    hass: HomeAssistant, freezer: Any, hass_storage: dict[str, Any]
) -> None:
    freezer.move_to(START)
    _set_prices(hass, [0.10, 0.10, 0.10, 0.10])
    fake, entry = await plan_hub(hass, entry_id="hub1")
    await _set_plan(hass, 20.0, dt_util.utcnow() + timedelta(hours=3))
    car_draws(fake, 10.0)
    await advance(hass, freezer, 600)
    before = _state(hass, "plan_status").attributes
    # 10 A x 3 phases x 230 V for 10 minutes: about 1.15 kWh
    assert before["delivered_kwh"] == pytest.approx(1.15, abs=0.05)
    samples = _book(hass).baseline.sample_count()
    assert samples > 0

    # Home Assistant restarts (the hub unloads, saves, and is set up again)
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert hass_storage[KEY]["data"]["progress"]["sub_charger"]["delivered_wh"] > 1000
    car_draws(fake, 0.0)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    await advance(hass, freezer, 10)

    after = _state(hass, "plan_status").attributes
    assert after["delivered_kwh"] == pytest.approx(before["delivered_kwh"], abs=0.01)
    assert after["departure"] == before["departure"]
    assert _book(hass).baseline.sample_count() >= samples
    # the plan needs only what is left: 20 kWh less what was delivered
    planned = float(_state(hass, "planned_energy").state)
    assert planned == pytest.approx(20.0 - before["delivered_kwh"], abs=0.2)


@pytest.mark.parametrize(
    ("version", "data"),
    [(1, "not a dict"), (7, {"progress": {}})],
)
async def test_a_damaged_or_foreign_store_is_ignored_with_one_warning(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    version: int,
    data: Any,
) -> None:
    hass_storage[KEY] = {"version": version, "minor_version": 1, "key": KEY, "data": data}
    await plan_hub(hass, entry_id="hub1")
    warnings = [r for r in caplog.records if "Stored plans" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelname == "WARNING"
    assert _state(hass, "plan_status").state == "none"
    assert hass.states.get("sensor.home_status").state != "config_error"


async def test_hostile_content_in_the_store_is_left_out(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    hass_storage[KEY] = {
        "version": 1,
        "minor_version": 1,
        "key": KEY,
        "data": {
            "progress": {"sub_charger": {"key": "x", "delivered_wh": float("nan")}, "x": 3},
            "generations": {"sub_charger": -1, "y": "z"},
            "baseline": {"format": 1, "phases": {"A": {"72": [[1, "x"]]}, "B": None}},
        },
    }
    await plan_hub(hass, entry_id="hub1")
    book = _book(hass)
    assert book.progress == {} and book.generations == {}
    assert _state(hass, "plan_status").state == "none"


@pytest.mark.usefixtures("freezer")
async def test_diagnostics_show_progress_baseline_and_the_last_plan(
    hass: HomeAssistant, freezer: Any
) -> None:
    freezer.move_to(START)
    _set_prices(hass, [0.40, 0.10, 0.40])
    fake, entry = await plan_hub(hass)
    await _set_plan(hass, 50.0, dt_util.utcnow() + timedelta(hours=1))
    car_draws(fake, 10.0)
    await advance(hass, freezer, 630)
    # called directly: the frozen clock has the test client's token expired
    plans = (await async_get_config_entry_diagnostics(hass, entry))["plans"]
    progress = plans["progress"]["sub_charger"]
    assert progress["target_wh"] == 50000.0 and progress["delivered_wh"] > 1000
    assert progress["departure"] is not None
    assert plans["baseline"]["A"]["samples"] >= 2 and plans["baseline"]["A"]["days"] == 1
    last = plans["last_plans"]["sub_charger"]
    assert last["status"] == "infeasible" and last["shortfall_reason"] == "not_enough_time"
    assert last["slots"] and "grid_w" in last["slots"][0]


@pytest.mark.usefixtures("freezer")
async def test_progress_is_saved_while_running_not_only_at_unload(
    hass: HomeAssistant, freezer: Any, hass_storage: dict[str, Any]
) -> None:
    freezer.move_to(START)
    _set_prices(hass, [0.10, 0.10, 0.10, 0.10])
    fake, _entry = await plan_hub(hass, entry_id="hub1")
    await _set_plan(hass, 20.0, dt_util.utcnow() + timedelta(hours=3))
    car_draws(fake, 10.0)
    await advance(hass, freezer, 400)  # cycles every 5 s the whole time
    saved = hass_storage[KEY]["data"]["progress"]["sub_charger"]["delivered_wh"]
    assert saved > 0  # a power cut now would keep most of it
