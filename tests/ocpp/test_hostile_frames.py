"""A charger that sends garbage: the central system answers as OCPP-J 1.6 says, keeps
serving the other chargers, and throttles (then drops) a charger that floods it.

A raw websocket client plays the hostile charger ``BAD``; a simulator plays a real
charger ``GOOD`` on the same server, which must keep being served throughout.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ocpp.v16 import call
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from custom_components.dynamic_ocpp_evse.ocpp_server.command_queue import (
    CommandFailed,
    ConnectorMissing,
)
from custom_components.dynamic_ocpp_evse.ocpp_server.options import ServerOptions
from custom_components.dynamic_ocpp_evse.ocpp_server.server import CentralSystem
from tools.cp_simulator import Simulator

STAMP = "2025-01-01T00:00:00Z"
SPEC_CODES = {
    "NotImplemented",
    "NotSupported",
    "InternalError",
    "ProtocolError",
    "SecurityError",
    "FormationViolation",
    "PropertyConstraintViolation",
    "OccurenceConstraintViolation",
    "TypeConstraintViolation",
    "GenericError",
}


class RawCharger:
    """A websocket client that speaks (or does not speak) OCPP by hand."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self._n = 0

    async def send(self, frame: str | bytes) -> None:
        await self.ws.send(frame)

    async def answer(self, unique_id: str, timeout: float = 3.0) -> list[Any]:
        """The next frame that answers ``unique_id`` (others are skipped)."""
        async with asyncio.timeout(timeout):
            while True:
                message = json.loads(await self.ws.recv())
                if message[0] in (3, 4) and message[1] == unique_id:
                    return list(message)

    async def call(self, action: str, payload: Any) -> list[Any]:
        self._n += 1
        unique_id = f"t{self._n}"
        await self.send(json.dumps([2, unique_id, action, payload]))
        return await self.answer(unique_id)

    async def alive(self) -> bool:
        """Heartbeat answered: the server still talks to us."""
        reply = await self.call("Heartbeat", {})
        return reply[0] == 3 and "currentTime" in reply[2]


@pytest.fixture
async def site(
    make_system: Callable[..., CentralSystem],
    make_sim: Callable[..., Simulator],
    unused_port: int,
    options: ServerOptions,
) -> AsyncIterator[tuple[CentralSystem, Simulator, Callable[..., Any]]]:
    system = make_system(
        {"GOOD": None, "BAD": None},
        options=replace(options, frame_rate_per_s=1e6, frame_burst=1e6),
    )
    await system.start()
    sim = make_sim("GOOD", connectors=1)
    await sim.start()
    await system.charger("GOOD").wait_ready()
    clients: list[ClientConnection] = []

    async def open_bad() -> RawCharger:
        ws = await connect(f"ws://127.0.0.1:{unused_port}/BAD", subprotocols=["ocpp1.6"])  # type: ignore[list-item]
        clients.append(ws)
        return RawCharger(ws)

    yield system, sim, open_bad
    for ws in clients:
        await ws.close()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ([2, "a1", "MakeCoffee", {}], "NotImplemented"),
        ([2, "a2", "RemoteStartTransaction", {"idTag": "x"}], "NotSupported"),
        ([2, "a3", "BootNotification", {"chargePointVendor": 5, "chargePointModel": "m"}],
         "TypeConstraintViolation"),
        ([2, "a4", "BootNotification", {"chargePointVendor": "v"}], "ProtocolError"),
        ([2, "a5", "BootNotification",
          {"chargePointVendor": "v", "chargePointModel": "m", "extra": 1}], "FormationViolation"),
        ([2, "a6", "Heartbeat", []], "FormationViolation"),
        ([2, "a7", "Heartbeat"], "ProtocolError"),
        ([2, "a8", 42, {}], "FormationViolation"),
        ([2, "a9", "StatusNotification",
          {"connectorId": 99, "errorCode": "NoError", "status": "Available"}],
         "PropertyConstraintViolation"),
        ([2, "b1", "MeterValues",
          {"connectorId": -1, "meterValue": [{"timestamp": "2025-01-01T00:00:00Z",
                                              "sampledValue": [{"value": "1"}]}]}],
         "PropertyConstraintViolation"),
        ([2, "x" * 37, "Heartbeat", {}], "ProtocolError"),
    ],
)  # fmt: skip
async def test_bad_calls_get_the_callerror_ocpp_16_names(
    site: Any, frame: list[Any], code: str
) -> None:
    system, _sim, open_bad = site
    bad = await open_bad()
    await bad.send(json.dumps(frame))
    reply = await bad.answer(frame[1])
    assert reply[0] == 4 and reply[2] == code
    assert await bad.alive()
    assert 99 not in system.charger("BAD").state.connectors


