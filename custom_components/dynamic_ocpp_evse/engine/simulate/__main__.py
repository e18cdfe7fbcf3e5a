"""Command line: simulate one day in closed loop and report it.

``python -m custom_components.dynamic_ocpp_evse.engine.simulate DAY.yaml
[--plot out.png] [--json out.json] [--step 5] [--start HH:MM] [--end HH:MM]
[--seed N] [--plan LOAD]`` prints the day's metrics as JSON (and writes them to ``--json``),
and draws the day to ``--plot``. ``--plan LOAD`` charges that load's cars by a plan
(prices and the day's solar forecast, docs/plans.md) on top of the solar mode,
and the plot shows the plan against what was drawn. An invalid day file prints one line naming
the bad field and exits with code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from .day import DayError, load_day
from .metrics import compute_metrics
from .planning import PlanningController, with_mode
from .series import SeriesError, parse_time


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m custom_components.dynamic_ocpp_evse.engine.simulate",
        description="Simulate a day in closed loop (controller + house, solar, battery, cars).",
    )
    parser.add_argument("day", help="day file (YAML), e.g. benchmarks/days/sunny_summer_solar.yaml")
    parser.add_argument("--plot", metavar="PNG", help="write the day's plot to this PNG file")
    parser.add_argument("--json", metavar="FILE", help="also write the metrics JSON to this file")
    parser.add_argument("--step", type=float, metavar="S", help="control step in seconds (5)")
    parser.add_argument("--start", metavar="HH:MM", help="simulate from this time of day")
    parser.add_argument("--end", metavar="HH:MM", help="simulate until this time of day")
    parser.add_argument("--seed", type=int, help="override the day's random seed")
    parser.add_argument(
        "--plan",
        metavar="LOAD",
        help="charge this load's cars by a plan (target: each car's need by its leave time)",
    )
    return parser


def main(argv: list[str]) -> int:
    """Run the CLI; returns the process exit code."""
    args = _parser().parse_args(argv)
    try:
        day = load_day(args.day)
        start = None if args.start is None else parse_time(args.start, "--start")
        end = None if args.end is None else parse_time(args.end, "--end")
        day = day.window(start, end, args.step)
    except (DayError, SeriesError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.seed is not None:
        day = replace(day, options=replace(day.options, seed=args.seed))
    from .loop import run_day

    planner: PlanningController | None = None
    if args.plan is not None:
        if not any(car.load == args.plan for car in day.cars):
            print(f"error: --plan: no car visits load {args.plan!r}", file=sys.stderr)
            return 2
        day = with_mode(day, "solar", only=args.plan)
        planner = PlanningController(day, args.plan, forecast=True)
    trace = run_day(day) if planner is None else run_day(day, lambda _config: planner)
    metrics = compute_metrics(trace)
    text = json.dumps(metrics, indent=2)
    print(text)
    try:
        if args.json:
            Path(args.json).write_text(text + "\n", encoding="utf-8")
        if args.plot:
            from .plot import plot_day

            planned = None if planner is None else {args.plan: planner.planned_a}
            plot_day(trace, args.plot, metrics, planned)
    except OSError as err:
        print(f"error: cannot write output: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
