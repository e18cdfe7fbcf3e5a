"""How the engine's cost grows with the site, and how it compares with upstream's.

For 3, 30, 300 and 3000 loads, 0 %, 10 % and 50 % of them inactive, and every
distribution mode, prints the microseconds per ``allocate_scenario`` call (the
solver with its explanation and the what-if of every inactive load; the
scenario is parsed once, outside the timer, and the call repeated as a
controller repeats it), the same per load, the call with the what-if answer
cache emptied first ("cold"; ``shared``/``priority`` with inactive loads), and,
when upstream's engine is given, its time on the same site and the ratio.

The sites are those of ``engine_speed.py`` (from 30 loads on: 3-level circuit
groups and two-connector charger units). Upstream's engine (the ``calculations``
package of LeoAlioth/Dynamic_OCPP_EVSE) is imported, unmodified, from a folder
outside this repository holding ``calculations/`` and ``const.py``, e.g.::

    git -C <upstream git dir> archive HEAD custom_components/dynamic_ocpp_evse/calculations \\
        custom_components/dynamic_ocpp_evse/const.py | tar -x -C /tmp/upstream
    UPSTREAM_CALCULATIONS=/tmp/upstream/custom_components/dynamic_ocpp_evse \\
        .venv/bin/python benchmarks/engine_growth.py

Translation to upstream's input (its ``SiteContext``/``LoadContext``): the same
grid reading, breaker, import limit, battery and loads (modes standard ->
"Standard", eco -> "Solar Priority", solar -> "Solar Only"; plugs as "plug"
loads at their rated current; inactive loads as connector status "Available");
each circuit becomes one of upstream's flat circuit groups holding every load
below it. Upstream has no charger units: those limits are left out on its side
(its site is a little easier). Without the variable (or ``--upstream``) the
comparison is skipped.

Run: ``.venv/bin/python benchmarks/engine_growth.py [--sizes 3,30,300,3000]
[--shares 0,0.1,0.5] [--repeat 3] [--upstream DIR]``. Each cell is the median of
``--repeat`` measurements, each the median of 5 batches.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import sys
import time
import types
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine_speed import DISTRIBUTIONS, build_site, machine, per_call_us

from custom_components.dynamic_ocpp_evse.engine import (
    allocate_scenario,
    parse_scenario,
)

try:
    from custom_components.dynamic_ocpp_evse.engine.locality import forget_answers
except ImportError:  # an engine without cached what-if answers (for a before/after run)
    forget_answers = None

UPSTREAM_MODES = {
    "standard": "Standard",
    "continuous": "Continuous",
    "eco": "Solar Priority",
    "solar": "Solar Only",
    "excess": "Excess",
}


def load_upstream(folder: str) -> Any:
    """Import upstream's ``calculations`` package from ``folder`` under another name
    (``upstream_evse``), so it cannot clash with this repository's package."""
    package = types.ModuleType("upstream_evse")
    package.__path__ = [folder]
    sys.modules["upstream_evse"] = package
    return importlib.import_module("upstream_evse.calculations")


