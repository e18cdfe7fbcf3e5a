"""Limits that can never bind are left out before solving (``slack.py``): the
split, reasons and what-ifs must be exactly those of the full set of limits,
whether they go because nested circuits cannot fill them or because a twin
limit on the same loads is always tighter."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from custom_components.dynamic_ocpp_evse.engine import allocate, parse_scenario
from custom_components.dynamic_ocpp_evse.engine.constraints import build_problem, skeleton
from custom_components.dynamic_ocpp_evse.engine.distribute import solve
from custom_components.dynamic_ocpp_evse.engine.headroom import site_budget
from custom_components.dynamic_ocpp_evse.engine.slack import leave_out_slack
from custom_components.dynamic_ocpp_evse.engine.what_if import what_if_resolve

from .strategies import scenarios


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios())
def test_leaving_out_slack_limits_changes_nothing(scenario: dict[str, Any]) -> None:
    """Same currents, binding limits and what-if answers with and without them;
    half of the sites get a roomy breaker so that limits really are left out."""
    for roomy in (False, True):
        if roomy:
            scenario["site"]["main_breaker_a"] = 2000
            scenario["site"].pop("max_import_w", None)
        parsed = parse_scenario(scenario)
        budget = site_budget(parsed.site, parsed.loads)
        distribution = parsed.site.distribution
        full = build_problem(parsed, budget)
        lean = build_problem(parsed, budget)
        leave_out_slack(lean, parsed, skeleton(parsed, budget))
        a = solve(full, distribution).solver
        b = solve(lean, distribution).solver
        assert a is not None and b is not None
        assert b.x == pytest.approx(a.x, abs=1e-6)
        for i in range(len(parsed.loads)):
            assert b.rooms(i, settled=True)[1:] == a.rooms(i, settled=True)[1:]
        assert what_if_resolve(lean, distribution) == pytest.approx(
            what_if_resolve(full, distribution), abs=1e-6
        )


def test_a_car_park_leaves_out_breaker_import_and_top_circuits() -> None:
    """Rows of bays under two levels of circuits and a roomy breaker: only the
    row circuits can bind, so the breaker, import and building circuits go."""
    loads, circuits = [], [{"id": "building", "limit_a": 200, "members": []}]
    for row in range(4):
        ids = [f"bay{row}_{k}" for k in range(6)]
        circuits.append({"id": f"row{row}", "limit_a": 40, "parent": "building", "members": ids})
        loads += [{"id": load_id, "min_a": 6, "max_a": 16} for load_id in ids]
    scenario = {
        "site": {
            "voltage": 230,
            "main_breaker_a": 400,
            "max_import_w": 400000,
            "grid_current_a": {"A": 5, "B": 5, "C": 5},
        },
        "loads": loads,
        "circuits": circuits,
    }
    parsed = parse_scenario(scenario)
    budget = site_budget(parsed.site, parsed.loads)
    problem = build_problem(parsed, budget)
    leave_out_slack(problem, parsed, skeleton(parsed, budget))
    names = {problem.resources[r].name for r, _ in problem.hard[0]}
    assert names == {"circuit:row0"}


def _same_with_and_without(scenario: dict[str, Any]) -> None:
    """Currents, binding limits, physical rooms and what-ifs: exactly (not within a
    tolerance) those of the full set of limits."""
    parsed = parse_scenario(scenario)
    budget = site_budget(parsed.site, parsed.loads)
    distribution = parsed.site.distribution
    full = build_problem(parsed, budget)
    lean = build_problem(parsed, budget)
    leave_out_slack(lean, parsed, skeleton(parsed, budget))
    a = solve(full, distribution).solver
    b = solve(lean, distribution).solver
    assert a is not None and b is not None
    assert b.x == a.x
    for i in range(len(parsed.loads)):
        assert b.rooms(i, settled=True) == a.rooms(i, settled=True)
    assert what_if_resolve(lean, distribution) == what_if_resolve(full, distribution)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(scenarios(all_phases=True))
def test_twin_limits_change_nothing(scenario: dict[str, Any]) -> None:
    """Every load on every phase: the breaker phases are twins (and the import limit
    with them, per amp), and only the tightest is kept. Half of the sites read
    the same current on every phase, so that twins tie exactly."""
    _same_with_and_without(scenario)
    grid = scenario["site"]["grid_current_a"]
    first = next(iter(grid.values()))
    scenario["site"]["grid_current_a"] = dict.fromkeys(grid, first)
    _same_with_and_without(scenario)


def test_an_all_three_phase_site_keeps_only_its_tightest_breaker_phase() -> None:
    """Three-phase chargers only: phase B carries the most house load, so it is the
    only breaker phase the solver reads; the import limit, looser per amp, goes
    too, and the chargers still name phase B."""
    scenario = {
        "site": {
            "voltage": 230,
            "main_breaker_a": 32,
            "max_import_w": 40000,
            "grid_current_a": {"A": 4, "B": 9, "C": 5},
            "distribution": "shared",
        },
        "loads": [{"id": f"car{k}", "min_a": 6, "max_a": 16} for k in range(3)],
    }
    parsed = parse_scenario(scenario)
    budget = site_budget(parsed.site, parsed.loads)
    problem = build_problem(parsed, budget)
    leave_out_slack(problem, parsed, skeleton(parsed, budget))
    assert [problem.resources[r].name for r, _ in problem.hard[0]] == ["breaker_phase_B"]
    result = allocate(scenario)
    assert {load["reason"] for load in result["loads"].values()} == {"breaker_phase_B"}
    assert [load["current_a"] for load in result["loads"].values()] == [7.7, 7.7, 7.6]
