"""Run every bundled day in closed loop: metrics JSON per day, a compact table, PNG plots.

    .venv/bin/python benchmarks/run_days.py                 # plots to out/
    .venv/bin/python benchmarks/run_days.py --out /tmp/days --step 5 --days 'sunny*'

Prints each day's metrics as JSON (one object per day, in file order), then a
table with the figures the targets of issue 3 are about.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from custom_components.dynamic_ocpp_evse.engine.simulate import (  # noqa: E402
    compute_metrics,
    load_day,
    run_day,
)
from custom_components.dynamic_ocpp_evse.engine.simulate.plot import plot_day  # noqa: E402

DAYS = ROOT / "benchmarks" / "days"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def table(rows: list[dict[str, object]]) -> str:
    """A compact text table of the target figures, one row per day."""
    header = (
        f"{'day':<26} {'import':>7} {'self-c':>6} {'surplus':>7} {'over s':>6} "
        f"{'ep>15s':>6} {'raise':>5} {'longest':>7}  loads (kWh / transitions / sends)"
    )
    lines = [header, "-" * len(header)]
    for m in rows:
        safety = m["safety"]
        assert isinstance(safety, dict)
        loads = m["loads"]
        assert isinstance(loads, dict)
        surplus = m["surplus"]
        assert isinstance(surplus, dict)
        per_load = ", ".join(
            f"{i}: {v['energy_kwh']:.1f}/{v['transitions']}/{v['commands_sent']}"
            for i, v in loads.items()
        )
        over_s = float(safety["seconds_over_breaker"]) + float(safety["seconds_over_group"])
        lines.append(
            f"{m['file']!s:<26} {m['grid_import_kwh']:>7.1f} "
            f"{_pct(m['solar_self_consumption']):>6} {_pct(surplus['captured_share']):>7} "
            f"{over_s:>6.0f} {safety['episodes_over_15s']:>6} "
            f"{safety['episodes_by_cause']['load_raise']:>5} "
            f"{safety['longest_episode_s']:>6.0f}s  {per_load}"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "out"), help="directory for the PNG plots")
    parser.add_argument("--step", type=float, help="control step in seconds (day file default)")
    parser.add_argument("--days", default="*", help="glob of day names in benchmarks/days/")
    parser.add_argument("--no-plot", action="store_true", help="skip the plots")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, object]] = []
    for path in sorted(DAYS.glob(f"{args.days}.yaml")):
        day = load_day(path).window(step_s=args.step)
        started = time.perf_counter()
        trace = run_day(day)
        metrics = compute_metrics(trace)
        metrics["file"] = path.stem
        metrics["run_s"] = round(time.perf_counter() - started, 1)
        print(json.dumps(metrics, indent=2))
        if not args.no_plot:
            plot_day(trace, out / f"{path.stem}.png", metrics)
        rows.append(metrics)
    if not rows:
        print(f"no day files match {args.days!r} in {DAYS}", file=sys.stderr)
        return 2
    print()
    print(table(rows))
    if not args.no_plot:
        print(f"\nplots: {out}/<day>.png")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