def _below(circuits: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Circuit id -> every load id below it (through nested circuits)."""
    children: dict[str, list[str]] = {}
    for circuit in circuits:
        if circuit.get("parent"):
            children.setdefault(circuit["parent"], []).append(circuit["id"])
    memo: dict[str, list[str]] = {}

    def walk(cid: str) -> list[str]:
        if cid not in memo:
            own = [m for c in circuits if c["id"] == cid for m in c.get("members", [])]
            memo[cid] = own + [lid for child in children.get(cid, []) for lid in walk(child)]
        return memo[cid]

    return {c["id"]: walk(c["id"]) for c in circuits}


def upstream_site(calc: Any, raw: dict[str, Any]) -> Any:
    """The same site in upstream's input format."""
    site = raw["site"]
    grid = site["grid_current_a"]
    voltage = site["voltage"]
    battery = site.get("battery") or {}
    loads = []
    for load in raw["loads"]:
        phases = load.get("phases", ["A", "B", "C"])
        legs = len(phases)
        if "power_w" in load:
            amps = load["power_w"] / (voltage * legs)
            low, high, kind = amps, amps, "plug"
        else:
            low, high, kind = load["min_a"], load["max_a"], "evse"
        mapping = {f"l{k + 1}_phase": phase for k, phase in enumerate(phases)}
        draws = {f"l{k + 1}_current": amps for k, amps in enumerate(load["draw_a"])}
        loads.append(
            calc.LoadContext(
                charger_id=load["id"],
                entity_id=load["id"],
                min_current=low,
                max_current=high,
                phases=legs,
                priority=load.get("priority", 1),
                device_type=kind,
                operating_mode=UPSTREAM_MODES[load.get("mode", "standard")],
                active_phases_mask="".join(sorted(phases)),
                connector_status="Charging" if load.get("active", True) else "Available",
                **mapping,
                **draws,
            )
        )
    groups = []
    circuits = raw.get("circuits", [])
    for cid, members in _below(circuits).items():
        limit = next(c["limit_a"] for c in circuits if c["id"] == cid)
        groups.append(calc.CircuitGroup(cid, cid, float(limit), list(members)))

    def phase_values(values: dict[str, float]) -> Any:
        return calc.PhaseValues(values.get("A"), values.get("B"), values.get("C"))

    return calc.SiteContext(
        voltage=voltage,
        main_breaker_rating=site["main_breaker_a"],
        grid_current=phase_values(grid),
        consumption=phase_values({p: max(0.0, a) for p, a in grid.items()}),
        export_current=phase_values({p: max(0.0, -a) for p, a in grid.items()}),
        battery_soc=battery.get("soc"),
        battery_power=battery.get("power_w"),
        battery_soc_target=battery.get("target_soc"),
        battery_soc_min=battery.get("min_soc"),
        battery_max_charge_power=battery.get("max_charge_w", 5000.0),
        battery_max_discharge_power=battery.get("max_discharge_w", 5000.0),
        max_grid_import_power=site.get("max_import_w"),
        distribution_mode=site["distribution"],
        chargers=loads,
        circuit_groups=groups,
    )


def measure(fn: Callable[[], object], min_time: float, repeat: int) -> float:
    """Median over ``repeat`` measurements of the µs per call (one call when slow),
    after one untimed call (a controller calls the engine on the same site again
    and again: the site's shape and the what-if answers are then cached)."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        first = time.perf_counter() - start
        samples.append(first * 1e6 if first >= min_time else per_call_us(fn, min_time))
    return statistics.median(samples)


def _cold(parsed: Any) -> object:
    """A call that finds no cached what-if answer (the site's shape stays cached)."""
    assert forget_answers is not None
    forget_answers()
    return allocate_scenario(parsed)


def calibration_ms() -> float:
    """A fixed pure-Python loop (1M additions): how fast this VM runs right now."""
    start = time.perf_counter()
    total = 0
    for k in range(1_000_000):
        total += k
    return (time.perf_counter() - start) * 1e3


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="3,30,300,3000")
    parser.add_argument("--shares", default="0,0.1,0.5", help="inactive shares")
    parser.add_argument("--modes", default=",".join(DISTRIBUTIONS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--min-time", type=float, default=0.3, help="seconds per measurement")
    parser.add_argument(
        "--upstream",
        default=os.environ.get("UPSTREAM_CALCULATIONS"),
        help="folder with upstream's calculations/ and const.py (default: $UPSTREAM_CALCULATIONS)",
    )
    parser.add_argument(
        "--upstream-max-n", type=int, default=3000, help="largest site given to upstream"
    )
    parser.add_argument(
        "--max-call",
        type=float,
        default=60.0,
        help="skip a cell whose call the previous size projects (quadratically) above this (s)",
    )
    args = parser.parse_args(argv)
    calc = load_upstream(args.upstream) if args.upstream else None
    print(f"machine: {machine()}; cores: {os.cpu_count()}")
    print(f"load average at start: {os.getloadavg()[0]:.2f}; calibration {calibration_ms():.0f} ms")
    print(f"µs per call, median of {args.repeat} measurements (each the median of 5 batches)")
    head = f"{'loads':>6} {'inactive':>8} {'distribution':<12} {'ours µs':>11} {'µs/load':>8}"
    head += f" {'cold µs':>11}" if forget_answers is not None else ""
    print(head + (f" {'upstream µs':>12} {'ours/upstream':>13}" if calc else ""))
    seen: dict[tuple[str, float, str], tuple[int, float]] = {}

    def timed(key: tuple[str, float, str], n: int, fn: Callable[[], object]) -> str:
        if key in seen:
            last_n, last_us = seen[key]
            projected = last_us * (n / last_n) ** 2 / 1e6
            if projected > args.max_call:
                return f"skip(~{projected:.0f}s)"
        us = measure(fn, args.min_time, args.repeat)
        seen[key] = (n, us)
        return f"{us:.1f}"

    for n in [int(s) for s in args.sizes.split(",")]:
        for share in [float(s) for s in args.shares.split(",")]:
            for distribution in args.modes.split(","):
                raw = build_site(n, distribution, share)
                parsed = parse_scenario(raw)
                ours = timed((distribution, share, "ours"), n, partial(allocate_scenario, parsed))
                per_load = f"{float(ours) / n:.2f}" if ours[0].isdigit() else "-"
                line = f"{n:>6} {share:>8.0%} {distribution:<12} {ours:>11} {per_load:>8}"
                if forget_answers is not None:
                    cold = "-"
                    if share > 0 and distribution in ("shared", "priority"):
                        cold = timed((distribution, share, "cold"), n, partial(_cold, parsed))
                    line += f" {cold:>11}"
                if calc is not None and n <= args.upstream_max_n:
                    theirs_site = upstream_site(calc, raw)
                    theirs = timed(
                        (distribution, share, "upstream"),
                        n,
                        partial(calc.calculate_all_charger_targets, theirs_site),
                    )
                    ratio = (
                        f"{float(ours) / float(theirs):.3f}"
                        if ours[0].isdigit() and theirs[0].isdigit()
                        else "-"
                    )
                    line += f" {theirs:>12} {ratio:>13}"
                print(line, flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.2f}; calibration {calibration_ms():.0f} ms")


if __name__ == "__main__":
    main()
