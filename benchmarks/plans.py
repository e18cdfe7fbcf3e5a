"""Plans against the instantaneous modes on the bundled plan days (issue 16).

For each day (`benchmarks/days/*_plan.yaml`) and strategy it prints: the target met
(yes/no), the energy cost of the site's grid import over the day (the house is the
same in every run, so the differences are the car's), the car's energy from
surplus, overload episodes longer than 15 s and the grid energy the car took.

    .venv/bin/python benchmarks/plans.py
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from custom_components.dynamic_ocpp_evse.engine import Controller  # noqa: E402
from custom_components.dynamic_ocpp_evse.engine.simulate import (  # noqa: E402
    compute_metrics,
    load_day,
    run_day,
)
from custom_components.dynamic_ocpp_evse.engine.simulate.day import Day  # noqa: E402
from custom_components.dynamic_ocpp_evse.engine.simulate.planning import (  # noqa: E402
    PlanningController,
    with_mode,
)

DAYS = ROOT / "benchmarks" / "days"
STRATEGIES = ("standard", "cheapest", "solar", "plan")


def run(day: Day, strategy: str) -> dict[str, Any]:
    """One strategy on one day: its trace's figures."""
    if strategy in ("standard", "solar"):
        variant = with_mode(day, strategy)
        trace = run_day(variant, lambda config: Controller(config))
    else:
        variant = with_mode(day, "solar")
        load_id = variant.cars[0].load

        def make(_config: Mapping[str, Any]) -> PlanningController:
            return PlanningController(variant, load_id, forecast=strategy == "plan")

        trace = run_day(variant, make)
    return figures(variant, trace)


def figures(day: Day, trace: Any) -> dict[str, Any]:
    """Target met, import cost, the car's surplus share and grid energy, long overloads."""
    voltage = day.scenario.site.voltage
    prices = day.prices
    cost = car_solar_wh = car_wh = 0.0
    load = day.scenario.loads[0]
    for k, t in enumerate(trace.t):
        net_w = voltage * sum(column[k] for column in trace.grid_a.values())
        price = prices.at(t) if prices is not None else 0.0
        dt_h = trace.dt / 3600
        if net_w > 0:
            cost += net_w / 1000 * price * dt_h
        car_w = trace.draw_a[load.id][k] * len(trace.legs(load, k)) * voltage
        spare_w = trace.solar_w[k] - sum(column[k] for column in trace.house_w.values())
        car_wh += car_w * dt_h
        car_solar_wh += min(car_w, max(0.0, spare_w)) * dt_h
    metrics = compute_metrics(trace)
    met = all(v.full for v in trace.visits)
    return {
        "met": met,
        "cost": round(cost, 2),
        "car_kwh": round(car_wh / 1000, 2),
        "solar_share": round(car_solar_wh / car_wh, 3) if car_wh > 0 else 0.0,
        "episodes_over_15s": metrics["safety"]["episodes_over_15s"],
    }


def main() -> None:
    for path in sorted(DAYS.glob("*_plan.yaml")):
        day = load_day(path)
        print(f"\n{day.name}")
        print(
            "| strategy | target met | import cost | car energy | from surplus | episodes > 15 s |"
        )
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        for strategy in STRATEGIES:
            f = run(day, strategy)
            print(
                f"| {strategy} | {'yes' if f['met'] else 'no'} | {f['cost']:.2f} | "
                f"{f['car_kwh']:.1f} kWh | {f['solar_share'] * 100:.0f} % | "
                f"{f['episodes_over_15s']} |"
            )


if __name__ == "__main__":
    main()
