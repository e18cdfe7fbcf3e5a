"""Who may connect to the central system, and what happens to those who may not."""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.headers import build_authorization_basic

from custom_components.dynamic_ocpp_evse.ocpp_server.security import cpid_from_path
from custom_components.dynamic_ocpp_evse.ocpp_server.server import CentralSystem, PortInUseError

from .conftest import until


async def _status_of(
    url: str, *, auth: tuple[str, str] | None = None, protocols: Any = None
) -> int:
    headers = {"Authorization": build_authorization_basic(*auth)} if auth else {}
    try:
        async with connect(url, additional_headers=headers, subprotocols=protocols):
            return 101
    except InvalidStatus as err:
        return err.response.status_code


async def test_unknown_charger_is_refused_and_reported(make_system: Any, unused_port: int) -> None:
    reported: list[str] = []
    system = make_system({"CP1": None}, on_unknown_charger=reported.append)
    await system.start()
    url = f"ws://127.0.0.1:{unused_port}/NEW42"
    assert await _status_of(url, protocols=["ocpp1.6"]) == 404
    assert await _status_of(url, protocols=["ocpp1.6"]) == 404
    assert reported == ["NEW42"]  # once, not once per retry
    assert system.charger("NEW42") is None


async def test_unknown_charger_becomes_known(make_system: Any, make_sim: Any) -> None:
    system = make_system({})
    await system.start()
    await system.update_known({"NEW42": None})
    sim = make_sim("NEW42")
    await sim.start()
    await system.charger("NEW42").wait_ready()
    assert system.charger("NEW42").state.connected


@pytest.mark.parametrize(
    ("auth", "expected"),
    [
        (None, 401),
        (("CP1", "wrong"), 401),
        (("OTHER", "s3cret"), 401),  # right password, username is not the path id
        (("CP1", "s3cret"), 101),
    ],
)
async def test_basic_auth(
    make_system: Any, unused_port: int, auth: tuple[str, str] | None, expected: int
) -> None:
    system = make_system({"CP1": "s3cret"})
    await system.start()
    url = f"ws://127.0.0.1:{unused_port}/CP1"
    assert await _status_of(url, auth=auth, protocols=["ocpp1.6"]) == expected


async def test_simulator_with_password_connects(make_system: Any, make_sim: Any) -> None:
    system = make_system({"CP1": "s3cret"})
    await system.start()
    sim = make_sim("CP1", password="s3cret")
    await sim.start()
    await system.charger("CP1").wait_ready()
    assert system.charger("CP1").state.booted


async def test_subprotocols(make_system: Any, make_sim: Any, unused_port: int) -> None:
    system = make_system({"CP1": None})
    await system.start()
    url = f"ws://127.0.0.1:{unused_port}/CP1"
    assert await _status_of(url, protocols=["ocpp2.0.1"]) == 400
    sim = make_sim("CP1", subprotocol=None)  # some chargers send none: accepted
    await sim.start()
    await system.charger("CP1").wait_ready()
    assert system.charger("CP1").state.connected


async def test_port_in_use_is_a_clear_error(unused_port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as blocker:
        blocker.bind(("127.0.0.1", unused_port))
        blocker.listen()
        system = CentralSystem("127.0.0.1", unused_port, {})
        with pytest.raises(PortInUseError, match=str(unused_port)):
            await system.start()
        assert not system.running


@pytest.mark.parametrize(
    ("path", "cpid"),
    [("/CP1", "CP1"), ("/ocpp/CP%201/", "CP 1"), ("/CP1?x=1", "CP1"), ("/", None)],
)
def test_cpid_from_path(path: str, cpid: str | None) -> None:
    assert cpid_from_path(path) == cpid


async def test_second_connection_replaces_the_first(make_system: Any, unused_port: int) -> None:
    system = make_system({"CP1": None})
    await system.start()
    url = f"ws://127.0.0.1:{unused_port}/CP1"
    protocols: Any = ["ocpp1.6"]
    async with (
        connect(url, subprotocols=protocols) as first,
        connect(url, subprotocols=protocols),  # entered second: replaces the first
    ):
        await asyncio.wait_for(first.wait_closed(), 5)
        await until(lambda: system.charger("CP1").state.connected)


async def test_a_duplicate_is_logged_with_its_address_and_the_charger_comes_back(
    make_system: Any, make_sim: Any, unused_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    """The issue: a second program with the charger's id (security profile 0) took its
    place and the simulated charger stayed away for minutes."""
    system = make_system({"CP1": None})
    await system.start()
    sim = make_sim("CP1", reconnect_delay_s=0.5)
    await sim.start()
    session = system.charger("CP1")
    await session.wait_ready()
    url = f"ws://127.0.0.1:{unused_port}/CP1"
    with caplog.at_level(logging.WARNING):
        async with connect(url, subprotocols=["ocpp1.6"]) as intruder:  # type: ignore[list-item]
            # the intruder takes the charger's place; the charger reconnects and wins back
            await until(lambda: sim.connections == 2 and sim.connected.is_set(), timeout=5)
            await asyncio.wait_for(intruder.wait_closed(), 5)
    await session.wait_ready(timeout=5)
    assert session.state.connected
    replaced = [r.getMessage() for r in caplog.records if "replaces the live one" in r.getMessage()]
    assert replaced and all("127.0.0.1:" in text for text in replaced)
    assert all(r.levelno == logging.WARNING for r in caplog.records if "replaces" in r.getMessage())
    assert await (await session.set_limit(1, 10.0)) == "Accepted"


async def test_passwords_never_reach_the_log(
    make_system: Any, make_sim: Any, caplog: pytest.LogCaptureFixture
) -> None:
    secret, guess = "Right1Password2Here3", "Wrong1Password2Here3"
    system = make_system({"CP1": secret})
    await system.start()
    with caplog.at_level(logging.DEBUG):
        intruder = make_sim("CP1", password=guess)
        await intruder.start(wait=False)
        await until(lambda: intruder.last_error is not None)
        await intruder.stop()
        owner = make_sim("CP1", password=secret)
        await owner.start()
        await system.charger("CP1").wait_ready()
    assert "Refused charge point 'CP1'" in caplog.text  # the refusal is logged...
    assert secret not in caplog.text and guess not in caplog.text  # ...without passwords
    server_side = "\n".join(  # the simulator's client library logs its own headers
        r.getMessage() for r in caplog.records if not r.name.startswith("websockets.client")
    )
    for password in (secret, guess):  # not even as the header's base64
        encoded = build_authorization_basic("CP1", password).split()[-1]
        assert encoded not in server_side
    assert "Authorization: <redacted>" in server_side
