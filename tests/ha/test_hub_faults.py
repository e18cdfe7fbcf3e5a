"""Output faults on one load never stop the control of the others.

A hub with an ``ocpp``-integration charger and two plugs. One output misbehaves
(the ``ocpp`` service missing, raising or rejecting, never answering, answering
slowly, a switch that does not exist, a charger that goes away mid-session). In
every case: an overload on phase B still switches the pump off in the same cycle,
the failing load is reported once (one warning, a fault status) and retried with
back-off (far fewer calls than cycles), and nothing raises.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.helpers import entity_registry as er

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.hub_fixtures import (
    CHARGER,
    HEATER,
    PLUG1_SWITCH,
    PLUG2_SWITCH,
    SiteModel,
    advance,
    charger,
    settle,
    start_hub,
)
from tests.ha.test_ocpp_adapter_standin import CHARGE_RATE_SCHEMA, OcppStandIn, stand_in

OFF_LINE = {"offline", "unavailable"}


def _status(hass: HomeAssistant, sub_id: str) -> str:
    """The status sensor's state of one load (found by its unique id)."""
    entity_id = er.async_get(hass).async_get_entity_id("sensor", DOMAIN, f"{sub_id}_status")
    assert entity_id is not None
    return hass.states.get(entity_id).state


Fault = Callable[[HomeAssistant, OcppStandIn, dict[str, str]], Awaitable[None]]


async def _missing(hass: HomeAssistant, fake: OcppStandIn, ids: dict[str, str]) -> None:
    for service in ("set_charge_rate", "clear_profile", "get_configuration"):
        hass.services.async_remove("ocpp", service)


async def _raising(hass: HomeAssistant, fake: OcppStandIn, ids: dict[str, str]) -> None:
    fake.fail = True  # what the ocpp integration does when the charger rejects a profile


def _replace_charge_rate(
    hass: HomeAssistant, fake: OcppStandIn, wait: Callable[[], Awaitable[Any]]
) -> None:
    async def handler(call: ServiceCall) -> None:
        fake.log.append((call.service, dict(call.data)))
        await wait()

    hass.services.async_register("ocpp", "set_charge_rate", handler, CHARGE_RATE_SCHEMA)


async def _hanging(hass: HomeAssistant, fake: OcppStandIn, ids: dict[str, str]) -> None:
    _replace_charge_rate(hass, fake, asyncio.Event().wait)  # never set: no answer, ever


async def _slow(hass: HomeAssistant, fake: OcppStandIn, ids: dict[str, str]) -> None:
    _replace_charge_rate(hass, fake, lambda: asyncio.sleep(3))


async def _gone(hass: HomeAssistant, fake: OcppStandIn, ids: dict[str, str]) -> None:
    fake.set_state(ids["status.connector"], "unavailable")
    fake.set_state(ids["current.import"], "unavailable")


async def _no_switch(hass: HomeAssistant, fake: OcppStandIn, ids: dict[str, str]) -> None:
    hass.states.async_remove(PLUG1_SWITCH)


FAULTS: dict[str, tuple[Fault, str, set[str] | None]] = {
    # name: (fault, load whose status shows it, status it shows)
    "ocpp service missing": (_missing, CHARGER, {"fault"}),
    "ocpp service raises or rejects": (_raising, CHARGER, {"fault"}),
    "charger never answers": (_hanging, CHARGER, {"fault"}),
    "charger answers slowly": (_slow, CHARGER, None),
    "charger gone mid-session": (_gone, CHARGER, OFF_LINE),
    "switch does not exist": (_no_switch, HEATER, OFF_LINE),
}


async def _hub(hass: HomeAssistant) -> tuple[OcppStandIn, dict[str, str], SiteModel, list[Any]]:
    fake = await stand_in(hass)
    ids = fake.add_charger("cp1")[1]
    fake.set_state(ids["status.connector"], "Charging")
    fake.set_state(ids["current.import"], 0.0, L1=0.0, L2=0.0, L3=0.0)
    fake.set_state(ids["current.offered"], 6.0)
    hub = await start_hub(hass, SiteModel(hass, solar_w=0.0), extra=[charger()])
    await hass.async_block_till_done(wait_background_tasks=True)
    return fake, ids, hub.site, hub.calls


