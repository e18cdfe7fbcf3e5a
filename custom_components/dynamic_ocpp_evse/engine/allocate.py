"""The engine's public entry point: ``allocate(scenario) -> result``.

Parses the scenario, computes the site budget, solves the split and explains
every load's share (reason and available current, ``explain.py``). Stateless
and deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .constraints import Problem, build_problem, skeleton
from .distribute import solve
from .explain import explain_loads, site_report
from .headroom import site_budget
from .models import Scenario
from .phases import allocate_switching
from .plan_floor import allocate_with_floors
from .scenario import parse_scenario
from .slack import leave_out_slack
from .thermal import serve_all, thermal_report
from .what_if import what_if_active


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
    shape = skeleton(scenario, budget)
    problem: Problem = build_problem(scenario, budget, shape)
    leave_out_slack(problem, scenario, shape)
    distribution = scenario.site.distribution
    probes: dict[int, float] = {}  # optimized/strict: what-if answers from the same pass
    solution = solve(problem, distribution, probes)
    solver = solution.solver
    assert solver is not None
    what_if = what_if_active(problem, distribution, solver, probes)
    loads = explain_loads(scenario, solver, what_if, resting)
    if served is not configured:  # some loads are thermal
        for load, raw in zip(scenario.loads, configured, strict=True):
            if load.thermal is not None:
                loads[load.id]["thermal"] = thermal_report(raw, load)
    return {"loads": loads, "site": site_report(scenario, budget, problem, solution.current_a)}


def allocate(scenario: Mapping[str, Any]) -> dict[str, Any]:
    """Split the site's power between its loads.

    ``scenario`` follows the YAML schema of ``docs/scenario-format.md`` (already
    parsed). Returns ``{"loads": {id: {"current_a", "reason", "available_a"}},
    "site": {...}}``. Raises :class:`ScenarioError` on invalid input.
    """
    return allocate_scenario(parse_scenario(scenario))
