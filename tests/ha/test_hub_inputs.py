"""Implausible and garbage input states in Home Assistant: missing, never a value, never a raise.

The reported bug first (a charger's Current.Import of 1e308, NaN and -50 made the
headroom infinite and stopped the control loop), then a seeded fuzz of every input
entity of a hub with a battery, an import limit entity, two plugs and a charger, then
the repair issue and the log line of a reading that stays implausible.
"""

from __future__ import annotations

import logging
import math
import random
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from custom_components.dynamic_ocpp_evse.const import CONF_IMPORT_LIMIT_ENTITY, DOMAIN
from custom_components.dynamic_ocpp_evse.diagnostics import async_get_config_entry_diagnostics
from tests.ha.hub_fixtures import (
    GRID,
    PLUG2_SWITCH,
    SOLAR,
    advance,
    battery_data,
    charger,
    set_grid,
    settle,
    start_hub,
)
from tests.ha.test_ocpp_adapter_standin import stand_in

IMPORT_LIMIT = "sensor.import_limit"
SOC = "sensor.battery_soc"
BATTERY_W = "sensor.battery_power"


async def _hub(hass: HomeAssistant, data: dict[str, Any] | None = None) -> tuple[Any, Any]:
    fake = await stand_in(hass)
    ids = fake.add_charger("cp1")[1]
    fake.set_state(ids["status.connector"], "Charging")
    fake.set_state(ids["current.import"], 0.0, L1=0.0, L2=0.0, L3=0.0)
    fake.set_state(ids["current.offered"], 6.0)
    hub = await start_hub(hass, data=data, extra=[charger()])
    await hass.async_block_till_done(wait_background_tasks=True)
    return hub.entry, (fake, ids, hub.site, hub.calls)


def _errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.ERROR or "Unexpected exception" in r.getMessage()
    ]


def _shown_numbers_are_finite(hass: HomeAssistant) -> None:
    for state in hass.states.async_all("sensor"):
        if not state.entity_id.startswith(("sensor.home_", "sensor.wallbox_", "sensor.heater_")):
            continue
        try:
            value = float(state.state)
        except ValueError:
            continue  # unknown, unavailable or an enum word
        assert math.isfinite(value), state


