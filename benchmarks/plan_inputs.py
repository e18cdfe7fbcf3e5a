"""What reading the plan inputs costs: the price shapes and the solar forecast (issue 16).

Prints the time per call of each conversion on two days of quarter-hour data (the
resolution day-ahead markets use since October 2025: the largest answers users
have), and of the check a control cycle makes when nothing is due.

    .venv/bin/python benchmarks/plan_inputs.py
"""

from __future__ import annotations

import sys
import timeit
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from custom_components.dynamic_ocpp_evse.forecast import add_up, from_wh_hours  # noqa: E402
from custom_components.dynamic_ocpp_evse.plan_inputs import PlanInputs  # noqa: E402
from custom_components.dynamic_ocpp_evse.prices import (  # noqa: E402
    from_attributes,
    from_response,
)

DAY = datetime(2026, 3, 2, tzinfo=UTC)
QUARTERS = [DAY + timedelta(minutes=15 * q) for q in range(2 * 96)]


def _price(q: int) -> float:
    return round(0.1 + 0.3 * ((q * 7) % 96) / 96, 4)


def samples() -> dict[str, tuple[Any, Any]]:
    nordpool = {
        area: [
            {
                "start": t.isoformat(),
                "end": (t + timedelta(minutes=15)).isoformat(),
                "price": _price(q) * 1000,
            }
            for q, t in enumerate(QUARTERS)
        ]
        for area in ("SE3", "SE4")
    }
    tibber = {
        "prices": {
            "Home": [
                {"start_time": t.isoformat(timespec="milliseconds"), "price": _price(q)}
                for q, t in enumerate(QUARTERS)
            ]
        }
    }
    entsoe = {
        "prices": [{"time": t.isoformat(), "price": _price(q)} for q, t in enumerate(QUARTERS)]
    }
    forecast = [
        {"wh_hours": {t.isoformat(): 250.0 * scale for t in QUARTERS}} for scale in (1.0, 0.5, 0.3)
    ]
    return {
        "core Nord Pool response, 2 areas x 192 quarters": (from_response, nordpool),
        "core Tibber response, 192 quarters": (from_response, tibber),
        "ENTSO-e attributes, 192 quarters": (from_attributes, entsoe),
        "solar forecast, 3 arrays x 192 quarters": (
            lambda fs: add_up(from_wh_hours(f) for f in fs),
            forecast,
        ),
    }


def per_call_ms(func: Any, arg: Any) -> float:
    timer = timeit.Timer(lambda: func(arg))
    runs, _ = timer.autorange()
    return min(timer.repeat(5, runs)) / runs * 1000


def main() -> None:
    print(f"{'conversion':52} {'ms/call':>8}")
    for name, (func, arg) in samples().items():
        print(f"{name:52} {per_call_ms(func, arg):8.3f}")
    inputs = PlanInputs(None, {"price_source": "nordpool"}, "bench")  # type: ignore[arg-type]
    now = DAY + timedelta(hours=10)
    inputs._prices_tried = inputs._forecast_tried = now
    inputs._prices_ok = True
    later = now + timedelta(minutes=5)
    due = lambda _: inputs.prices_due(later) or inputs.forecast_due(later)  # noqa: E731
    print(f"{'cycle check, nothing due':52} {per_call_ms(due, None):8.4f}")


if __name__ == "__main__":
    main()
