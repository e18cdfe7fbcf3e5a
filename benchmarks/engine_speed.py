"""How fast is the allocation engine? Microseconds per call for growing sites.

Builds deterministic sites with 3, 10, 30, 300 and 3000 loads (from 30 loads on:
3-level circuit groups and two-connector charger units, concurrent and
sequential) and times, for each of the four distribution modes:

- ``allocate_scenario``: the solver alone (the scenario is parsed once, outside the timer);
- ``allocate``: parsing included, as the CLI and the coordinator call it;

once with every load active and once with 10 % inactive (the engine then works out
a what-if allocation for each inactive load).

Run: ``.venv/bin/python benchmarks/engine_speed.py [--sizes 3,10,30] [--min-time 0.3]``
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from custom_components.dynamic_ocpp_evse.engine import (
    allocate,
    allocate_scenario,
    parse_scenario,
)

DISTRIBUTIONS = ("shared", "priority", "optimized", "strict")
PHASES = ("A", "B", "C")
Key = tuple[str, float, str]  # (distribution, inactive share, solver|full)
LEAF_SIZE = 10  # loads per leaf circuit; 3 leaves per middle circuit, 3 middles per top


def _load(i: int) -> dict[str, Any]:
    """Load number i of a site: mostly 3-phase chargers, some 1-phase, plugs, eco, solar."""
    kind = i % 20
    if kind < 12:
        return {"id": f"ev{i}", "min_a": 6, "max_a": 16, "priority": 1 + i % 3}
    if kind < 15:
        return {"id": f"ev{i}", "min_a": 6, "max_a": 32, "phases": [PHASES[i % 3]]}
    if kind < 17:
        return {"id": f"plug{i}", "kind": "plug", "power_w": 300 + 100 * (i % 20),
                "phases": [PHASES[i % 3]]}  # fmt: skip
    if kind < 19:
        return {"id": f"eco{i}", "mode": "eco", "min_a": 6, "max_a": 16, "priority": 2}
    return {"id": f"sol{i}", "mode": "solar", "min_a": 6, "max_a": 16, "phases": [PHASES[i % 3]]}


def build_site(n: int, distribution: str, inactive_share: float = 0.0) -> dict[str, Any]:
    """A site with n loads; from 30 loads on with 3-level circuits and charger units."""
    loads = [_load(i) for i in range(n)]
    every = round(1 / inactive_share) if inactive_share else 0
    for i, load in enumerate(loads):
        load["draw_a"] = [0.0] * len(load.get("phases", PHASES))
        if every and i % every == every - 1:
            load["active"] = False
    scenario: dict[str, Any] = {
        "site": {
            "voltage": 230,
            "main_breaker_a": 16 + 5 * n,
            "grid_current_a": {"A": 6.0, "B": 4.0, "C": 5.0},
            "max_import_w": 230 * 3 * (10 + 4 * n),
            "distribution": distribution,
            "battery": {"soc": 60, "power_w": 0, "min_soc": 20, "target_soc": 80},
        },
        "loads": loads,
    }
    if n >= 10:
        # Two-connector units over pairs of 3-phase chargers: concurrent and sequential.
        chargers = []
        for k, i in enumerate(range(0, n - 1, 20)):
            unit = {"id": f"unit{k}", "max_a": 22, "concurrent": k % 2 == 0}
            chargers.append(unit)
            loads[i]["charger"] = loads[i + 1]["charger"] = unit["id"]
        scenario["chargers"] = chargers
    if n >= 30:
        scenario["circuits"] = _circuit_tree([load["id"] for load in loads])
    return scenario


def _circuit_tree(ids: list[str]) -> list[dict[str, Any]]:
    """Leaves of 10 loads, 3 leaves per middle circuit, 3 middles per top circuit."""
    leaves = [ids[i : i + LEAF_SIZE] for i in range(0, len(ids), LEAF_SIZE)]
    circuits: list[dict[str, Any]] = []
    for k, members in enumerate(leaves):
        mid, top = k // 3, k // 9
        if k % 9 == 0:
            circuits.append({"id": f"top{top}", "limit_a": 9 * 40, "members": []})
        if k % 3 == 0:
            circuits.append({"id": f"mid{mid}", "limit_a": 80, "parent": f"top{top}"})
        circuits.append({"id": f"leaf{k}", "limit_a": 32, "parent": f"mid{mid}",
                         "members": members})  # fmt: skip
    return circuits


def _batch(fn: Callable[[], object], reps: int) -> float:
    start = time.perf_counter()
    for _ in range(reps):
        fn()
    return time.perf_counter() - start


def per_call_us(fn: Callable[[], object], min_time: float) -> float:
    """Median over 5 batches of the time per call (µs); a batch lasts >= min_time / 5."""
    target = min_time / 5
    reps = 1
    elapsed = _batch(fn, reps)  # also warms up
    while elapsed < target:
        reps = max(reps * 2, math.ceil(reps * 1.2 * target / max(elapsed, 1e-9)))
        elapsed = _batch(fn, reps)
    samples = [elapsed / reps] + [_batch(fn, reps) / reps for _ in range(4)]
    return statistics.median(samples) * 1e6


def machine() -> str:
    """Platform, CPU model and Python version."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.platform()} | {cpu} | Python {platform.python_version()} "
        f"({platform.python_implementation()})"
    )


def _cell(
    fn: Callable[[], object], n: int, key: Key, seen: dict[Key, tuple[int, float]], args: Any
) -> str:
    """Time one table cell, or skip it when the last size projects beyond --max-call."""
    if key in seen:
        last_n, last_us = seen[key]
        projected_s = last_us * (n / last_n) ** 2 / 1e6
        if projected_s > args.max_call:
            return f"skip(~{projected_s:.0f}s)"
    start = time.perf_counter()
    fn()
    first = time.perf_counter() - start
    us = first * 1e6 if first >= args.min_time else per_call_us(fn, args.min_time)
    seen[key] = (n, us)
    return f"{us:.1f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="3,10,30,300,3000")
    parser.add_argument("--min-time", type=float, default=0.5, help="seconds per measurement")
    parser.add_argument(
        "--max-call", type=float, default=30.0, help="skip cells projected above this (s/call)"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"machine: {machine()}")
    load1, load5, _ = os.getloadavg()
    print(
        f"load average at start: {load1:.2f} (1 min), {load5:.2f} (5 min); cores: {os.cpu_count()}"
    )
    print("µs per call (median of 5 batches, or one call when it lasts > --min-time)")
    print("solver = allocate_scenario (parsed once), full = allocate (parsing included)\n")
    head = f"{'loads':>6} {'distribution':<12}"
    print(f"{head} {'solver':>12} {'full':>12} {'solver 10% off':>15} {'full 10% off':>13}")
    seen: dict[Key, tuple[int, float]] = {}
    for n in sizes:
        for distribution in DISTRIBUTIONS:
            cells = []
            for share in (0.0, 0.1):
                raw = build_site(n, distribution, share)
                parsed = parse_scenario(raw)
                solver = partial(allocate_scenario, parsed)
                full = partial(allocate, raw)
                cells.append(_cell(solver, n, (distribution, share, "solver"), seen, args))
                cells.append(_cell(full, n, (distribution, share, "full"), seen, args))
            print(
                f"{n:>6} {distribution:<12} {cells[0]:>12} {cells[1]:>12} {cells[2]:>15}"
                f" {cells[3]:>13}",
                flush=True,
            )


if __name__ == "__main__":
    main()
