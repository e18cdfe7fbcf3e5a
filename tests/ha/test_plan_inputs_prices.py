"""Prices for plans from each supported source, as a user sees the plan: a charger with
5 kWh to charge by 16:00 is planned into the cheapest hour (14:00 in Stockholm) of
the recorded day, whether the prices come from a sensor's attributes (Nord Pool,
ENTSO-e and Octopus Energy custom integrations) or from a price action (core Nord
Pool, core Tibber). A price action that is missing, fails, hangs or answers garbage
leaves no prices: one warning, and the plan charges as early as needed."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

import pytest
import voluptuous as vol
from homeassistant.core import HomeAssistant, ServiceCall, SupportsResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.dynamic_ocpp_evse.diagnostics import async_get_config_entry_diagnostics
from tests.ha.hub_fixtures import advance
from tests.ha.plan_input_fixtures import (
    START,
    charging_slots,
    coordinator,
    entity_id,
    local,
    plan_status,
    planned_hub,
    sample,
    set_plan,
)

NORDPOOL_AREAS = ("SE1", "SE2", "SE3", "SE4", "FI", "DK1", "DK2", "NO1", "NO2")
# the fields of the core actions as Home Assistant 2025.4 checks them
NORDPOOL_SCHEMA = vol.Schema(
    {
        vol.Required("config_entry"): str,
        vol.Required("date"): cv.date,
        vol.Optional("areas"): vol.All(vol.In(NORDPOOL_AREAS), cv.ensure_list, [str]),
        vol.Optional("currency"): vol.In(["DKK", "EUR", "NOK", "PLN", "SEK"]),
    }
)
TIBBER_SCHEMA = vol.Schema({vol.Optional("start"): str, vol.Optional("end"): str})
ENTITY_SOURCES = {
    "nordpool_custom": ("sensor.nordpool_kwh_se3_eur_3_10_0", "nordpool_custom_sensor.json"),
    "entsoe": ("sensor.entsoe_average_electricity_price", "entsoe_sensor.json"),
    "octopus": ("event.octopus_energy_current_day_rates", "octopus_rates_event.json"),
}


def register_nordpool(hass: HomeAssistant, answer: Any = "recorded") -> list[dict[str, Any]]:
    """A stand-in ``nordpool.get_prices_for_date``: the recorded day, or ``answer``.

    Like the real one, tomorrow's prices are an error until they are published
    (13:00 local here)."""
    calls: list[dict[str, Any]] = []

    async def handle(call: ServiceCall) -> Any:
        calls.append(dict(call.data))
        if answer != "recorded":
            return await answer() if callable(answer) else answer
        day = call.data["date"]
        if day > dt_util.now().date() and dt_util.now().hour < 13:
            raise ServiceValidationError("empty response")
        return sample(f"nordpool_action_{day.isoformat()}.json")

    hass.services.async_register(
        "nordpool",
        "get_prices_for_date",
        handle,
        schema=NORDPOOL_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    return calls


def register_tibber(hass: HomeAssistant) -> list[dict[str, Any]]:
    """A stand-in ``tibber.get_prices`` answering the recorded two days."""
    calls: list[dict[str, Any]] = []

    async def handle(call: ServiceCall) -> Any:
        calls.append(dict(call.data))
        return sample("tibber_action.json")

    hass.services.async_register(
        "tibber",
        "get_prices",
        handle,
        schema=TIBBER_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
    return calls


def nordpool_entry(hass: HomeAssistant) -> str:
    entry = MockConfigEntry(
        domain="nordpool", title="Nord Pool", data={"areas": ["SE3", "SE4"], "currency": "EUR"}
    )
    entry.add_to_hass(hass)
    return entry.entry_id


def hub_options(hass: HomeAssistant, source: str) -> dict[str, Any]:
    """The hub's price options for ``source``, with the source's data in place."""
    if source in ENTITY_SOURCES:
        price_entity, name = ENTITY_SOURCES[source]
        recorded = sample(name)
        hass.states.async_set(price_entity, recorded["state"], recorded["attributes"])
        return {"price_entity": price_entity}
    if source == "nordpool_action":
        register_nordpool(hass)
        return {
            "price_source": "nordpool",
            "price_nordpool_entry": nordpool_entry(hass),
            "price_area": "SE4",
        }
    register_tibber(hass)
    return {"price_source": "tibber", "price_tibber_home": "Home"}


@pytest.mark.usefixtures("freezer")
@pytest.mark.parametrize(
    ("source", "cheapest"),
    [
        ("nordpool_custom", 0.07),
        ("entsoe", 0.07),
        ("octopus", 0.07),
        ("nordpool_action", 0.09),  # area SE4: 90 EUR/MWh
        ("tibber_action", 0.17),  # with taxes
    ],
)
async def test_the_plan_charges_in_the_cheapest_hour_of_each_price_source(
    hass: HomeAssistant, freezer: Any, source: str, cheapest: float
) -> None:
    freezer.move_to(START)
    fake = await planned_hub(hass, hub_options(hass, source))
    await set_plan(hass, 5.0, local(16))
    await advance(hass, freezer, 30)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert plan_status(hass).state == "ok"
    slots = charging_slots(hass)
    assert slots, "the plan charges somewhere"
    assert all(slot["price"] == pytest.approx(cheapest) for slot in slots)
    assert dt_util.parse_datetime(slots[0]["start"]) == local(14)
    now_price = plan_status(hass).attributes["slots"][0]["price"]
    assert now_price is not None and now_price > cheapest  # the prices were read
    assert fake.dynamic_limits()[-1] == 0  # 10:00 is expensive: nothing now
    planned = hass.states.get(entity_id(hass, "sensor", "planned_energy"))
    assert float(planned.state) == pytest.approx(5.0, abs=0.01)


async def _hang() -> Any:
    await asyncio.Event().wait()


GARBAGE = {"SE3": [{"start": "yesterday", "end": None, "price": "cheap"}], "SE4": 17}


@pytest.mark.usefixtures("freezer")
@pytest.mark.parametrize(
    ("failure", "why"),
    [
        ("missing", "not available"),
        ("raising", "boom"),
        ("hanging", "no answer within 10 s"),
        ("garbage", "no price that can be read"),
    ],
)
async def test_a_failing_price_action_leaves_no_prices_one_warning_and_control_goes_on(
    hass: HomeAssistant,
    freezer: Any,
    caplog: pytest.LogCaptureFixture,
    failure: str,
    why: str,
) -> None:
    freezer.move_to(START)

    async def boom() -> Any:
        raise HomeAssistantError("boom")

    answers = {"raising": boom, "hanging": _hang, "garbage": GARBAGE}
    calls = [] if failure == "missing" else register_nordpool(hass, answers[failure])
    options = {"price_source": "nordpool", "price_nordpool_entry": nordpool_entry(hass)}
    caplog.set_level(logging.WARNING)
    fake = await planned_hub(hass, options, wait=False)
    await set_plan(hass, 2.0, local(15))
    await advance(hass, freezer, 60)  # a hanging action times out meanwhile (10 s)
    await _answered(hass)

    # no prices: the plan charges as early as needed, the control loop runs on
    assert plan_status(hass).state == "ok"
    assert all(slot["price"] is None for slot in plan_status(hass).attributes["slots"])
    assert fake.dynamic_limits()[-1] >= 6.0
    warnings = [r for r in caplog.records if "nordpool.get_prices_for_date" in r.getMessage()]
    assert len(warnings) == 1 and why in warnings[0].getMessage()
    assert warnings[0].levelno == logging.WARNING

    # asked again later, still reported only once
    tried = len(calls)
    await advance(hass, freezer, 16 * 60, step=60)
    await _answered(hass)
    if failure != "missing":
        assert len(calls) > tried
    warnings = [r for r in caplog.records if "nordpool.get_prices_for_date" in r.getMessage()]
    assert len(warnings) == 1
    assert fake.dynamic_limits()[-1] >= 6.0


async def _answered(hass: HomeAssistant) -> None:
    """Let a request under way finish: answered, failed or timed out (10 s)."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=11))
    await hass.async_block_till_done(wait_background_tasks=True)


