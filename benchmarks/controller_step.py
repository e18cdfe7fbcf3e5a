"""How long does one Controller step take for a 10-load site? Prints figures.

Run: .venv/bin/python benchmarks/controller_step.py [--steps 2000]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--loads", type=int, default=10)
    args = parser.parse_args()
    config = site(args.loads)
    controller = Controller(config)
    rng = random.Random(1)
    # Fresh readings every step (meter noise, chargers reporting their draw), made
    # before timing starts, so no step can reuse what the previous one built.
    readings = [
        {
            "site": {
                "grid_current_a": {
                    phase: round(base + rng.gauss(0.0, 0.3), 2)
                    for phase, base in (("A", 5.0), ("B", 3.0), ("C", -2.0))
                }
            },
            "loads": {
                load["id"]: {
                    "draw_a": [round(rng.uniform(5.5, 6.5), 1)] * len(load["phases"]),
                    "active": True,
                }
                for load in config["loads"]
            },
        }
        for _ in range(args.steps)
    ]
    samples = []
    now = 0.0
    for measurements in readings:
        start = time.perf_counter()
        controller.step(measurements, now)
        samples.append(time.perf_counter() - start)
        now += 5.0
    samples.sort()
    print(f"machine: {platform.platform()} | {platform.python_version()} | cores {os.cpu_count()}")
    print(f"load average: {os.getloadavg()[0]:.2f}")
    print(
        f"{args.loads}-load controller step: median {statistics.median(samples) * 1e3:.3f} ms,"
        f" p95 {samples[int(0.95 * len(samples))] * 1e3:.3f} ms over {args.steps} steps"
    )


if __name__ == "__main__":
    main()
