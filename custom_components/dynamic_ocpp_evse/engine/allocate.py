"""The engine's public entry point: ``allocate(scenario) -> result``.

Parses the scenario, computes the site budget, solves the split and explains
every load's share (reason and available current). Stateless and deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .constraints import Problem, build_problem, skeleton
from .distribute import EPS, Solver, floor_tenth, solve
from .headroom import SiteBudget, site_budget
from .models import Load, Scenario
from .phases import allocate_switching
from .plan_floor import allocate_with_floors
from .power_load import on_step
from .scenario import parse_scenario
from .slack import leave_out_slack
from .thermal import serve_all, thermal_report
from .what_if import what_if_active


def _round(value: float) -> float:
    return round(value, 3) + 0.0  # no "-0.0" in reports


def _explain(solver: Solver, i: int) -> tuple[str, float, float]:
    """Why load i has what it has (a short machine-readable word), the most it
    could take now without taking from others (0 or >= min), and the most the
    physical limits alone would let it have."""
    problem = solver.p
    load = problem.loads[i]
    amps = solver.x[i]
    room, bound, hard_room = solver.rooms(i, settled=True)
    blocked = solver.blocked_by.get(i)
    off = problem.static_reason[i] == "off"
    available = 0.0 if blocked is not None or off else solver.usable(i, max(room, amps))
    limit = floor_tenth(max(hard_room, amps))
    reason = problem.static_reason[i] or blocked
    if reason is not None:
        return reason, available, limit
    step = 0.0 if load.binary else 0.1
    if amps > 0 and amps > load.max_a - step + EPS:
        return "at_max", available, limit
    if bound == -1:
        return ("at_max" if amps > 0 else "below_min"), available, limit
    binding = solver.reason_of(i, bound)
    if amps == 0:
        binding = {"solar_surplus": "no_solar_surplus", "excess_export": "no_excess"}.get(
            binding, binding
        )
    return binding, available, limit


def _site_report(scenario: Scenario, budget: SiteBudget, currents: list[float]) -> dict[str, Any]:
    phases = scenario.site.phases
    per_phase: dict[str, list[float]] = {p: [] for p in phases}
    for load, amps in zip(scenario.loads, currents, strict=True):
        for phase in load.phases:
            per_phase[phase].append(amps)
    # fsum: exactly rounded, so the report does not depend on the order of loads
    allocated = {p: math.fsum(per_phase[p]) for p in phases}
    total_w = math.fsum(
        amps * load.leg_count * budget.voltage
        for load, amps in zip(scenario.loads, currents, strict=True)
    )
    return {
        "voltage": budget.voltage,
        "phases": list(phases),
        "house_current_a": {p: _round(budget.house_a[p]) for p in phases},
        "headroom_a": {p: _round(budget.breaker_headroom_a[p]) for p in phases},
        "allocated_a": {p: _round(allocated[p]) for p in phases},
        "remaining_a": {p: _round(budget.breaker_headroom_a[p] - allocated[p]) for p in phases},
        "overloaded_phases": [p for p in phases if budget.breaker_headroom_a[p] < -EPS],
        "import_headroom_w": None
        if budget.import_headroom_w is None
        else _round(budget.import_headroom_w),
        "battery_boost_w": _round(budget.battery_boost_w),
        "surplus_w": _round(budget.surplus_w),
        "excess_w": _round(budget.excess_w),
        "export_w": _round(budget.export_w),
        "solar_w": _round(budget.solar_w),
        "allocated_w": _round(total_w),
        "distribution": scenario.site.distribution.value,
    }


def allocate_scenario(scenario: Scenario) -> dict[str, Any]:
    """Allocate a parsed scenario; see :func:`allocate`. Loads that may switch
    between one and three phases get the phase count that serves them best
    (``phases.py``), reported as ``phases`` with a ``phase_reason``."""
    if scenario.phase_switching:
        return allocate_switching(scenario, _allocate_planned)
    return _allocate_planned(scenario)


def _allocate_planned(scenario: Scenario) -> dict[str, Any]:
    """Allocate with every planned load's floor (``plan_floor.py``)."""
    if scenario.plan_floors:
        return allocate_with_floors(scenario, allocate_fixed)
    return allocate_fixed(scenario)


def allocate_fixed(scenario: Scenario) -> dict[str, Any]:
    """Allocate with every load on the phases it is given (thermal loads as their
    temperature serves them now, see ``thermal.py``)."""
    configured = scenario.loads
    served, resting = serve_all(configured)
    if served is not configured:
        scenario = replace(scenario, loads=served)
    budget = site_budget(scenario.site, scenario.loads)
    problem: Problem = build_problem(scenario, budget)
    if scenario.circuits:  # without nesting no limit bounds another
        leave_out_slack(problem, scenario, skeleton(scenario, budget))
    distribution = scenario.site.distribution
    probes: dict[int, float] = {}  # optimized/strict: what-if answers from the same pass
    solution = solve(problem, distribution, probes)
    solver = solution.solver
    assert solver is not None
    what_if = what_if_active(problem, distribution, solver, probes)
    loads: dict[str, dict[str, Any]] = {}
    for i, load in enumerate(scenario.loads):
        reason, available, limit = _explain(solver, i)
        if not load.active:
            available = what_if[i]
        amps = _current(load, solution.current_a[i])
        available = _current(load, available)
        loads[load.id] = {
            "current_a": amps,
            "reason": resting.get(load.id, reason),
            "available_a": available,
            "limit_a": limit,
        }
        if load.thermal is not None:
            loads[load.id]["thermal"] = thermal_report(configured[i], load)
    return {"loads": loads, "site": _site_report(scenario, budget, solution.current_a)}


def _current(load: Load, amps: float) -> float:
    if load.step_a > 0:  # a setpoint moves in steps from its minimum, not in 0.1 A
        return on_step(amps, load.min_a, load.max_a, load.step_a)
    return amps if load.binary else floor_tenth(amps)


def allocate(scenario: Mapping[str, Any]) -> dict[str, Any]:
    """Split the site's power between its loads.

    ``scenario`` follows the YAML schema of ``docs/scenario-format.md`` (already
    parsed). Returns ``{"loads": {id: {"current_a", "reason", "available_a"}},
    "site": {...}}``. Raises :class:`ScenarioError` on invalid input.
    """
    return allocate_scenario(parse_scenario(scenario))
