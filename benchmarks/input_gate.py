"""What does the plausibility gate cost, and what does garbage cost? Prints figures.

Run: .venv/bin/python benchmarks/input_gate.py [--steps 2000] [--loads 10]

Times ``plausibility.screen`` alone on one set of measurements, then a controller
step (the 10-load site of ``controller_step.py``) fed clean readings and fed
readings where a third of the inputs are garbage (NaN, 1e308, text, wrong types,
values beyond the bounds), in microseconds per call.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.controller_step import site
from custom_components.dynamic_ocpp_evse.engine import Controller
from custom_components.dynamic_ocpp_evse.engine.plausibility import screen

GARBAGE: list[Any] = [
    math.nan,
    math.inf,
    1e308,
    -1e308,
    "12",
    "NaN",
    None,
    [1],
    {},
    True,
    -50.0,
    1e6,
]


def measurements(config: dict, rng: random.Random, garbage: float) -> dict:
    def value(good: float) -> Any:
        return rng.choice(GARBAGE) if rng.random() < garbage else good

    return {
        "site": {
            "grid_current_a": {p: value(rng.uniform(-5, 20)) for p in "ABC"},
            "solar_w": value(rng.uniform(0, 5000)),
            "battery": {"soc": value(rng.uniform(0, 100)), "power_w": value(0.0)},
        },
        "loads": {
            load["id"]: {
                "draw_a": [value(rng.uniform(0, 16)) for _ in load["phases"]],
                "active": True,
            }
            for load in config["loads"]
        },
    }


def per_call_us(fn: Any, inputs: list[Any]) -> float:
    samples = []
    for item in inputs:
        start = time.perf_counter()
        fn(item)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--loads", type=int, default=10)
    args = parser.parse_args()
    config = site(args.loads)
    print(f"machine: {platform.platform()} | {platform.python_version()} | cores {os.cpu_count()}")
    print(f"load average at start: {os.getloadavg()[0]:.2f}")
    rng = random.Random(1)
    clean = [measurements(config, rng, 0.0) for _ in range(args.steps)]
    dirty = [measurements(config, rng, 0.33) for _ in range(args.steps)]
    bounds = Controller(config).bounds
    for name, inputs in (("clean readings", clean), ("a third garbage", dirty)):
        us = per_call_us(lambda m: screen(m, bounds), inputs)
        print(f"screen(), {name + ':':24s} {us:8.1f} us")
    for name, inputs in (("clean readings", clean), ("a third garbage", dirty)):
        us = per_call_us(stepper(Controller(config)), inputs)
        print(f"controller step, {name + ':':17s} {us:8.1f} us")


def stepper(controller: Controller) -> Any:
    """One step per call, 5 s apart."""
    clock = iter(range(0, 10**9, 5))
    return lambda m: controller.step(m, float(next(clock)))


if __name__ == "__main__":
    main()
