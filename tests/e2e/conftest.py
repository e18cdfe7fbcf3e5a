"""End-to-end fixtures: a real Home Assistant, the hub's built-in OCPP server on a free
port of 127.0.0.1, and simulated charge points (``tools.cp_simulator``) over real
websockets. Grid sensors are plain states set with ``hass.states.async_set``.

The standard e2e site: 3 phases, 25 A main breaker, 230 V, no import limit, no solar;
the hub recomputes every second. Charger connectors are 3-phase, 6-16 A, may send a
profile every second (decreases at once) and keep the other profile defaults.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import pytest
from homeassistant.config_entries import ConfigEntryState, ConfigSubentryDataWithId
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from websockets.exceptions import ConnectionClosed

from custom_components.dynamic_ocpp_evse.const import (
    BACKEND_BUILTIN,
    CONF_BACKEND,
    CONF_CHARGE_POINT_ID,
    CONF_CONNECTOR_COUNT,
    CONF_CONNECTOR_ID,
    CONF_DISTRIBUTION,
    CONF_GRID_SENSOR_A,
    CONF_GRID_SENSOR_B,
    CONF_GRID_SENSOR_C,
    CONF_MAIN_BREAKER_A,
    CONF_MAX_CURRENT_A,
    CONF_MIN_CURRENT_A,
    CONF_MIN_SEND_INTERVAL_S,
    CONF_MODE,
    CONF_NAME,
    CONF_OCPP_SERVER_ENABLED,
    CONF_OCPP_SERVER_HOST,
    CONF_OCPP_SERVER_PORT,
    CONF_PASSWORD,
    CONF_PHASES,
    CONF_PRIORITY,
    CONF_UNIT_CONCURRENT,
    CONF_UNIT_MAX_A,
    CONF_UPDATE_INTERVAL_S,
    CONF_VOLTAGE,
    DOMAIN,
    SUBENTRY_CHARGER,
)
from custom_components.dynamic_ocpp_evse.ocpp_server.session import ChargePointSession
from tests.ha.hub_fixtures import GRID, set_grid
from tools.cp_simulator import Simulator

BREAKER_A = 25.0


@pytest.fixture(autouse=True)
def _sockets(socket_enabled: None) -> None:
    """Home Assistant's test plugin blocks sockets; these tests need 127.0.0.1."""


@pytest.fixture
def port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until ``predicate()`` holds (state changed by other tasks or sockets)."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


def hub_data(port: int, **extra: Any) -> dict[str, Any]:
    """The standard e2e hub with the built-in server on 127.0.0.1:port."""
    return {
        CONF_NAME: "Home",
        CONF_GRID_SENSOR_A: GRID[0],
        CONF_GRID_SENSOR_B: GRID[1],
        CONF_GRID_SENSOR_C: GRID[2],
        CONF_MAIN_BREAKER_A: BREAKER_A,
        CONF_VOLTAGE: 230.0,
        CONF_DISTRIBUTION: "shared",
        CONF_UPDATE_INTERVAL_S: 1,
        CONF_OCPP_SERVER_ENABLED: True,
        CONF_OCPP_SERVER_HOST: "127.0.0.1",
        CONF_OCPP_SERVER_PORT: port,
        **extra,
    }


def builtin_charger(
    cpid: str,
    connector: int = 1,
    count: int = 1,
    *,
    title: str | None = None,
    password: str | None = None,
    priority: int = 1,
    concurrent: bool = True,
    unit_max_a: float = 16.0,
    **extra: Any,
) -> ConfigSubentryDataWithId:
    """A built-in server charger connector subentry (3-phase, 6-16 A)."""
    title = title or (cpid if count == 1 else f"{cpid} {connector}")
    data: dict[str, Any] = {
        CONF_NAME: title,
        CONF_BACKEND: BACKEND_BUILTIN,
        CONF_CHARGE_POINT_ID: cpid,
        CONF_CONNECTOR_ID: connector,
        CONF_CONNECTOR_COUNT: count,
        CONF_PHASES: ["A", "B", "C"],
        CONF_MIN_CURRENT_A: 6.0,
        CONF_MAX_CURRENT_A: 16.0,
        CONF_UNIT_MAX_A: unit_max_a,
        CONF_UNIT_CONCURRENT: concurrent,
        CONF_MODE: "standard",
        CONF_PRIORITY: priority,
        CONF_MIN_SEND_INTERVAL_S: 1,
        **extra,
    }
    if password is not None:
        data[CONF_PASSWORD] = password
    return ConfigSubentryDataWithId(
        data=data,
        subentry_id=f"sub_{cpid}_{connector}".lower(),
        subentry_type=SUBENTRY_CHARGER,
        title=title,
        unique_id=f"{cpid}-{connector}",
    )