@pytest.mark.usefixtures("freezer")
async def test_prices_already_known_still_count_when_a_later_request_fails(
    hass: HomeAssistant, freezer: Any, caplog: pytest.LogCaptureFixture
) -> None:
    freezer.move_to(START)
    failing = False

    async def recorded_then_down() -> Any:
        if failing:
            raise HomeAssistantError("Nord Pool is down")
        return sample("nordpool_action_2026-03-02.json")

    register_nordpool(hass, recorded_then_down)
    options = {"price_source": "nordpool", "price_nordpool_entry": nordpool_entry(hass)}
    await planned_hub(hass, options)
    known = coordinator(hass).plan_inputs.prices()
    assert known and len(known) == 24
    failing = True
    caplog.set_level(logging.WARNING)
    await advance(hass, freezer, 61 * 60, step=60)  # the hourly request fails
    await _answered(hass)
    prices = coordinator(hass).plan_inputs.prices()
    assert prices == [i for i in known if i[1] > dt_util.utcnow().timestamp()]  # 11:00 on
    assert len([r for r in caplog.records if "Nord Pool is down" in r.getMessage()]) == 1
    await set_plan(hass, 5.0, local(16))
    await advance(hass, freezer, 30)
    assert all(slot["price"] == pytest.approx(0.07) for slot in charging_slots(hass))


