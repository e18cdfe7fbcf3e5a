"""The record of a simulated day: what happened, substep by substep.

Owns the columns that metrics and plots read: the true physical state at every
substep (grid, house, solar, battery, each load's draw, the current its charger
offers, whether a car wanting charge is plugged in) and the controller's
output at every control step (command, send flag, reason, pause and grace).
Columns are compact ``array`` objects so a full day at 1 s stays small.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..models import Load
from .day import Day
from .plant import Sample, Visit


def _floats() -> array[float]:
    return array("d")


def _flags() -> array[int]:
    return array("b")


@dataclass(slots=True)
class Trace:
    """Columns of one simulated day (substep columns and control-step columns)."""

    day: Day
    dt: float
    t: array[float] = field(default_factory=_floats)
    solar_w: array[float] = field(default_factory=_floats)
    battery_w: array[float] = field(default_factory=_floats)
    soc: array[float] = field(default_factory=_floats)
    house_w: dict[str, array[float]] = field(default_factory=dict)
    grid_a: dict[str, array[float]] = field(default_factory=dict)
    draw_a: dict[str, array[float]] = field(default_factory=dict)
    setpoint_a: dict[str, array[float]] = field(default_factory=dict)
    car_state: dict[str, array[int]] = field(default_factory=dict)
    one_leg: dict[str, array[int]] = field(default_factory=dict)
    """Per load and substep: 1 when it draws on one leg of a 3-phase wiring."""
    phase_commands: dict[str, list[tuple[float, int]]] = field(default_factory=dict)
    """Per load: every phase switch the controller commanded (time, count)."""
    step_t: array[float] = field(default_factory=_floats)
    stale: array[int] = field(default_factory=_flags)
    command_a: dict[str, array[float]] = field(default_factory=dict)
    send: dict[str, array[int]] = field(default_factory=dict)
    pause_s: dict[str, array[float]] = field(default_factory=dict)
    grace_s: dict[str, array[float]] = field(default_factory=dict)
    reason: dict[str, list[str]] = field(default_factory=dict)
    visits: list[Visit] = field(default_factory=list)
    thermal: dict[str, dict[str, float]] = field(default_factory=dict)
    """Per thermal load: heat stored, comfort-band violations, temperatures (the plant's)."""
    """Every car visit with the energy the plant delivered to it."""

    @classmethod
    def empty(cls, day: Day, dt: float) -> Trace:
        """A trace with one empty column per phase and per load."""
        trace = cls(day=day, dt=dt)
        for phase in day.phases:
            trace.house_w[phase] = _floats()
            trace.grid_a[phase] = _floats()
        for load in day.scenario.loads:
            for column in (trace.draw_a, trace.setpoint_a, trace.command_a):
                column[load.id] = _floats()
            trace.pause_s[load.id] = _floats()
            trace.grace_s[load.id] = _floats()
            trace.car_state[load.id] = _flags()
            trace.one_leg[load.id] = _flags()
            trace.phase_commands[load.id] = []
            trace.send[load.id] = _flags()
            trace.reason[load.id] = []
        return trace

    def legs(self, load: Load, k: int) -> tuple[str, ...]:
        """The site phases ``load`` draws on at substep ``k``."""
        if self.one_leg[load.id][k] and len(load.phases) > 1:
            spec = self.day.scenario.phase_switching.get(load.id)
            return (spec.one_phase if spec is not None else load.phases[0],)
        return load.phases

    def add_sample(self, sample: Sample) -> None:
        """Append the physical state of one substep."""
        self.t.append(sample.t)
        self.solar_w.append(sample.solar_w)
        self.battery_w.append(sample.battery_w)
        self.soc.append(float("nan") if sample.soc is None else sample.soc)
        for phase, column in self.house_w.items():
            column.append(sample.house_w[phase])
            self.grid_a[phase].append(sample.grid_a[phase])
        for load_id, column in self.draw_a.items():
            column.append(sample.draw_a[load_id])
            self.setpoint_a[load_id].append(sample.setpoint_a[load_id])
            self.car_state[load_id].append(sample.car_state[load_id])
            self.one_leg[load_id].append(1 if len(sample.legs[load_id]) == 1 else 0)

    def add_step(self, t: float, result: Mapping[str, Any]) -> None:
        """Append the controller's result of one control step."""
        self.step_t.append(t)
        site = result.get("site") or {}
        self.stale.append(1 if site.get("stale") else 0)
        loads = result.get("loads") or {}
        for load_id, column in self.command_a.items():
            command = loads.get(load_id) or {}
            column.append(float(command.get("current_a") or 0.0))
            self.send[load_id].append(1 if command.get("send") else 0)
            self.pause_s[load_id].append(float(command.get("pause_s") or 0.0))
            self.grace_s[load_id].append(float(command.get("grace_s") or 0.0))
            self.reason[load_id].append(str(command.get("reason", "")))
            if command.get("phase_command") is not None:
                self.phase_commands[load_id].append((t, int(command["phase_command"])))
