"""Latency from a grid-sensor state change to the plug's switch service call.

Runs a real Home Assistant instance (pytest-homeassistant-custom-component's
``hass`` fixture, real clock, no time freezing) with the standard test hub: a
2 kW plug in ``solar`` mode on phase A. The grid reading on phase A alternates
between export (surplus: the plug must go on) and import (it must go off), and
each change is timed until the stand-in ``switch.turn_on``/``turn_off`` handler
runs. The controller's deliberate delays (pause 180 s, grace 300 s, smoothing
10 s) are set to 0 for this run, so what is measured is the pipeline itself:
state event -> debouncer -> measurements -> controller step -> adapter task ->
service call. Changes are spaced 0.35-0.7 s apart (a fast meter).

Usage: .venv/bin/python benchmarks/ha_latency.py [--changes 100]
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from hass_bench import changes, run_as_pytest  # noqa: E402

CHANGES = changes("HA_LATENCY_CHANGES", 100)

if __name__ == "__main__":
    run_as_pytest(__file__, "HA_LATENCY_CHANGES")


# Imported at module level so that this package, not the test harness's own
# ``custom_components`` folder, is the one Home Assistant finds.
from homeassistant.core import ServiceCall  # noqa: E402
from homeassistant.setup import async_setup_component  # noqa: E402

from custom_components.dynamic_ocpp_evse.engine import timing  # noqa: E402
from tests.ha.hub_fixtures import (  # noqa: E402
    PLUG1_SWITCH,
    PLUG2_SWITCH,
    make_entry,
    set_grid,
    set_solar,
)


async def test_grid_change_to_switch_call_latency(
    hass: Any, enable_custom_integrations: None
) -> None:
    """Measure and print p50/p95/max latency over CHANGES grid changes."""
    timing.LOAD_DEFAULTS.update(pause_s=0.0, grace_s=0.0)
    timing.SITE_DEFAULTS.update(smoothing_s=0.0)

    assert await async_setup_component(hass, "switch", {})
    called: asyncio.Queue[tuple[str, float]] = asyncio.Queue()

    async def handle(call: ServiceCall) -> None:
        stamp = time.perf_counter()
        hass.states.async_set(call.data["entity_id"], "on" if call.service == "turn_on" else "off")
        called.put_nowait((call.service, stamp))

    hass.services.async_register("switch", "turn_on", handle)
    hass.services.async_register("switch", "turn_off", handle)
    hass.states.async_set(PLUG1_SWITCH, "off")
    hass.states.async_set(PLUG2_SWITCH, "on")  # continuous: stays on, never switched
    set_solar(hass, 0.0)
    set_grid(hass, 2.0, 2.0, 2.0)
    entry = make_entry(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    while not called.empty():
        called.get_nowait()

    latencies: list[float] = []
    rng = random.Random(1)
    for i in range(CHANGES):
        await asyncio.sleep(rng.uniform(0.35, 0.7))
        surplus = i % 2 == 0
        expected = "turn_on" if surplus else "turn_off"
        start = time.perf_counter()
        hass.states.async_set(
            "sensor.grid_a", "-20.0" if surplus else "2.0", {"unit_of_measurement": "A"}
        )
        service, stamp = await asyncio.wait_for(called.get(), timeout=5.0)
        assert service == expected, (i, service)
        latencies.append((stamp - start) * 1000.0)

    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)]
    print(
        f"\nha_latency: {len(latencies)} grid changes -> switch service call: "
        f"p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {latencies[-1]:.2f} ms, "
        f"min {latencies[0]:.2f} ms"
    )
    assert await hass.config_entries.async_unload(entry.entry_id)
