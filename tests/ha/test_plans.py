"""Plans in Home Assistant: a charger with a target and a departure charges in the
cheapest slots of the hub's price sensor (Nord Pool style), even in solar mode
without surplus; the plan entities show it; set_plan refuses bad input."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant, State
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import mock_restore_cache_with_extra_data

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.hub_fixtures import (
    advance,
)
from tests.ha.plan_fixtures import PRICES, SUB, plan_hub
from tests.ha.test_ocpp_adapter_standin import OcppStandIn

START = "2026-03-02 09:00:00+00:00"  # on a slot boundary
STRINGS = json.loads(
    (Path(__file__).resolve().parents[2] / "custom_components" / DOMAIN / "strings.json").read_text(
        encoding="utf-8"
    )
)


def _entity_id(hass: HomeAssistant, domain: str, key: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(domain, DOMAIN, f"{SUB}_{key}")
    assert entity_id is not None, f"{domain} {key}"
    return entity_id


def _charger_device(hass: HomeAssistant) -> str:
    entry = er.async_get(hass).async_get(_entity_id(hass, "sensor", "status"))
    assert entry is not None and entry.device_id is not None
    return entry.device_id


def _set_prices(hass: HomeAssistant, hours: list[float]) -> None:
    """A Nord Pool style sensor: one price per hour from now on (``raw_today``)."""
    now = dt_util.utcnow()
    raw = [
        {
            "start": (now + timedelta(hours=h)).isoformat(),
            "end": (now + timedelta(hours=h + 1)).isoformat(),
            "value": price,
        }
        for h, price in enumerate(hours)
    ]
    hass.states.async_set(PRICES, str(hours[0]), {"raw_today": raw, "unit": "kWh"})


async def _solar_hub(hass: HomeAssistant, prices: str | None = PRICES) -> OcppStandIn:
    """A charger in solar mode with a car plugged in and no solar at all."""
    fake, _ = await plan_hub(hass, prices=prices)
    return fake


async def _set_plan(hass: HomeAssistant, energy_kwh: float, departure: datetime) -> None:
    await hass.services.async_call(
        DOMAIN,
        "set_plan",
        {
            "device_id": _charger_device(hass),
            "energy_kwh": energy_kwh,
            "departure": dt_util.as_local(departure).strftime("%H:%M:%S"),
        },
        blocking=True,
    )


def _state(hass: HomeAssistant, key: str) -> Any:
    return hass.states.get(_entity_id(hass, "sensor", key))


@pytest.mark.usefixtures("freezer")
async def test_cheap_slot_now_charges_solar_mode_car_at_the_planned_minimum(
    hass: HomeAssistant, freezer: Any
) -> None:
    freezer.move_to(START)
    _set_prices(hass, [0.10, 0.40, 0.40, 0.40])
    fake = await _solar_hub(hass)
    assert fake.dynamic_limits()[-1] == 0  # solar mode, no surplus: nothing without a plan
    assert _state(hass, "plan_status").state == "none"

    # 2 kWh by 3 h from now: the cheapest slots are the ones now.
    await _set_plan(hass, 2.0, dt_util.utcnow() + timedelta(hours=3))
    await advance(hass, freezer, 30)
    await hass.async_block_till_done(wait_background_tasks=True)

    status = _state(hass, "plan_status")
    assert status.state == "ok"
    slot_now = status.attributes["slots"][0]
    assert slot_now["price"] == pytest.approx(0.10)
    floor_a = slot_now["grid_w"] / (230.0 * 3)
    # the whole target in the cheap quarter hour now (2 kWh in 14.5 min: about 12 A)
    assert 6.0 < floor_a < 16.0
    assert fake.dynamic_limits()[-1] == pytest.approx(floor_a, abs=0.5)
    reason = hass.states.get(_entity_id(hass, "sensor", "reason"))
    assert reason.state == "planned_minimum"
    assert float(_state(hass, "planned_energy").state) == pytest.approx(2.0, abs=0.01)
    assert dt_util.parse_datetime(_state(hass, "plan_next_start").state) <= dt_util.utcnow()


@pytest.mark.usefixtures("freezer")
async def test_cheap_slot_later_gives_nothing_now_and_starts_there(
    hass: HomeAssistant, freezer: Any
) -> None:
    freezer.move_to(START)
    _set_prices(hass, [0.40, 0.10, 0.10, 0.40])
    fake = await _solar_hub(hass)
    start = dt_util.utcnow()
    await _set_plan(hass, 5.0, start + timedelta(hours=4))
    await advance(hass, freezer, 30)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert _state(hass, "plan_status").state == "ok"
    assert fake.dynamic_limits()[-1] == 0
    next_start = dt_util.parse_datetime(_state(hass, "plan_next_start").state)
    assert next_start == start + timedelta(hours=1)  # the first cheap hour
    finish = dt_util.parse_datetime(_state(hass, "plan_finish").state)
    assert start + timedelta(hours=1) < finish <= start + timedelta(hours=3)

    # the clock reaches the cheap hour: the car charges there
    await advance(hass, freezer, 3600)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert fake.dynamic_limits()[-1] >= 6.0


@pytest.mark.usefixtures("freezer")
async def test_without_prices_the_plan_charges_as_early_as_needed(
    hass: HomeAssistant, freezer: Any
) -> None:
    freezer.move_to(START)
    fake = await _solar_hub(hass, prices=None)
    start = dt_util.utcnow()
    await _set_plan(hass, 2.0, start + timedelta(hours=5))
    await advance(hass, freezer, 30)
    await hass.async_block_till_done(wait_background_tasks=True)
    status = _state(hass, "plan_status")
    assert status.state == "ok"
    assert all(slot["price"] is None for slot in status.attributes["slots"])
    # least grid energy: just the 2 kWh, from now on, finished long before the departure
    assert float(_state(hass, "planned_energy").state) == pytest.approx(2.0, abs=0.01)
    assert fake.dynamic_limits()[-1] >= 6.0
    finish = dt_util.parse_datetime(_state(hass, "plan_finish").state)
    assert finish <= start + timedelta(hours=1)


@pytest.mark.usefixtures("freezer")
async def test_unreachable_target_is_flagged_and_charges_as_fast_as_allowed(
    hass: HomeAssistant, freezer: Any
) -> None:
    freezer.move_to(START)
    _set_prices(hass, [0.40, 0.10])
    fake = await _solar_hub(hass)
    # 50 kWh in 1 h cannot be done at 11 kW
    await _set_plan(hass, 50.0, dt_util.utcnow() + timedelta(hours=1))
    await advance(hass, freezer, 30)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _state(hass, "plan_status").state == "infeasible"
    assert _state(hass, "plan_status").attributes["reason"] == "not_enough_time"
    assert fake.dynamic_limits()[-1] == pytest.approx(16.0, abs=0.1)  # its maximum


@pytest.mark.usefixtures("freezer")
async def test_energy_zero_clears_the_plan(hass: HomeAssistant, freezer: Any) -> None:
    freezer.move_to(START)
    _set_prices(hass, [0.10, 0.40])
    fake = await _solar_hub(hass)
    await _set_plan(hass, 2.0, dt_util.utcnow() + timedelta(hours=2))
    await advance(hass, freezer, 30)
    assert fake.dynamic_limits()[-1] > 6.0
    await _set_plan(hass, 0.0, dt_util.utcnow() + timedelta(hours=2))
    await advance(hass, freezer, 30)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert _state(hass, "plan_status").state == "none"
    number = hass.states.get(_entity_id(hass, "number", "plan_energy"))
    assert float(number.state) == 0.0


@pytest.mark.parametrize(
    ("target", "energy", "error"),
    [("charger", 500.0, "out_of_range"), ("charger", -1.0, "out_of_range"), ("hub", 5.0, None)],
)
async def test_set_plan_refusals_are_translated(
    hass: HomeAssistant, target: str, energy: float, error: str | None
) -> None:
    await _solar_hub(hass)
    if target == "charger":
        device_id = _charger_device(hass)
    else:
        hub = er.async_get(hass).async_get(
            next(
                e.entity_id
                for e in er.async_entries_for_config_entry(
                    er.async_get(hass), hass.config_entries.async_entries(DOMAIN)[0].entry_id
                )
                if e.config_subentry_id is None
            )
        )
        assert hub is not None
        device_id = str(hub.device_id)
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            DOMAIN,
            "set_plan",
            {"device_id": device_id, "energy_kwh": energy, "departure": "07:00:00"},
            blocking=True,
        )
    key = caught.value.translation_key
    assert key is not None and key in STRINGS["exceptions"]
    if error is not None:
        assert key == error


@pytest.mark.parametrize(
    ("energy", "departure", "want_energy", "want_departure"),
    [(12.5, "06:30:00", "12.5", "06:30:00"), (999.0, "25:99", "0.0", "07:00:00")],
)
async def test_plan_settings_restored_after_restart_unless_absurd(
    hass: HomeAssistant, energy: float, departure: str, want_energy: str, want_departure: str
) -> None:
    mock_restore_cache_with_extra_data(
        hass,
        [
            (State("number.cp1_plan_energy", str(energy)), {"value": energy, "user_set": True}),
            (State("time.cp1_departure_time", departure), {"value": departure, "user_set": True}),
        ],
    )
    await _solar_hub(hass)
    assert hass.states.get(_entity_id(hass, "number", "plan_energy")).state == want_energy
    assert hass.states.get(_entity_id(hass, "time", "departure")).state == want_departure
