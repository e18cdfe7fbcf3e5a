"""The engine against the issue-14 targets: solver time per call, before and after.

Times ``allocate_scenario`` on a parsed site (parsing not counted; the explanation
and the what-if of every inactive load included) for the sites of
``engine_speed.py`` with 10, 300 and 3000 loads, all active and 10 % inactive,
in every distribution mode, twice: *warm*, the call repeated as a controller
repeats it on unchanged readings (what-if answers cached), and *cold*, every
what-if cache emptied before each call (``locality.forget_answers``: answers,
parts, site-shape columns and demands; only the skeleton of the site's
topology stays), and *step*, a controller's step whose readings (and so its
tight limits) changed while its topology did not: as cold, but the site-shape
columns (by topology alone, ``forget_answers(shapes=False)``) are kept. Each
cell is timed in batches of about 0.1 s for ``--seconds``; it prints the best
batch (the figure least disturbed by other work on the machine) and the
median, with the load average and a calibration loop (1M additions, ms; the
VM's speed right now) before and after.

``--root DIR`` times the engine of another checkout (e.g. main, extracted with
``git archive main custom_components | tar -x -C /tmp/main``) on the same sites,
so before and after can be run one after the other (or interleaved with
``--rounds``) on the same machine.

Targets: 3000 loads with 10 % inactive under 50 ms in every mode, 300 loads
under 5 ms, 10 loads under 100 µs.

Run: ``.venv/bin/python benchmarks/engine_targets.py [--root DIR] [--sizes 10,300,3000]
[--calls warm,cold,step]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve()
TARGET_US = {10: 100.0, 300: 5_000.0, 3000: 50_000.0}


def time_call(fn: Callable[[], object], seconds: float) -> tuple[float, float]:
    """(best, median) µs per call over batches of about 0.1 s for ``seconds``."""
    fn()
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    reps = max(1, int(0.1 / max(once, 1e-9)))
    samples: list[float] = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(samples) < 5:
        start = time.perf_counter()
        for _ in range(reps):
            fn()
        samples.append((time.perf_counter() - start) / reps)
    return min(samples) * 1e6, statistics.median(samples) * 1e6


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=str(HERE.parents[1]), help="checkout to time")
    parser.add_argument("--sizes", default="10,300,3000")
    parser.add_argument("--shares", default="0,0.1")
    parser.add_argument("--seconds", type=float, default=1.0, help="per cell")
    parser.add_argument("--calls", default="warm,cold,step", help="warm, cold, step")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE.parent))
    from engine_speed import DISTRIBUTIONS, build_site, machine  # the sites: this checkout's

    sys.path.insert(0, str(Path(args.root).resolve()))
    for name in [m for m in sys.modules if m.startswith("custom_components")]:
        del sys.modules[name]
    from custom_components.dynamic_ocpp_evse.engine import allocate_scenario, parse_scenario

    print(f"machine: {machine()}")
    print(f"engine: {sys.modules['custom_components.dynamic_ocpp_evse.engine'].__file__}")
    try:
        from custom_components.dynamic_ocpp_evse.engine.locality import forget_answers
    except ImportError:  # an engine without what-if caches: every call is cold
        forget_answers = None

    def cold(parsed: object) -> object:
        if forget_answers is not None:
            forget_answers()
        return allocate_scenario(parsed)  # type: ignore[arg-type]

    def step(parsed: object) -> object:
        if forget_answers is not None:
            try:
                forget_answers(shapes=False)
            except TypeError:  # an engine that forgets everything
                forget_answers()
        return allocate_scenario(parsed)  # type: ignore[arg-type]

    calls = {"warm": allocate_scenario, "cold": cold, "step": step}

    print(f"load average at start: {os.getloadavg()[0]:.2f}; cores: {os.cpu_count()}")
    print(f"calibration at start: {calibration_ms():.0f} ms")
    print("µs per call, best batch / median batch; * = above the target\n")
    print(
        f"{'loads':>6} {'inactive':>8} {'call':>5} " + " ".join(f"{d:>20}" for d in DISTRIBUTIONS)
    )
    for n in (int(s) for s in args.sizes.split(",")):
        for share in (float(s) for s in args.shares.split(",")):
            for kind in args.calls.split(","):
                cells = []
                for distribution in DISTRIBUTIONS:
                    parsed = parse_scenario(build_site(n, distribution, share))
                    call = calls[kind]
                    best, median = time_call(lambda p=parsed, f=call: f(p), args.seconds)
                    flag = "*" if best > TARGET_US.get(n, float("inf")) else " "
                    cells.append(f"{best:,.1f} / {median:,.1f}{flag}")
                line = f"{n:>6} {share:>7.0%} {kind:>5} " + " ".join(f"{c:>20}" for c in cells)
                print(line, flush=True)
    print(f"\nload average at end: {os.getloadavg()[0]:.2f}")
    print(f"calibration at end: {calibration_ms():.0f} ms")


def calibration_ms() -> float:
    """A fixed pure-Python loop (1M additions): how fast this VM runs right now
    (42-49 ms when the figures of docs/performance.md were taken)."""
    start = time.perf_counter()
    total = 0
    for k in range(1_000_000):
        total += k
    return (time.perf_counter() - start) * 1e3


if __name__ == "__main__":
    main()
