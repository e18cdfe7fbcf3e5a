"""The live demo survives what issue 11 did to it, with no traceback in Home Assistant's log.

Against the real ``hass`` of the demo (``test_demo_smoke.demo``): a second program takes
the demo charger's id (security profile 0) and the charger must be back within
seconds; then, with the charger away, that program speaks garbage as ``DEMO-CP``
(malformed frames, unknown actions, wrong types, answers to nothing, connector ids
the charger does not have, the meter values ``1e308``/``NaN``/``-50``, an oversized
frame, a flood) and an unknown charger knocks. The charger comes back and both
connectors get limits again; Home Assistant stops cleanly; its log has no traceback
and no error from this integration, the OCPP library or the websocket server.
"""

from __future__ import annotations

import asyncio
import contextlib
import json

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.demo.test_demo_smoke import CPID, DOMAIN, Demo, demo  # noqa: F401 - fixture
from tools.cp_simulator import Simulator

STAMP = "2025-01-01T00:00:00Z"


@pytest.fixture(autouse=True)
def _sockets(socket_enabled: None) -> None:
    """Home Assistant's test plugin blocks sockets; this test needs 127.0.0.1."""


GARBAGE: list[str | bytes] = [
    "not json",
    b"\x00binary",
    "[]",
    '{"a": 1}',
    "[2]",
    '[2, "g1", "MakeCoffee", {}]',
    '[2, "g2", "BootNotification", {"chargePointVendor": 5, "chargePointModel": "m"}]',
    '[2, "g3", "BootNotification", {"chargePointVendor": "v"}]',
    '[2, "g4", "Heartbeat", []]',
    '[3, "nobody-asked", {"status": "Accepted"}]',
    '[4, "nobody-asked", "InternalError", "x", {}]',
    json.dumps([2, "g5", "StatusNotification",
                {"connectorId": 7, "errorCode": "NoError", "status": "Charging"}]),
    json.dumps([2, "g6", "StatusNotification",
                {"connectorId": 1, "errorCode": "NoError", "status": "Charging"}]),
    json.dumps([2, "g7", "StartTransaction",
                {"connectorId": 9, "idTag": "X", "meterStart": 0, "timestamp": STAMP}]),
    json.dumps([2, "g8", "MeterValues", {"connectorId": 1, "meterValue": [{
        "timestamp": STAMP,
        "sampledValue": [
            {"value": "1e308", "measurand": "Current.Import", "phase": "L1", "unit": "A"},
            {"value": "NaN", "measurand": "Current.Import", "phase": "L2", "unit": "A"},
            {"value": "-50", "measurand": "Current.Import", "phase": "L3", "unit": "A"},
            {"value": "inf", "measurand": "Power.Active.Import", "unit": "W"},
            {"value": "-1e308", "measurand": "Energy.Active.Import.Register"},
        ]}]}]),
    json.dumps([2, "g9", "StopTransaction",
                {"meterStop": 2**62, "timestamp": STAMP, "transactionId": -1}]),
]  # fmt: skip


async def _intruder(sim: Simulator, cpid: str = CPID) -> ClientConnection:
    base = sim.url.rsplit("/", 1)[0]
    return await connect(f"{base}/{cpid}", subprotocols=["ocpp1.6"])  # type: ignore[list-item]


async def _drain(ws: ClientConnection, seconds: float) -> None:
    with contextlib.suppress(TimeoutError, ConnectionClosed):
        async with asyncio.timeout(seconds):
            while True:
                await ws.recv()


def _both_limited(sim: Simulator, since: int) -> bool:
    fresh = sim.requests("SetChargingProfile")[since:]
    return {p.get("connectorId") for p in fresh} >= {1, 2}


async def test_the_demo_survives_the_abuse_without_a_traceback(demo: Demo) -> None:  # noqa: F811
    sim = demo.sim
    for n in sim.connectors:
        await sim.plug_in(n)

    # a second program with the charger's id takes its place: the charger is back soon
    connections = sim.connections
    intruder = await _intruder(sim)
    await sim.wait_for(lambda: sim.connections > connections and sim.connected.is_set(), 15)
    await _drain(intruder, 2)

    # the charger away, the intruder speaks garbage as DEMO-CP
    await sim.stop()
    intruder = await _intruder(sim)
    boot = {"chargePointVendor": "Evil", "chargePointModel": "X"}
    await intruder.send(json.dumps([2, "b0", "BootNotification", boot]))
    for frame in GARBAGE:
        await intruder.send(frame)
    await _drain(intruder, 3)  # Home Assistant runs a few cycles on this
    await intruder.send(json.dumps([2, "big", "DataTransfer", {"vendorId": "x" * 200_000}]))
    await _drain(intruder, 3)  # closed: message too big
    intruder = await _intruder(sim)
    with contextlib.suppress(ConnectionClosed):
        for n in range(3000):
            await intruder.send(json.dumps([2, f"f{n}", "Heartbeat", {}]))
    await _drain(intruder, 3)  # closed for flooding
    with pytest.raises(InvalidStatus):  # an unknown charger is refused (and discovered)
        await _intruder(sim, "STRANGER")

    # the real charger comes back and both connectors are limited again
    since = len(sim.requests("SetChargingProfile"))
    sim.auto_reconnect = True
    await sim.start(timeout=30)
    try:
        await sim.wait_for(lambda: _both_limited(sim, since), timeout=60)
    except TimeoutError:
        pytest.fail(f"no fresh limits; log:\n{demo.log()[-3000:]}")

    assert await demo.stop() == 0
    log = demo.log()
    assert "Traceback" not in log, log[-5000:]
    suspects = (DOMAIN, "ocpp", "websockets", "Coordinator", "custom_components")
    errors = [
        line
        for line in log.splitlines()
        if (" ERROR " in line or " CRITICAL " in line) and any(s in line for s in suspects)
    ]
    assert errors == []
    assert "replaces the live one" in log  # and the takeover was reported