@pytest.mark.usefixtures("freezer")
async def test_nord_pool_is_asked_for_tomorrow_after_13_and_otherwise_once_an_hour(
    hass: HomeAssistant, freezer: Any
) -> None:
    freezer.move_to(local(12.5))
    calls = register_nordpool(hass)
    entry_id = nordpool_entry(hass)
    await planned_hub(hass, {"price_source": "nordpool", "price_nordpool_entry": entry_id})
    inputs = coordinator(hass).plan_inputs
    # at setup: today, and tomorrow (not published yet)
    assert [c["date"].isoformat() for c in calls] == ["2026-03-02", "2026-03-03"]
    assert calls[0]["config_entry"] == entry_id
    assert "areas" not in calls[0]  # the entry's own areas
    prices = inputs.prices()
    assert prices and max(end for _s, end, _p in prices) == local(24).timestamp()

    await advance(hass, freezer, 20 * 60, step=60)  # 12:50: nothing is due
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(calls) == 2

    await advance(hass, freezer, 15 * 60, step=60)  # 13:05: tomorrow is expected
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [c["date"].isoformat() for c in calls[2:]] == ["2026-03-02", "2026-03-03"]
    prices = inputs.prices()
    assert prices and max(end for _s, end, _p in prices) == local(24, day=3).timestamp()

    await advance(hass, freezer, 30 * 60, step=60)  # 13:35: it has tomorrow; not an hour yet
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(calls) == 4
    await advance(hass, freezer, 31 * 60, step=60)  # an hour after the last call
    await hass.async_block_till_done(wait_background_tasks=True)
    assert len(calls) == 6


@pytest.mark.usefixtures("freezer")
async def test_tibber_is_asked_for_today_and_tomorrow_and_the_home_named(
    hass: HomeAssistant, freezer: Any
) -> None:
    freezer.move_to(START)
    calls = register_tibber(hass)
    await planned_hub(hass, {"price_source": "tibber", "price_tibber_home": "home"})
    assert len(calls) == 1
    start = dt_util.parse_datetime(calls[0]["start"])
    end = dt_util.parse_datetime(calls[0]["end"])
    assert (start, end) == (local(0), local(0, day=4))
    prices = coordinator(hass).plan_inputs.prices()
    assert prices is not None and len(prices) == 48  # both days of "Home" ("Cabin" is empty)
    assert prices[0] == (local(0).timestamp(), local(1).timestamp(), pytest.approx(0.32))


async def test_the_entity_source_calls_nothing(hass: HomeAssistant) -> None:
    calls = register_nordpool(hass)
    await planned_hub(hass)
    assert coordinator(hass).plan_inputs.prices() is None  # planning reads the entity
    await hass.async_block_till_done(wait_background_tasks=True)
    assert calls == []


@pytest.mark.usefixtures("freezer")
async def test_diagnostics_say_where_prices_come_from_and_what_failed(
    hass: HomeAssistant, freezer: Any
) -> None:
    freezer.move_to(START)
    register_tibber(hass)
    await planned_hub(hass, {"price_source": "tibber"})
    entry = hass.config_entries.async_entries("dynamic_ocpp_evse")[0]
    inputs = (await async_get_config_entry_diagnostics(hass, entry))["plan_inputs"]
    assert inputs["price_source"] == "tibber"
    assert inputs["prices"]["intervals"] == 48
    span = [dt_util.parse_datetime(moment) for moment in inputs["prices"]["span"]]
    assert span == [local(0), local(0, day=4)]  # today and tomorrow
    assert inputs["problems"] == []

    hass.services.async_remove("tibber", "get_prices")  # the Tibber integration goes away
    await advance(hass, freezer, 61 * 60, step=60)
    await _answered(hass)
    inputs = (await async_get_config_entry_diagnostics(hass, entry))["plan_inputs"]
    assert inputs["problems"] == ["prices"]
    assert inputs["prices"]["last_ok"] is False
    assert inputs["prices"]["intervals"] == 48 - 11  # at 11:01 the hours 0-10 have ended
