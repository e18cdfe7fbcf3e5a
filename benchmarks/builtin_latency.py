"""Latency from a grid-sensor state change to the SetChargingProfile at the charger.

Runs a real Home Assistant instance (pytest-homeassistant-custom-component's ``hass``
fixture, real clock) with a hub whose built-in OCPP server listens on a free port of
127.0.0.1, and one simulated charge point (``tools.cp_simulator``) connected to it over
real websockets, a car charging on connector 1 (6-16 A, 3 phases, 25 A breaker).

The house load alternates between 2 A and 14 A per phase; the grid sensors always read
house + what the car draws (as a real meter would). Each change is timed from
``hass.states.async_set`` to the arrival of the SetChargingProfile frame at the
simulator (16 A and 10 A alternately; every limit is checked). The step to 14 A is an
overload (the hub recomputes at once), the step back goes through the 0.1 s debounce.
The controller's deliberate delays (ramp, pause, smoothing, overload and raise holds) and the
adapter's minimum send interval are off for this run, so what is measured is the
pipeline itself: state event -> coordinator -> controller -> adapter -> session queue
-> websocket -> charger.

Usage: .venv/bin/python benchmarks/builtin_latency.py [--changes 50]
"""

from __future__ import annotations

import asyncio
import os
import platform
import random
import socket
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from hass_bench import changes, run_as_pytest  # noqa: E402

CHANGES = changes("BUILTIN_LATENCY_CHANGES", 50)

if __name__ == "__main__":
    run_as_pytest(__file__, "BUILTIN_LATENCY_CHANGES")


# Imported at module level so that this package, not the test harness's own
# ``custom_components`` folder, is the one Home Assistant finds.
from pytest_homeassistant_custom_component.common import MockConfigEntry  # noqa: E402

from custom_components.dynamic_ocpp_evse.const import CONF_MIN_SEND_INTERVAL_S, DOMAIN  # noqa: E402
from custom_components.dynamic_ocpp_evse.engine import timing  # noqa: E402
from tests.e2e.conftest import builtin_charger, hub_data  # noqa: E402
from tests.ha.hub_fixtures import set_grid  # noqa: E402
from tools.cp_simulator import Received, Simulator  # noqa: E402

HOUSE_A = (2.0, 14.0)
EXPECTED_A = {2.0: 16.0, 14.0: 10.0}  # 25 A breaker - 1 A margin - house, at most 16 A


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, load average {load:.1f}"
    )


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(q * len(ordered)) - 1)]


async def test_grid_change_to_charging_profile_latency(
    hass: Any, enable_custom_integrations: None, socket_enabled: None
) -> None:
    """Measure and print p50/p95/max over CHANGES grid changes."""
    timing.LOAD_DEFAULTS.update(pause_s=0.0, grace_s=0.0, ramp_up_a_per_s=1000.0)
    timing.SITE_DEFAULTS.update(smoothing_s=0.0, overload_hold_s=0.0, raise_hold_s=0.0)

    port = _free_port()
    arrivals: asyncio.Queue[Received] = asyncio.Queue()
    sim = Simulator(f"ws://127.0.0.1:{port}", "BENCH", meter_interval_s=0.2, ramp_a_per_s=1000.0)

    def on_request(item: Received) -> None:
        profile = item.payload.get("csChargingProfiles", {})
        if item.action == "SetChargingProfile" and profile.get("chargingProfileId") == 8011:
            arrivals.put_nowait(item)

    sim.on_request = on_request
    set_grid(hass, 2.0, 2.0, 2.0)
    charger = builtin_charger("BENCH", **{CONF_MIN_SEND_INTERVAL_S: 0})
    entry = MockConfigEntry(
        domain=DOMAIN, title="Home", data=hub_data(port), subentries_data=[charger]
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    session = entry.runtime_data.ocpp_server.system.charger("BENCH")
    await sim.start()
    await session.wait_ready()
    await sim.plug_in(1)

    async def settle(house: float) -> None:
        """Wait until the car draws its limit and the meter shows it; drain arrivals."""
        limit = EXPECTED_A[house]
        async with asyncio.timeout(10):
            while session.state.connector(1).current_a != [limit] * 3:
                set_grid(hass, *(house + sim.draw_a(1),) * 3)
                await asyncio.sleep(0.1)
        await asyncio.sleep(0.3)
        while not arrivals.empty():
            arrivals.get_nowait()

    await settle(2.0)
    rng = random.Random(1)
    latencies: dict[float, list[float]] = {h: [] for h in HOUSE_A}
    for i in range(CHANGES):
        house = HOUSE_A[(i + 1) % 2]
        drawn = sim.draw_a(1)
        start = time.perf_counter()
        set_grid(hass, *(house + drawn,) * 3)
        item = await asyncio.wait_for(arrivals.get(), timeout=5.0)
        latencies[house].append((item.perf - start) * 1000.0)
        period = item.payload["csChargingProfiles"]["chargingSchedule"]
        limit = period["chargingSchedulePeriod"][0]["limit"]
        assert limit == EXPECTED_A[house], (i, house, limit)
        await settle(house)
        await asyncio.sleep(rng.uniform(0.1, 0.4))

    every = latencies[2.0] + latencies[14.0]
    print(f"\nbuiltin_latency on {_machine()}")
    print(
        f"{len(every)} grid changes -> SetChargingProfile at the charger: "
        f"p50 {statistics.median(every):.1f} ms, p95 {_pct(every, 0.95):.1f} ms, "
        f"max {max(every):.1f} ms, min {min(every):.1f} ms"
    )
    for house, name in ((14.0, "decreases (overload, no debounce)"), (2.0, "increases")):
        values = latencies[house]
        print(
            f"  {name}: n={len(values)} p50 {statistics.median(values):.1f} ms, "
            f"p95 {_pct(values, 0.95):.1f} ms, max {max(values):.1f} ms"
        )
    await sim.stop()
    assert await hass.config_entries.async_unload(entry.entry_id)