@pytest.mark.parametrize(
    "frame",
    [
        "not json at all",
        b"\x00\x01binary",
        "{}",
        "[]",
        "[7, 1, 2]",
        '[3, "nobody-asked", {"status": "Accepted"}]',
        '[4, "nobody-asked", "InternalError", "x", {}]',
        '[2, 5, "Heartbeat", {}]',
    ],
)
async def test_frames_without_an_answerable_id_are_dropped(site: Any, frame: str | bytes) -> None:
    _system, _sim, open_bad = site
    bad = await open_bad()
    await bad.send(frame)
    assert await bad.alive()  # the next answer is the Heartbeat's: nothing was answered


async def test_start_transaction_on_a_connector_it_does_not_have_is_refused(
    site: Any, make_sim: Callable[..., Simulator]
) -> None:
    system, sim, _open_bad = site
    session = system.charger("GOOD")
    assert session.state.number_of_connectors == 1
    reply = await sim.send(
        call.StartTransaction(connector_id=2, id_tag="T", meter_start=0, timestamp=STAMP)
    )
    assert reply.id_tag_info["status"] == "Invalid"
    assert 2 not in session.state.connectors


async def test_the_issues_meter_values_are_missing_not_infinite(
    site: Any, caplog: pytest.LogCaptureFixture
) -> None:
    system, sim, _open_bad = site
    await sim.plug_in(1)
    sample = [
        {"value": "1e308", "measurand": "Current.Import", "phase": "L1", "unit": "A"},
        {"value": "NaN", "measurand": "Current.Import", "phase": "L2", "unit": "A"},
        {"value": "-50", "measurand": "Current.Import", "phase": "L3", "unit": "A"},
    ]
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            await sim.send(
                call.MeterValues(
                    connector_id=1, meter_value=[{"timestamp": STAMP, "sampledValue": sample}]
                )
            )
    conn = system.charger("GOOD").state.connector(1)
    assert conn.current_a == [None, None, None]
    warnings = [r for r in caplog.records if "implausible" in r.getMessage()]
    assert len(warnings) == 1  # logged once, not on every frame
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_oversized_frame_closes_only_that_connection(site: Any) -> None:
    system, sim, open_bad = site
    bad = await open_bad()
    await bad.send(json.dumps([2, "big", "DataTransfer", {"vendorId": "x" * 200_000}]))
    with pytest.raises(ConnectionClosed) as closed:
        await bad.answer("big")
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    assert await (await system.charger("GOOD").set_limit(1, 10.0)) == "Accepted"
    assert await (await open_bad()).alive()  # it may come back


async def test_a_flooding_charger_is_throttled_then_dropped_others_keep_going(
    make_system: Callable[..., CentralSystem],
    make_sim: Callable[..., Simulator],
    unused_port: int,
    options: ServerOptions,
) -> None:
    system = make_system({"GOOD": None, "BAD": None})  # default limits: 20/s, burst 60
    await system.start()
    sim = make_sim("GOOD")
    await sim.start()
    good = system.charger("GOOD")
    await good.wait_ready()
    ws = await connect(f"ws://127.0.0.1:{unused_port}/BAD", subprotocols=["ocpp1.6"])  # type: ignore[list-item]
    answered = 0

    async def count() -> None:
        nonlocal answered
        try:
            while True:
                await ws.recv()
                answered += 1
        except ConnectionClosed:
            pass

    counter = asyncio.create_task(count())
    flood = 3000
    try:
        for n in range(flood):
            await ws.send(json.dumps([2, f"f{n}", "Heartbeat", {}]))
            if n == flood // 2:  # mid-flood, the good charger is still served
                assert await (await good.set_limit(1, 8.0)) == "Accepted"
    except ConnectionClosed:
        pass
    await asyncio.wait_for(counter, timeout=10)
    assert ws.close_code == 1008  # closed for flooding
    assert answered < flood / 2  # most of the flood was not answered
    assert good.state.connected and sim.connected.is_set()


