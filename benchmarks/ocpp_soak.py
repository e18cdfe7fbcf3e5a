"""Load and soak of one hub with 100 chargers (200 connectors) on its built-in server.

Runs a real Home Assistant (pytest-homeassistant-custom-component's ``hass``, real
sockets on 127.0.0.1) with one hub: 400 A breaker, 200 charger connector subentries
(100 charge points x 2 connectors, 6-16 A, 3 phases). The simulated chargers run in a
child process (their CPU does not count as ours), a car on every connector.

1. Connect storm: the 100 chargers connect at once (BootNotification, status of every
   connector, GetConfiguration, ChangeConfiguration, floor profiles). Printed: time
   until all are set up, event-loop blocking (how late a 10 ms ticker wakes: max, p99).
2. Soak: ``--cycles`` control cycles (default 3600 = one hour at one cycle per second)
   back to back, the hub's clock advanced 1 s per cycle (accelerated time: the
   adapters' send intervals and the controller's holds see an hour pass), the grid
   sensors random-walking every cycle, the chargers metering in real time. Printed:
   cycle time (p50, p99, max; and the CPU the event loop's thread spent in it, which
   other processes' load does not inflate), loop blocking (max, p99), entity states
   written per cycle, commands the sessions sent per simulated minute, resident memory
   every simulated 10 minutes (target: flat) and the load average.

Usage: .venv/bin/python benchmarks/ocpp_soak.py [--cycles 3600] [--chargers 100]
"""

from __future__ import annotations

import asyncio
import cProfile
import gc
import json
import os
import pstats
import random
import socket
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def _arg(name: str, default: int) -> int:
    if name in sys.argv:
        return int(sys.argv[sys.argv.index(name) + 1])
    return int(os.environ.get(f"OCPP_SOAK{name.replace('-', '_').upper()}", str(default)))


CYCLES = _arg("--cycles", 3600)
CHARGERS = _arg("--chargers", 100)
PROFILE = cProfile.Profile() if os.environ.get("OCPP_SOAK_PROFILE") else None


# ------------------------------------------------------------------ child: chargers
async def _run_chargers(port: int, count: int) -> None:
    from tools.cp_simulator import Simulator

    sims = [
        Simulator(
            f"ws://127.0.0.1:{port}",
            f"SOAK{n:03d}",
            connectors=2,
            car_max_a=16.0,
            ramp_a_per_s=100.0,
            meter_interval_s=5.0,
            reconnect_delay_s=1.0,
        )
        for n in range(count)
    ]
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.readline)  # "go": storm
    await asyncio.gather(*(sim.start(timeout=120) for sim in sims))
    await asyncio.gather(*(sim.plug_in(n) for sim in sims for n in (1, 2)), return_exceptions=True)
    await loop.run_in_executor(None, sys.stdin.readline)  # "stop"
    await asyncio.gather(*(sim.stop() for sim in sims))


if __name__ == "__main__" and "--worker" in sys.argv:
    import logging

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("tools.cp_simulator").setLevel(logging.DEBUG)  # why a connection ended
    asyncio.run(_run_chargers(int(sys.argv[sys.argv.index("--worker") + 1]), CHARGERS))
    sys.exit(0)

if __name__ == "__main__":
    from hass_bench import run_as_pytest

    os.environ["OCPP_SOAK_CYCLES"] = str(CYCLES)
    os.environ["OCPP_SOAK_CHARGERS"] = str(CHARGERS)
    run_as_pytest(__file__, "OCPP_SOAK_UNUSED")


# Imported at module level so that this package, not the test harness's own
# ``custom_components`` folder, is the one Home Assistant finds.
from ocpp_load import Ticker, machine, pct  # noqa: E402
from pytest_homeassistant_custom_component.common import MockConfigEntry  # noqa: E402

from custom_components.dynamic_ocpp_evse.const import (  # noqa: E402
    CONF_MAIN_BREAKER_A,
    CONF_UPDATE_INTERVAL_S,
    DOMAIN,
)
from tests.e2e.conftest import builtin_charger, hub_data  # noqa: E402
from tests.ha.hub_fixtures import set_grid  # noqa: E402


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _ms(values: list[float]) -> str:
    return (
        f"p50 {statistics.median(values) * 1000:.1f} ms, p99 {pct(values, 0.99) * 1000:.1f} ms, "
        f"max {max(values) * 1000:.1f} ms"
    )


class _WriteCount:
    """Counts every entity state write (``Entity._async_write_ha_state``) until stopped."""

    def __init__(self) -> None:
        from homeassistant.helpers.entity import Entity

        self.count = 0
        self._entity = Entity
        self._original = Entity._async_write_ha_state
        count = self

        def counting(entity: Any) -> None:
            count.count += 1
            count._original(entity)

        Entity._async_write_ha_state = counting  # type: ignore[method-assign]

    def stop(self) -> int:
        self._entity._async_write_ha_state = self._original  # type: ignore[method-assign]
        return self.count


class FakeClocks:
    """The hub's clocks (monotonic for the controller, UTC for the adapters), moved by us."""

    def __init__(self) -> None:
        self.offset = 0.0
        self._mono0 = time.monotonic()
        self._utc0 = datetime.now(UTC)

    def monotonic(self) -> float:
        return self._mono0 + self.offset

    def utcnow(self) -> datetime:
        return self._utc0 + timedelta(seconds=self.offset)


