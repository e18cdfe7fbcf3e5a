"""How long does one Controller step take for a 10-load site? Prints figures.

Run: .venv/bin/python benchmarks/controller_step.py [--steps 2000] [--batches 5]

A closed loop on a 10-load site (standard, eco and solar loads, 1- and 3-phase,
a garage circuit): every step brings fresh noisy readings, as Home Assistant
would, so nothing can be reused from the step before.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from custom_components.dynamic_ocpp_evse.engine import Controller
from custom_components.dynamic_ocpp_evse.engine import controller as controller_module


class _Counted:
    """Counts the controller's engine runs (the function it calls, wrapped)."""

    def __init__(self) -> None:
        self.calls = 0
        self._inner = controller_module.allocate_scenario

    def __call__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self.calls += 1
        return self._inner(*args, **kwargs)


allocate = _Counted()
controller_module.allocate_scenario = allocate  # type: ignore[assignment]

PHASE_SETS = (["A"], ["B"], ["C"], ["A", "B", "C"])
MODES = ("standard", "eco", "solar", "standard")


def site(n: int) -> dict:
    loads = [
        {"id": f"l{i}", "mode": MODES[i % 4], "min_a": 6, "max_a": 16, "phases": PHASE_SETS[i % 4]}
        for i in range(n)
    ]
    return {
        "site": {
            "voltage": 230,
            "main_breaker_a": 63,
            "grid_current_a": {"A": 0, "B": 0, "C": 0},
            "distribution": "priority",
        },
        "circuits": [{"id": "garage", "limit_a": 40, "members": ["l0", "l1", "l2", "l3"]}],
        "loads": loads,
    }


def reference_ms() -> float:
    """A fixed pure-Python loop, timed: shows how fast the machine is right now.

    Shared virtual machines change speed (on ours the same loop takes 1.6x longer
    at times), so each batch is printed next to this figure.
    """
    start = time.perf_counter()
    total = 0
    for k in range(300_000):
        total += k * k % 7
    return (time.perf_counter() - start) * 1e3


def run_batch(config: dict, steps: int, seed: int) -> tuple[list[float], list[int]]:
    """One closed-loop run: seconds per step and engine runs per step."""
    controller = Controller(config)
    rng = random.Random(seed)
    house = {"A": 5.0, "B": 3.0, "C": -2.0}
    noise = [
        ({p: rng.gauss(0.0, 0.3) for p in house}, [rng.gauss(0.0, 0.1) for _ in config["loads"]])
        for _ in range(steps)
    ]
    # Each load draws what it was told last step (with meter noise), the grid meter
    # sees the house plus every draw, all readings fresh every step.
    told = {load["id"]: 0.0 for load in config["loads"]}
    samples: list[float] = []
    runs: list[int] = []
    now = 0.0
    for grid_noise, draw_noise in noise:
        draws = {
            load["id"]: max(0.0, round(told[load["id"]] + jitter, 1)) if told[load["id"]] else 0.0
            for load, jitter in zip(config["loads"], draw_noise, strict=True)
        }
        grid = dict(house)
        for load in config["loads"]:
            for phase in load["phases"]:
                grid[phase] += draws[load["id"]]
        measurements = {
            "site": {"grid_current_a": {p: round(v + grid_noise[p], 2) for p, v in grid.items()}},
            "loads": {
                load["id"]: {"draw_a": [draws[load["id"]]] * len(load["phases"]), "active": True}
                for load in config["loads"]
            },
        }
        before = allocate.calls
        start = time.perf_counter()
        result = controller.step(measurements, now)
        samples.append(time.perf_counter() - start)
        runs.append(allocate.calls - before)
        told = {i: float(c["current_a"]) for i, c in result["loads"].items()}
        now += 5.0
    return samples, runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--loads", type=int, default=10)
    args = parser.parse_args()
    config = site(args.loads)
    print(f"machine: {platform.platform()} | {platform.python_version()} | cores {os.cpu_count()}")
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    medians = []
    for batch in range(args.batches):
        reference = reference_ms()
        samples, runs = run_batch(config, args.steps, seed=batch)
        samples.sort()
        medians.append(statistics.median(samples))
        counts = ", ".join(f"{n}: {runs.count(n)}" for n in sorted(set(runs)))
        print(
            f"batch {batch + 1}: median {medians[-1] * 1e3:.3f} ms,"
            f" p95 {samples[int(0.95 * len(samples))] * 1e3:.3f} ms"
            f" (engine runs per step -> steps: {counts}; reference loop {reference:.0f} ms)"
        )
    print(
        f"{args.loads}-load controller step over {args.batches} x {args.steps} steps:"
        f" median of batch medians {statistics.median(medians) * 1e3:.3f} ms,"
        f" best {min(medians) * 1e3:.3f} ms, worst {max(medians) * 1e3:.3f} ms"
    )


if __name__ == "__main__":
    main()
