"""The solar forecast for plans comes from the energy dashboard's configuration: each
solar source's forecast entries, asked through their integration's energy platform
(here a stand-in forecast integration with two roofs, recorded Forecast.Solar-style
samples), added up, refreshed every 15 minutes; garbage and failures are ignored."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any
from unittest.mock import Mock

import pytest
from homeassistant.components.energy.data import async_get_manager
from homeassistant.const import EVENT_COMPONENT_LOADED
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    MockModule,
    async_fire_time_changed,
    mock_integration,
    mock_platform,
)

from tests.ha.hub_fixtures import advance
from tests.ha.plan_input_fixtures import (
    START,
    coordinator,
    local,
    plan_status,
    planned_hub,
    sample,
    set_plan,
)

FORECAST_DOMAIN = "sunny_forecast"


def value_at(intervals: list[tuple[float, float, float]], moment: float) -> float | None:
    return next((v for s, e, v in intervals if s <= moment < e), None)


async def forecast_roofs(
    hass: HomeAssistant, answers: dict[str, Any], *, in_dashboard: bool = True, loaded: bool = True
) -> tuple[dict[str, str], list[str]]:
    """A forecast integration with an energy platform and one entry per roof in
    ``answers`` (title -> forecast, or a coroutine function to await), listed as the
    forecast of the energy dashboard's solar source. Returns the entry ids by title
    and the list of entry ids asked. ``loaded``: the integration is set up already."""
    mock_integration(hass, MockModule(FORECAST_DOMAIN))
    ids: dict[str, str] = {}
    for title in answers:
        entry = MockConfigEntry(domain=FORECAST_DOMAIN, title=title)
        entry.add_to_hass(hass)
        ids[title] = entry.entry_id
    by_id = {ids[title]: answer for title, answer in answers.items()}
    asked: list[str] = []

    async def async_get_solar_forecast(_hass: HomeAssistant, entry_id: str) -> Any:
        asked.append(entry_id)
        answer = by_id[entry_id]
        return await answer() if callable(answer) else answer

    mock_platform(
        hass, f"{FORECAST_DOMAIN}.energy", Mock(async_get_solar_forecast=async_get_solar_forecast)
    )
    if loaded:
        hass.config.components.add(FORECAST_DOMAIN)
    manager = await async_get_manager(hass)
    manager.data = {
        "energy_sources": [
            {"type": "grid", "flow_from": [], "flow_to": [], "cost_adjustment_day": 0.0},
            {
                "type": "solar",
                "stat_energy_from": "sensor.pv_energy",
                "config_entry_solar_forecast": [*ids.values(), "removed_entry"]
                if in_dashboard
                else None,
            },
        ],
        "device_consumption": [],
    }
    return ids, asked


@pytest.mark.usefixtures("freezer")
async def test_the_forecasts_of_both_roofs_are_added_up_and_asked_every_15_minutes(
    hass: HomeAssistant, freezer: Any
) -> None:
    freezer.move_to(START)
    _ids, asked = await forecast_roofs(
        hass,
        {
            "South roof": sample("solar_forecast_south.json"),
            "West roof": sample("solar_forecast_west.json"),
        },
    )
    await planned_hub(hass)
    production = coordinator(hass).plan_inputs.production_w()
    # Wh in the hour = average W: noon 4200 + 1800, 10:00 65 % of that, nothing at night
    assert value_at(production, local(12.5).timestamp()) == pytest.approx(6000)
    assert value_at(production, local(10).timestamp()) == pytest.approx(0.65 * 6000, abs=2)
    assert value_at(production, local(14, day=3).timestamp()) == pytest.approx(0.8 * 5600, abs=2)
    assert value_at(production, local(22).timestamp()) is None
    assert len(asked) == 2

    await advance(hass, freezer, 10 * 60, step=60)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(asked) == 2  # cached
    await advance(hass, freezer, 6 * 60, step=60)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(asked) == 4


async def _boom() -> Any:
    raise RuntimeError("forecast service down")


async def _hang() -> Any:
    await asyncio.Event().wait()


GARBAGE = {
    "wh_hours": {
        "noon": 500,
        "2026-03-02T11:00:00+01:00": 1000,  # the one readable hour
        "2026-03-02T12:00:00+01:00": float("nan"),
        "2026-03-02T13:00:00+01:00": -300,
        "2026-03-02T14:00:00+01:00": "lots",
        "2026-03-02T15:00:00+01:00": 5e12,
    }
}


@pytest.mark.usefixtures("freezer")
@pytest.mark.parametrize(("failure", "why"), [(_boom, "service down"), (_hang, "within 10 s")])
async def test_a_failing_forecast_is_left_out_reported_once_and_garbage_ignored(
    hass: HomeAssistant, freezer: Any, caplog: pytest.LogCaptureFixture, failure: Any, why: str
) -> None:
    freezer.move_to(START)
    caplog.set_level(logging.WARNING)
    _ids, asked = await forecast_roofs(hass, {"South roof": failure, "West roof": GARBAGE})
    await planned_hub(hass, wait=False)
    for _ in range(2):  # the first request, and one 16 minutes later
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
        await hass.async_block_till_done(wait_background_tasks=True)
        production = coordinator(hass).plan_inputs.production_w()
        assert production == [(local(11).timestamp(), local(12).timestamp(), 1000.0)]
        await advance(hass, freezer, 16 * 60, step=60)
    assert len(asked) >= 4
    warnings = [r for r in caplog.records if "South roof" in r.getMessage()]
    assert len(warnings) == 1 and why in warnings[0].getMessage()


async def test_without_a_forecast_in_the_energy_dashboard_there_is_none(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    _ids, asked = await forecast_roofs(
        hass, {"South roof": sample("solar_forecast_south.json")}, in_dashboard=False
    )
    caplog.set_level(logging.WARNING)
    await planned_hub(hass)
    assert coordinator(hass).plan_inputs.production_w() == []
    assert asked == []
    ours = [r for r in caplog.records if r.name.startswith("custom_components.dynamic_ocpp")]
    assert not [r for r in ours if r.levelno >= logging.WARNING]


@pytest.mark.usefixtures("freezer")
async def test_a_forecast_whose_integration_loads_later_is_used_within_a_minute(
    hass: HomeAssistant, freezer: Any
) -> None:
    freezer.move_to(START)
    _ids, asked = await forecast_roofs(
        hass, {"South roof": sample("solar_forecast_south.json")}, loaded=False
    )
    await planned_hub(hass)
    assert coordinator(hass).plan_inputs.production_w() == []  # Home Assistant is starting
    hass.config.components.add(FORECAST_DOMAIN)  # the forecast integration is set up
    hass.bus.async_fire(EVENT_COMPONENT_LOADED, {"component": FORECAST_DOMAIN})
    await hass.async_block_till_done()
    await advance(hass, freezer, 65)
    await hass.async_block_till_done(wait_background_tasks=True)
    production = coordinator(hass).plan_inputs.production_w()
    assert value_at(production, local(12.5).timestamp()) == pytest.approx(4200)
    assert asked


@pytest.mark.usefixtures("freezer")
async def test_the_plan_charges_in_the_forecast_sun(hass: HomeAssistant, freezer: Any) -> None:
    """No prices, a sunny forecast: the target is planned into the sun, not the grid."""
    freezer.move_to(START)
    await forecast_roofs(
        hass,
        {
            "South roof": sample("solar_forecast_south.json"),
            "West roof": sample("solar_forecast_west.json"),
        },
    )
    fake = await planned_hub(hass)
    await set_plan(hass, 5.0, local(16))
    await advance(hass, freezer, 30)
    await hass.async_block_till_done(wait_background_tasks=True)

    status = plan_status(hass)
    assert status.state == "ok"
    slots = status.attributes["slots"]
    solar_kwh = sum(slot["solar_w"] for slot in slots) * 0.25 / 1000
    assert solar_kwh == pytest.approx(5.0, rel=0.05)  # the whole target from the sun
    assert all(slot["grid_w"] == 0 for slot in slots)  # nothing bought
    sunny = [s for s in slots if s["solar_w"] > 0]
    assert all(local(10) <= dt_util.parse_datetime(s["start"]) < local(16) for s in sunny)
    assert fake.dynamic_limits()[-1] == 0  # no floor: the mode takes the sun as it comes
