"""The closed loop: sensors -> controller -> chargers -> physics, step after step.

Owns simulated time. The controller runs every ``day.step_s`` seconds on what
the sensors report at that instant; its sent commands go to the chargers (which
apply them after their delay); between control steps the plant advances in
substeps of at most one second, each recorded in the :class:`Trace`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from ..controller import Controller
from .day import Day
from .plant import Plant
from .sensors import Sensors
from .trace import Trace


class StepController(Protocol):
    """Anything with the controller's ``step(measurements, now)`` contract."""

    def step(self, measurements: Mapping[str, Any], now: float) -> Mapping[str, Any]:
        """Return ``{"loads": {id: {"current_a", "send", ...}}, "site": {...}}``."""
        ...


def substeps(step_s: float) -> tuple[int, float]:
    """How many substeps a control step has and how long each is (at most 1 s)."""
    count = max(1, math.ceil(step_s - 1e-9))
    return count, step_s / count


def run_day(
    day: Day, make_controller: Callable[[Mapping[str, Any]], StepController] | None = None
) -> Trace:
    """Simulate ``day`` in closed loop and return everything that happened."""
    controller = (make_controller or Controller)(day.config)
    plant = Plant(day)
    sensors = Sensors(day)
    count, dt = substeps(day.step_s)
    trace = Trace.empty(day, dt)
    steps = max(1, math.ceil((day.end_s - day.start_s) / day.step_s - 1e-9))
    for k in range(steps):
        now = day.start_s + k * day.step_s
        for i in range(count):
            sample = plant.advance(now + i * dt, dt)
            trace.add_sample(sample)
            if i == 0:
                result = controller.step(sensors.read(sample), now)
                for load_id, command in (result.get("loads") or {}).items():
                    if load_id not in plant.chargers and load_id not in plant.thermal:
                        continue
                    phases = command.get("phase_command")
                    if command.get("send") or phases is not None:
                        amps = float(command.get("current_a") or 0.0)
                        plant.command(load_id, amps, now, phases)
                trace.add_step(now, result)
    trace.visits = plant.visits()
    trace.thermal = {load_id: unit.report() for load_id, unit in plant.thermal.items()}
    return trace