async def test_soak_one_hub_100_chargers(
    hass: Any, enable_custom_integrations: None, socket_enabled: None
) -> None:
    asyncio.get_running_loop().set_debug(False)  # the test harness's debug mode costs a lot
    port = _free_port()
    cpids = [f"SOAK{n:03d}" for n in range(CHARGERS)]
    subentries = [builtin_charger(cpid, c, 2) for cpid in cpids for c in (1, 2)]
    set_grid(hass, 20.0, 20.0, 20.0)
    data = hub_data(port, **{CONF_MAIN_BREAKER_A: 400.0, CONF_UPDATE_INTERVAL_S: 1})
    entry = MockConfigEntry(domain=DOMAIN, title="Soak", data=data, subentries_data=subentries)
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    system = entry.runtime_data.ocpp_server.system
    coordinator = entry.runtime_data.coordinator

    child = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--worker",
        str(port),
        "--chargers",
        str(CHARGERS),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        cwd=str(ROOT),
    )
    assert child.stdin is not None and child.stdout is not None
    assert (await child.stdout.readline()).strip() == b"ready"
    ticker = Ticker()
    ticker.start()
    await asyncio.sleep(2)
    idle_lags, idle_busy = ticker.take()

    # 1. connect storm
    started = time.monotonic()
    child.stdin.write(b"go\n")
    await child.stdin.drain()
    sessions = [system.charger(cpid) for cpid in cpids]
    await asyncio.gather(*(s.wait_ready(timeout=180) for s in sessions if s is not None))
    storm_s = time.monotonic() - started
    await asyncio.sleep(3)  # cars plug in, first limits go out
    storm_lags, storm_busy = ticker.take()

    # 2. accelerated soak
    clocks = FakeClocks()
    coordinator._clock = clocks.monotonic
    for adapter in coordinator.adapters.values():
        adapter._now = clocks.utcnow  # type: ignore[attr-defined]
    rng = random.Random(11)
    house = [20.0, 20.0, 20.0]
    sent_before = sum(s.queue.sent for s in sessions if s is not None)
    cycle_s: list[float] = []
    cycle_cpu_s: list[float] = []  # CPU of the event loop's thread: others' load does not count
    memory: list[tuple[int, float]] = []
    gc.collect()
    memory.append((0, _rss_mb()))
    writes = _WriteCount()
    soak_started = time.monotonic()
    for cycle in range(1, CYCLES + 1):
        clocks.offset += 1.0
        house = [min(150.0, max(0.0, h + rng.uniform(-3, 3))) for h in house]
        set_grid(hass, *house)
        before, before_cpu = time.perf_counter(), time.thread_time()
        if PROFILE is not None:
            PROFILE.enable()
        coordinator.async_recompute()
        if PROFILE is not None:
            PROFILE.disable()
        cycle_s.append(time.perf_counter() - before)
        cycle_cpu_s.append(time.thread_time() - before_cpu)
        await asyncio.sleep(0.01)  # let the commands go out and the meter values in
        if cycle % 600 == 0:
            gc.collect()
            memory.append((cycle, _rss_mb()))
    soak_wall_s = time.monotonic() - soak_started
    written = writes.stop()
    soak_lags, soak_busy = ticker.take()
    sent = sum(s.queue.sent for s in sessions if s is not None) - sent_before
    connected = sum(1 for s in sessions if s is not None and s.state.connected)

    child.stdin.write(b"stop\n")
    await child.stdin.drain()
    await asyncio.wait_for(child.wait(), timeout=60)
    await ticker.stop()
    assert await hass.config_entries.async_unload(entry.entry_id)

    print(f"\nocpp_soak on {machine()}")
    print(f"idle loop lag (noise floor): {_ms(idle_lags)}; of it our CPU {_ms(idle_busy)}")
    print(
        f"connect storm: {CHARGERS} chargers ({2 * CHARGERS} connectors) set up in "
        f"{storm_s:.1f} s; loop lag {_ms(storm_lags)}; of it our CPU {_ms(storm_busy)}"
    )
    print(
        f"soak: {CYCLES} cycles = {CYCLES / 60:.0f} simulated minutes in {soak_wall_s:.0f} s; "
        f"cycle time {_ms(cycle_s)}, of it CPU {_ms(cycle_cpu_s)}; "
        f"loop lag {_ms(soak_lags)}; of it our CPU {_ms(soak_busy)}"
    )
    print(
        f"entity states written: {written / CYCLES:.0f} per cycle "
        f"(of {len(hass.states.async_entity_ids())} states in Home Assistant)"
    )
    print(
        f"commands sent: {sent} = {sent / (CYCLES / 60):.0f} per simulated minute "
        f"({sent / (CYCLES / 60) / (2 * CHARGERS):.2f} per connector); "
        f"{connected}/{CHARGERS} chargers connected at the end"
    )
    print(
        "resident memory (MB) by simulated minute: "
        + ", ".join(f"{cycle // 60}: {mb:.1f}" for cycle, mb in memory)
    )
    print(
        "load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    print(json.dumps({"storm_s": storm_s, "memory": memory}))
    if PROFILE is not None:
        pstats.Stats(PROFILE).sort_stats("cumulative").print_stats(25)
