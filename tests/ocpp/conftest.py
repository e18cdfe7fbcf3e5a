"""Fixtures for the OCPP tests: real sockets on 127.0.0.1, a free port, a movable clock."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import pytest

from custom_components.dynamic_ocpp_evse.ocpp_server.options import ServerOptions
from custom_components.dynamic_ocpp_evse.ocpp_server.server import CentralSystem
from tools.cp_simulator import Simulator


@pytest.fixture(autouse=True)
def _sockets(socket_enabled: None) -> None:
    """Home Assistant's test plugin blocks sockets; these tests need 127.0.0.1."""


@pytest.fixture
def unused_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``predicate`` (state of another task or process) until it holds."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


class FakeClock:
    """A clock tests can move forward; starts at the real now."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    """A shared movable clock for the central system and the simulators."""
    return FakeClock()


@pytest.fixture
def options(clock: FakeClock) -> ServerOptions:
    """Fast options: short boot wait and timeouts, the shared clock."""
    return ServerOptions(boot_wait_s=0.2, response_timeout_s=2.0, meter_interval_s=1, clock=clock)


@pytest.fixture
async def make_system(
    unused_port: int, options: ServerOptions
) -> AsyncIterator[Callable[..., CentralSystem]]:
    """Build (and at the end stop) central systems on the free port."""
    systems: list[CentralSystem] = []

    def make(known: dict[str, str | None], **kwargs: object) -> CentralSystem:
        kwargs.setdefault("options", options)
        system = CentralSystem("127.0.0.1", unused_port, known, **kwargs)  # type: ignore[arg-type]
        systems.append(system)
        return system

    yield make
    for system in systems:
        await system.stop()


@pytest.fixture
async def make_sim(unused_port: int, clock: FakeClock) -> AsyncIterator[Callable[..., Simulator]]:
    """Build (and at the end stop) simulators pointed at the free port."""
    sims: list[Simulator] = []

    def make(cpid: str, **kwargs: object) -> Simulator:
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("reconnect_delay_s", 0.1)
        sim = Simulator(f"ws://127.0.0.1:{unused_port}", cpid, **kwargs)  # type: ignore[arg-type]
        sims.append(sim)
        return sim

    yield make
    for sim in sims:
        await sim.stop()