@pytest.mark.parametrize("name", list(FAULTS))
async def test_one_failing_output_leaves_the_others_in_control(
    hass: HomeAssistant, freezer: Any, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    fault, load, shown = FAULTS[name]
    fake, ids, site, calls = await _hub(hass)
    assert hass.states.get(PLUG2_SWITCH).state == "on"
    await fault(hass, fake, ids)
    attempts_before = len(fake.calls("set_charge_rate"))
    caplog.clear()

    # Two minutes with a changing house: the charger's target changes often.
    for i in range(24):
        site.house_a = {"A": 2.0 + i % 4, "B": 2.0, "C": 2.0 + i % 3}
        site.publish()
        await advance(hass, freezer, 5)
    if shown is not None:
        assert _status(hass, load) in shown

    # The pump is still controlled: an overload on B switches it off at once.
    calls.clear()
    site.house_a["B"] = 26.0
    site.publish()
    await settle(hass)
    assert ("turn_off", PLUG2_SWITCH) in [(c.service, c.data["entity_id"]) for c in calls]
    assert hass.states.get(PLUG2_SWITCH).state == "off"

    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [r.getMessage() for r in errors]
    warnings = [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and r.name.startswith("custom_components")
    ]
    assert len(warnings) <= 2, warnings  # reported once (by the adapter, by the hub)
    attempts = len(fake.calls("set_charge_rate")) - attempts_before
    assert attempts <= 8  # backing off: far fewer than the 24 cycles


async def test_a_watt_only_charger_gets_watts_and_the_others_stay_in_control(
    hass: HomeAssistant, freezer: Any
) -> None:
    fake = await stand_in(hass)
    fake.config["ChargingScheduleAllowedChargingRateUnit"] = "Power"
    ids = fake.add_charger("cp1")[1]
    fake.set_state(ids["status.connector"], "Charging")
    fake.set_state(ids["current.import"], 0.0, L1=0.0, L2=0.0, L3=0.0)
    hub = await start_hub(hass, extra=[charger()])
    calls = hub.calls
    await hass.async_block_till_done(wait_background_tasks=True)

    units = {p["chargingSchedule"]["chargingRateUnit"] for _, p in fake.profiles()}
    assert units == {"W"}
    assert _status(hass, CHARGER) != "fault"
    assert ("turn_on", PLUG2_SWITCH) in [(c.service, c.data["entity_id"]) for c in calls]


async def test_a_charger_back_after_a_drop_gets_its_floor_first(
    hass: HomeAssistant, freezer: Any
) -> None:
    fake, ids, _site, _calls = await _hub(hass)
    floor_id = fake.profiles()[0][1]["chargingProfileId"]
    await _gone(hass, fake, ids)
    await advance(hass, freezer, 30)
    sent = len(fake.profiles())
    fake.set_state(ids["status.connector"], "Charging")
    fake.set_state(ids["current.import"], 0.0, L1=0.0, L2=0.0, L3=0.0)
    await advance(hass, freezer, 20)
    await hass.async_block_till_done(wait_background_tasks=True)
    after = [p["chargingProfileId"] for _, p in fake.profiles()[sent:]]
    assert after[:1] == [floor_id] and len(after) >= 2
    assert _status(hass, CHARGER) not in OFF_LINE


async def test_a_failing_charger_is_retried_with_growing_pauses_then_recovers(
    hass: HomeAssistant, freezer: Any
) -> None:
    fake, _ids, site, _calls = await _hub(hass)
    fake.fail = True
    seen: list[int] = []
    for i in range(60):  # five minutes
        site.house_a["A"] = 2.0 + i % 5
        site.publish()
        await advance(hass, freezer, 5)
        seen.append(len(fake.calls("set_charge_rate")))
    tries = [i for i in range(1, len(seen)) if seen[i] > seen[i - 1]]
    gaps = [b - a for a, b in itertools.pairwise(tries)]
    assert gaps == sorted(gaps) and gaps[-1] > gaps[0]  # the pauses grow
    fake.fail = False
    await advance(hass, freezer, 300)
    assert _status(hass, CHARGER) != "fault"