class Hub:
    """A set-up hub entry and shortcuts into its runtime."""

    def __init__(self, hass: HomeAssistant, entry: MockConfigEntry) -> None:
        self.hass = hass
        self.entry = entry

    def session(self, cpid: str) -> ChargePointSession:
        """The central system's session of a known charger."""
        server = self.entry.runtime_data.ocpp_server
        assert server is not None
        session = server.system.charger(cpid)
        assert session is not None
        return session

    def command(self, load_id: str) -> dict[str, Any] | None:
        """The controller's last command for a load."""
        data = self.entry.runtime_data.coordinator.data
        view = None if data is None else data.loads.get(load_id)
        return None if view is None else view.command

    def adapter_status(self, load_id: str) -> str:
        """The load's adapter status word."""
        return self.entry.runtime_data.coordinator.adapters[load_id].status

    def entity_id(self, platform: str, unique_id: str) -> str:
        """Entity id of one of our entities by unique id."""
        from homeassistant.helpers import entity_registry as er

        entity_id = er.async_get(self.hass).async_get_entity_id(platform, DOMAIN, unique_id)
        assert entity_id is not None, unique_id
        return entity_id

    def state(self, platform: str, unique_id: str) -> str:
        """Current state of one of our entities."""
        state = self.hass.states.get(self.entity_id(platform, unique_id))
        assert state is not None
        return state.state


@pytest.fixture
async def make_hub(hass: HomeAssistant, port: int) -> AsyncIterator[Callable[..., Any]]:
    """Set up a hub with built-in chargers (unloaded again at the end)."""
    entries: list[MockConfigEntry] = []

    async def make(
        chargers: list[ConfigSubentryDataWithId],
        *,
        grid: tuple[float, float, float] = (2.0, 2.0, 2.0),
        expect_loaded: bool = True,
        **extra: Any,
    ) -> Hub:
        set_grid(hass, *grid)
        entry = MockConfigEntry(
            domain=DOMAIN, title="Home", data=hub_data(port, **extra), subentries_data=chargers
        )
        entry.add_to_hass(hass)
        entries.append(entry)
        await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
        if expect_loaded:
            assert entry.state is ConfigEntryState.LOADED
        return Hub(hass, entry)

    yield make
    for entry in entries:
        if entry.state is ConfigEntryState.LOADED:
            await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


@pytest.fixture
async def make_sim(port: int) -> AsyncIterator[Callable[..., Simulator]]:
    """Simulated charge points pointed at the hub's server (stopped at the end).

    Cars draw what they are allowed at once (fast ramp) and meter every 0.2 s.
    """
    sims: list[Simulator] = []

    def make(cpid: str, **kwargs: Any) -> Simulator:
        kwargs.setdefault("reconnect_delay_s", 0.1)
        kwargs.setdefault("meter_interval_s", 0.2)
        kwargs.setdefault("ramp_a_per_s", 1000.0)
        sim = Simulator(f"ws://127.0.0.1:{port}", cpid, **kwargs)
        spawn = sim.spawn

        async def quiet(coro: Coroutine[Any, Any, Any]) -> Any:
            # A charger whose connection the server closes (hub reload) drops the
            # answer it was sending; the simulator would leave that as an unretrieved
            # task exception, which the hass fixture turns into a test error.
            with contextlib.suppress(ConnectionClosed):
                return await coro

        sim.spawn = lambda coro: spawn(quiet(coro))  # type: ignore[method-assign]
        sims.append(sim)
        return sim

    yield make
    for sim in sims:
        await sim.stop()


def dynamic_limits(sim: Simulator, connector: int = 1) -> list[float]:
    """Limits (per phase) of every dynamic profile the charger received, oldest first.

    W profiles are converted back to A with 230 V and their number of phases.
    """
    limits: list[float] = []
    for request in sim.requests("SetChargingProfile"):
        profile = request["csChargingProfiles"]
        if request["connectorId"] != connector or profile["chargingProfileId"] % 10 == 3:
            continue
        schedule = profile["chargingSchedule"]
        period = schedule["chargingSchedulePeriod"][0]
        limit = float(period["limit"])
        if schedule["chargingRateUnit"] == "W":
            limit = round(limit / (230.0 * period.get("numberPhases", 3)), 1)
        limits.append(limit)
    return limits


def floors(sim: Simulator, connector: int = 1) -> list[dict[str, Any]]:
    """Every floor profile the charger received for a connector."""
    return [
        r["csChargingProfiles"]
        for r in sim.requests("SetChargingProfile")
        if r["connectorId"] == connector and r["csChargingProfiles"]["chargingProfileId"] % 10 == 3
    ]


async def charging_car(
    make_hub: Any, make_sim: Any, sim_kw: Any = None, **charger: Any
) -> tuple[Hub, Simulator]:
    """CP1 connected, a car plugged in and given its first limit above zero."""
    hub = await make_hub([builtin_charger("CP1", **charger)])
    sim = make_sim("CP1", **(sim_kw or {}))
    await sim.start()
    await hub.session("CP1").wait_ready()
    await sim.plug_in(1)
    await sim.wait_for(lambda: any(limit > 0 for limit in dynamic_limits(sim)))
    return hub, sim