_ACTIONS = st.sampled_from(
    ["BootNotification", "Heartbeat", "StatusNotification", "MeterValues", "StartTransaction",
     "StopTransaction", "Authorize", "DataTransfer", "Reset", "Nope", ""]
)  # fmt: skip
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
_FIELDS = st.sampled_from(
    ["connectorId", "errorCode", "status", "meterValue", "idTag", "meterStart", "meterStop",
     "timestamp", "transactionId", "chargePointVendor", "chargePointModel", "vendorId"]
)  # fmt: skip
_CALLS = st.tuples(
    st.just(2), st.uuids().map(str), _ACTIONS, st.dictionaries(_FIELDS, _JSON, max_size=5)
).map(list)
_OTHER = st.one_of(
    st.text(max_size=30),
    _JSON.map(json.dumps),
    st.tuples(st.sampled_from([3, 4]), st.text(max_size=8), _JSON).map(json.dumps),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(frames=st.lists(st.one_of(_CALLS.map(json.dumps), _OTHER), min_size=1, max_size=6))
async def test_fuzz_nothing_crashes_every_call_gets_a_spec_answer(
    site: Any, frames: list[str]
) -> None:
    system, sim, open_bad = site
    bad = await open_bad()
    for frame in frames:
        await bad.send(frame)
        message = json.loads(frame) if frame.startswith("[2,") else None
        if message is not None:
            reply = await bad.answer(message[1])
            assert reply[0] == 3 or reply[2] in SPEC_CODES, reply
    assert await bad.alive()
    assert system.charger("GOOD").state.connected and sim.connected.is_set()
    await bad.ws.close()


async def test_a_connector_the_charger_refuses_by_name_is_not_tried_again(
    make_system: Callable[..., CentralSystem], unused_port: int
) -> None:
    """A charger that answers profiles for connector 2 with a CALLERROR naming the
    connector: one attempt, then that connector is missing (no endless resends)."""
    system = make_system({"CP1": None})
    await system.start()
    ws = await connect(f"ws://127.0.0.1:{unused_port}/CP1", subprotocols=["ocpp1.6"])  # type: ignore[list-item]
    asked: list[int] = []

    async def charger() -> None:
        boot = {"chargePointVendor": "V", "chargePointModel": "M"}
        await ws.send(json.dumps([2, "boot", "BootNotification", boot]))
        async for raw in ws:
            message = json.loads(raw)
            if message[0] != 2:
                continue
            _, unique_id, action, payload = message
            if action == "SetChargingProfile" and payload["connectorId"] == 2:
                asked.append(2)
                answer: list[Any] = [4, unique_id, "PropertyConstraintViolation",
                                     "connector 2 does not exist", {}]  # fmt: skip
            elif action == "GetConfiguration":
                answer = [3, unique_id, {"configurationKey": []}]
            else:
                answer = [3, unique_id, {"status": "Accepted"}]
            await ws.send(json.dumps(answer))

    task = asyncio.create_task(charger())
    session = system.charger("CP1")
    try:
        await session.wait_ready()
        assert await (await session.set_limit(1, 10.0)) == "Accepted"
        with pytest.raises(CommandFailed):
            await (await session.set_limit(2, 10.0))
        assert session.state.missing_connectors == {2}
        with pytest.raises(ConnectorMissing):
            await (await session.set_limit(2, 12.0))
        assert asked == [2]  # tried once, never again
    finally:
        await ws.close()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