async def test_the_reported_meter_values_leave_the_loop_running(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """Current.Import 1e308 (L1), NaN (L2), -50 (L3): counted as missing, named, no traceback."""
    _entry, (fake, ids, _site, calls) = await _hub(hass)
    before = hass.states.get("sensor.home_available_power").state
    fake.set_state(ids["current.import"], "1e308", L1="1e308", L2="NaN", L3="-50")
    await settle(hass)
    await hass.async_block_till_done(wait_background_tasks=True)

    assert _errors(caplog) == []
    available = hass.states.get("sensor.home_available_power").state
    assert available == before  # a missing draw keeps its last plausible value (0 A)
    status = hass.states.get("sensor.home_status")
    assert "Wallbox" in status.attributes["readings_not_believed"]
    assert "above" in status.attributes["readings_not_believed"]["Wallbox"]
    assert max(fake.limits()) <= 16.0
    # The plugs are still controlled: the pump (continuous) was switched on.
    assert ("turn_on", PLUG2_SWITCH) in [(c.service, c.data["entity_id"]) for c in calls]
    _shown_numbers_are_finite(hass)


GARBAGE = ["nan", "inf", "-inf", "1e308", "-1e308", "1e400", "abc", "", "12 A", "0x10", "unknown"]
IMPLAUSIBLE = {
    "grid": ["500", "-500", "1e9"],
    "solar": ["-5000", "1e7"],
    "soc": ["-5", "101", "250"],
    "battery": ["1e6", "-1e6"],
    "limit": ["-1", "-1e9"],
    "draw": ["-50", "1e5", "200"],
}


async def test_garbage_in_every_input_never_raises_nor_raises_a_command(
    hass: HomeAssistant, freezer: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """Seeded fuzz: 120 cycles, each input garbage with probability 0.3.

    While any grid phase is garbage nothing may be switched on and the charger's
    limit may not rise (no raise on an old value); nothing raises; every number shown
    is finite; an input is warned about at most once.
    """
    data = {**battery_data(), CONF_IMPORT_LIMIT_ENTITY: IMPORT_LIMIT}
    hass.states.async_set(SOC, "60", {"unit_of_measurement": "%"})
    hass.states.async_set(BATTERY_W, "0", {"unit_of_measurement": "W"})
    hass.states.async_set(IMPORT_LIMIT, "11000", {"unit_of_measurement": "W"})
    _entry, (fake, ids, site, calls) = await _hub(hass, data)
    rnd = random.Random(11)

    def pick(kind: str, good: str) -> tuple[str, bool]:
        if rnd.random() < 0.3:
            return rnd.choice(GARBAGE + IMPLAUSIBLE[kind]), True
        return good, False

    for _ in range(120):
        calls.clear()
        # the safe floor (re-sent every 10 minutes) sits below the limit: not a raise
        sent_before = len(fake.dynamic_limits())
        last_limit = fake.dynamic_limits()[-1] if fake.dynamic_limits() else 0.0
        grid_bad = False
        for entity_id in GRID:
            value, bad = pick("grid", str(round(rnd.uniform(-10, 20), 1)))
            grid_bad |= bad
            hass.states.async_set(entity_id, value, {"unit_of_measurement": "A"})
        hass.states.async_set(
            SOLAR, pick("solar", str(rnd.randint(0, 6000)))[0], {"unit_of_measurement": "W"}
        )
        hass.states.async_set(
            SOC, pick("soc", str(rnd.randint(0, 100)))[0], {"unit_of_measurement": "%"}
        )
        hass.states.async_set(
            BATTERY_W,
            pick("battery", str(rnd.randint(-3000, 3000)))[0],
            {"unit_of_measurement": "W"},
        )
        hass.states.async_set(
            IMPORT_LIMIT,
            pick("limit", str(rnd.randint(3000, 15000)))[0],
            {"unit_of_measurement": "W"},
        )
        legs = [pick("draw", str(rnd.randint(0, 16)))[0] for _ in range(3)]
        fake.set_state(ids["current.import"], legs[0], L1=legs[0], L2=legs[1], L3=legs[2])
        await advance(hass, freezer, 5)
        await hass.async_block_till_done(wait_background_tasks=True)

        assert _errors(caplog) == []
        _shown_numbers_are_finite(hass)
        if grid_bad:
            assert [c for c in calls if c.service == "turn_on"] == []
            assert all(limit <= last_limit for limit in fake.dynamic_limits()[sent_before:])
    warned = [
        r.getMessage()
        for r in caplog.records
        if "not believed" in r.getMessage() and r.levelno >= logging.WARNING
    ]
    assert len(warned) == len({m.split(" (")[0] for m in warned})  # each input at most once
    assert len(warned) >= 5  # and the garbage was indeed noticed


async def test_an_implausible_reading_for_10_minutes_raises_a_repair_issue(
    hass: HomeAssistant, freezer: Any, caplog: pytest.LogCaptureFixture
) -> None:
    entry, (_fake, _ids, site, _calls) = await _hub(hass)
    issues = ir.async_get(hass)
    issue_id = f"{entry.entry_id}_sensor.grid_b"
    set_grid(hass, 2.0, 1e6, 2.0)  # a meter that switched to mA without saying so
    await advance(hass, freezer, 9 * 60, step=10)
    assert issues.async_get_issue(DOMAIN, issue_id) is None
    status = hass.states.get("sensor.home_status")
    assert status.state == "sensors_unavailable"
    assert "sensor.grid_b" in status.attributes["readings_not_believed"]

    await advance(hass, freezer, 2 * 60, step=10)
    issue = issues.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "input_implausible"
    assert issue.translation_placeholders["entity_id"] == "sensor.grid_b"
    assert "above 85 A" in issue.translation_placeholders["reason"]
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert "sensor.grid_b" in diagnostics["readings_not_believed"]
    assert diagnostics["result"]["site"]["implausible"]["grid.B"]
    warned = [
        r
        for r in caplog.records
        if "not believed" in r.getMessage() and r.levelno >= logging.WARNING
    ]
    assert len(warned) == 1  # once, not every cycle

    site.publish()  # the meter reads sensibly again
    await advance(hass, freezer, 5)
    assert issues.async_get_issue(DOMAIN, issue_id) is None
    assert hass.states.get("sensor.home_status").state == "ok"


async def test_a_state_that_is_no_number_is_named_too(hass: HomeAssistant, freezer: Any) -> None:
    await _hub(hass)
    hass.states.async_set(SOLAR, "twelve", {"unit_of_measurement": "W"})
    await advance(hass, freezer, 5)
    reasons = hass.states.get("sensor.home_status").attributes["readings_not_believed"]
    assert reasons[SOLAR] == "state 'twelve' is not a number"
