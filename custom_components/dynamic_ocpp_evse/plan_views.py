"""What the plan entities and diagnostics show of a plan: its slots as a list a
dashboard card can plot (start, planned grid power, counted-on surplus, price),
its cost and shortfall reason, and the progress (delivered and still needed
energy, departure, SoC target and reading)."""

from __future__ import annotations

from typing import Any

from homeassistant.util import dt as dt_util

from .engine.plan import Plan
from .plan_progress import PlanProgress


def plan_attributes(plan: Plan | None, progress: PlanProgress | None) -> dict[str, Any]:
    """The plan as a list a dashboard card can plot, and its progress."""
    if plan is None:
        return {}
    return {
        "slots": [
            {
                "start": dt_util.utc_from_timestamp(s.start_s).isoformat(),
                "grid_w": s.grid_w,
                "solar_w": s.solar_w,
                "price": s.price,
            }
            for s in plan.slots
        ],
        "cost": plan.cost,
        "reason": plan.shortfall_reason,
        **progress_attributes(progress),
    }


def progress_attributes(progress: PlanProgress | None) -> dict[str, Any]:
    """Delivered and still needed energy, departure, and the SoC target and reading."""
    if progress is None:
        return {"delivered_kwh": None, "departure": None}
    needed = progress.remaining_wh()
    return {
        "delivered_kwh": round(progress.delivered_wh / 1000, 3),
        "needed_kwh": None if needed is None else round(max(0.0, needed) / 1000, 3),
        "departure": dt_util.utc_from_timestamp(progress.departure_s).isoformat(),
        "target_soc": progress.target_soc,
        "soc": progress.soc,
    }
