"""Closed-loop day simulator for the controller (pure: simulated time only).

``simulate(day)`` runs a :class:`Day` (see ``day.py`` and ``docs/simulator.md``)
through the real :class:`~..controller.Controller` against a simulated house,
solar plant, battery, chargers and cars, and returns the recorded trace and
its metrics. ``python -m custom_components.dynamic_ocpp_evse.engine.simulate``
is the command line. Deterministic for a given seed.
"""

from __future__ import annotations

from typing import Any

from .day import Day, DayError, load_day, parse_day
from .loop import StepController, run_day
from .metrics import compute_metrics
from .trace import Trace


def simulate(day: Day) -> tuple[Trace, dict[str, Any]]:
    """Run ``day`` in closed loop; return its trace and metrics."""
    trace = run_day(day)
    return trace, compute_metrics(trace)


__all__ = [
    "Day",
    "DayError",
    "StepController",
    "Trace",
    "compute_metrics",
    "load_day",
    "parse_day",
    "run_day",
    "simulate",
]
