"""Chargers through the ``ocpp`` integration, end to end: simulated charge points talk
OCPP 1.6J over real websockets to a stand-in of that integration (quirks included),
the hub reads its entities and drives the chargers through its services.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import pytest
from homeassistant.config_entries import ConfigSubentryDataWithId
from homeassistant.core import HomeAssistant

from custom_components.dynamic_ocpp_evse.const import (
    CONF_MIN_SEND_INTERVAL_S,
    CONF_OCPP_SERVER_ENABLED,
)
from custom_components.dynamic_ocpp_evse.engine import timing
from custom_components.dynamic_ocpp_evse.engine.timing import SITE_DEFAULTS
from tests.ha.hub_fixtures import charger, set_grid
from tools.cp_simulator import Misbehaviour, Simulator

from .conftest import BREAKER_A, dynamic_limits, floors, until
from .ocpp_integration_standin import OcppCentral, ocpp_central

FLOOR_ID = 8013


def ocpp_charger(cpid: str) -> ConfigSubentryDataWithId:
    """A 3-phase 6-16 A connector through the ocpp integration (profiles every second)."""
    return charger(f"sub_{cpid.lower()}", cpid, cpid, **{CONF_MIN_SEND_INTERVAL_S: 1})


@pytest.fixture
async def central(hass: HomeAssistant, port: int) -> AsyncIterator[OcppCentral]:
    """The ocpp integration's central system on 127.0.0.1 (the hub's own server is off)."""
    central = await ocpp_central(hass, port)
    yield central
    await central.async_stop()


class Site:
    """Grid meter = house + what the simulated cars really draw, on every phase."""

    def __init__(self, hass: HomeAssistant, sims: list[Simulator], house_a: float) -> None:
        self.hass = hass
        self.sims = sims
        self.house_a = house_a
        self._task: asyncio.Task[None] | None = None

    def publish(self) -> None:
        total = self.house_a + sum(sim.draw_a(1) for sim in self.sims)
        set_grid(self.hass, total, total, total)

    async def _run(self) -> None:
        while True:
            self.publish()
            await asyncio.sleep(0.1)

    def start(self) -> None:
        self.publish()
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


def _leg(hass: HomeAssistant, entity_id: str) -> float:
    state = hass.states.get(entity_id)
    return 0.0 if state is None else float(state.attributes.get("L1", 0.0))


async def _chargers(
    hass: HomeAssistant,
    central: OcppCentral,
    make_sim: Any,
    make_hub: Any,
    *cpids: str,
    **sim_kw: Any,
) -> tuple[Any, list[Simulator]]:
    sims = []
    for cpid in cpids:
        central.add_charger(cpid)
        sim = make_sim(cpid, **sim_kw)
        await sim.start()
        await until(lambda cpid=cpid: central.connected.get(cpid) and cpid in central.points)
        await until(
            lambda cpid=cpid: hass.states.get(central.entities[cpid][1]["status.connector"])
            is not None
        )
        sims.append(sim)
    hub = await make_hub([ocpp_charger(c) for c in cpids], **{CONF_OCPP_SERVER_ENABLED: False})
    if not sim_kw.get("misbehaviour"):
        # floor and first profile on the chargers before a car comes (else it draws freely)
        await until(lambda: all(floors(sim) and dynamic_limits(sim) for sim in sims), timeout=30)
    return hub, sims


async def test_the_real_integration_sends_change_availability_and_trigger_message(
    hass: HomeAssistant, central: OcppCentral, make_sim: Any
) -> None:
    central.add_charger("CP1")
    sim = make_sim("CP1")
    await sim.start()
    await until(lambda: bool(sim.requests("TriggerMessage")))
    assert sim.requests("ChangeAvailability") == [{"connectorId": 0, "type": "Operative"}]
    assert sim.requests("TriggerMessage")[0]["requestedMessage"] == "StatusNotification"
    # and the integration rewrites the meter interval from its own options on connect
    assert sim.station.config["MeterValueSampleInterval"] == "10"


async def test_an_idle_chargers_stale_draw_is_not_handed_to_another_charger(
    hass: HomeAssistant,
    central: OcppCentral,
    make_sim: Any,
    make_hub: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # no deliberate delays: phantom headroom would be handed out within a cycle
    monkeypatch.setitem(timing.SITE_DEFAULTS, "raise_hold_s", 0.0)
    monkeypatch.setitem(timing.SITE_DEFAULTS, "smoothing_s", 0.0)
    monkeypatch.setitem(timing.LOAD_DEFAULTS, "ramp_up_a_per_s", 100.0)
    hub, (sim1, sim2) = await _chargers(hass, central, make_sim, make_hub, "CP1", "CP2")
    site = Site(hass, [sim1, sim2], house_a=2.0)
    site.start()
    try:
        draw_1 = central.entities["CP1"][1]["current.import"]
        await sim1.plug_in(1)
        await until(lambda: _leg(hass, draw_1) >= 6.0, timeout=30)
        await sim2.plug_in(1)
        await until(lambda: any(limit > 0 for limit in dynamic_limits(sim2)), timeout=30)

        await sim1.stop_transaction(1, "Local")  # session over: CP1 draws nothing now
        await until(
            lambda: (state := hass.states.get(draw_1)) is not None and state.state == "0",
            timeout=30,
        )
        assert _leg(hass, draw_1) >= 6.0  # the integration's quirk: the legs keep their value

        site.house_a = 14.0
        headroom = BREAKER_A - SITE_DEFAULTS["margin_a"] - site.house_a  # for CP2 alone
        await until(lambda: dynamic_limits(sim2)[-1] <= headroom, timeout=30)
        sent = len(dynamic_limits(sim2))
        for _ in range(4):  # a few more recomputes with CP1 idle
            await asyncio.sleep(1.0)
            command = hub.command("sub_cp2")
            assert command is not None
            assert command["available_a"] <= headroom + 0.1
        assert all(limit <= headroom for limit in dynamic_limits(sim2)[sent:])
        reading = hub.entry.runtime_data.coordinator.adapters["sub_cp1"].read()
        assert reading.draw_a == [0.0, 0.0, 0.0]
    finally:
        await site.stop()


async def test_a_rebooted_charger_gets_its_floor_before_any_dynamic_profile(
    hass: HomeAssistant, central: OcppCentral, make_sim: Any, make_hub: Any
) -> None:
    hub, (sim,) = await _chargers(hass, central, make_sim, make_hub, "CP1")
    site = Site(hass, [sim], house_a=2.0)
    site.start()
    try:
        await sim.plug_in(1)
        await until(lambda: any(x > 0 for x in dynamic_limits(sim)), timeout=30)
        before = len(sim.requests("SetChargingProfile"))

        await sim.drop_connection(lose_profiles=True)  # a reboot: it comes back empty
        await until(lambda: sim.connections >= 2, timeout=30)
        await until(lambda: len(sim.requests("SetChargingProfile")) >= before + 2, timeout=30)

        after = sim.requests("SetChargingProfile")[before:]
        first = after[0]["csChargingProfiles"]
        assert first["chargingProfileId"] == FLOOR_ID  # the floor first
        assert after[1]["csChargingProfiles"]["chargingProfileId"] != FLOOR_ID
        assert central.reconnects["CP1"] == 1
        assert any("rebooted" in message for message in central.notifications)
        assert hub.adapter_status("sub_cp1") != "service_failed"
    finally:
        await site.stop()


async def test_a_charger_that_rejects_the_floor_is_shown_unconfirmed(
    hass: HomeAssistant, central: OcppCentral, make_sim: Any, make_hub: Any
) -> None:
    hub, (sim,) = await _chargers(
        hass, central, make_sim, make_hub, "CP1", misbehaviour=Misbehaviour(reject_profiles=True)
    )
    await until(lambda: bool(floors(sim)))
    await until(lambda: ("SetChargingProfile", "Rejected") in central.answers)
    await asyncio.sleep(1.5)  # a recompute or two

    assert hub.adapter_status("sub_cp1") == "unconfirmed"
    status = hass.states.get(hub.entity_id("sensor", "sub_cp1_status"))
    assert status is not None and status.attributes["adapter_status"] == "unconfirmed"
    assert hub.entry.runtime_data.coordinator.adapters["sub_cp1"].floor_state == "unconfirmed"
