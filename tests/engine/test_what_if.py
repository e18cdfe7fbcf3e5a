"""The what-if of inactive loads: answered from the part of the site each one can
influence, it must equal the re-solve of the whole site (the oracle) exactly.

Random sites from ``strategies.py`` with many loads made inactive; some get a
roomy breaker and no import cap so that only circuits and charger units are
tight and the sites fall apart into small parts (the case the local answer
exists for). Every answer the local path gives is compared with the oracle,
and the public ``available_a`` with what the load gets once woken.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.dynamic_ocpp_evse.engine import allocate, parse_scenario
from custom_components.dynamic_ocpp_evse.engine.constraints import build_problem
from custom_components.dynamic_ocpp_evse.engine.distribute import solve
from custom_components.dynamic_ocpp_evse.engine.headroom import site_budget
from custom_components.dynamic_ocpp_evse.engine.locality import Locality
from custom_components.dynamic_ocpp_evse.engine.models import Distribution
from custom_components.dynamic_ocpp_evse.engine.what_if import (
    left_out_answers,
    what_if_active,
    what_if_resolve,
)

from .checkers import assert_available_is_what_woken_gets
from .strategies import scenarios

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def sites_with_idle_loads(draw: Any, distribution: str | None = None) -> dict[str, Any]:
    """A random site where a drawn share (up to all) of the loads is inactive,
    half of the time with a breaker and import that leave room to spare."""
    scenario = draw(scenarios(distribution=distribution))
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    share = draw(st.sampled_from([0.1, 0.3, 0.5, 0.9]))
    for load in scenario["loads"]:
        load["active"] = rnd.random() >= share
    if draw(st.booleans()):
        scenario["site"]["main_breaker_a"] = 2000
        scenario["site"].pop("max_import_w", None)
    return scenario


def _problem(scenario: dict[str, Any]) -> tuple[Any, Distribution]:
    parsed = parse_scenario(scenario)
    budget = site_budget(parsed.site, parsed.loads)
    return build_problem(parsed, budget), parsed.site.distribution


@SETTINGS
@given(sites_with_idle_loads())
def test_what_if_equals_the_re_solve(scenario: dict[str, Any]) -> None:
    """Every mode: the engine's what-if answers are the re-solve's, load by load,
    on their own and as ``allocate`` gets them (from the solve's own pass)."""
    problem, distribution = _problem(scenario)
    oracle = what_if_resolve(problem, distribution)
    assert what_if_active(problem, distribution) == oracle
    probes: dict[int, float] = {}
    solved = solve(problem, distribution, probes).solver
    assert what_if_active(problem, distribution, solved, probes) == oracle


@SETTINGS
@given(sites_with_idle_loads())
def test_local_answers_equal_the_re_solve(scenario: dict[str, Any]) -> None:
    """The local path itself: each answer it gives (it declines when a loose limit
    would not stay loose) is the re-solve's."""
    for distribution in (Distribution.SHARED, Distribution.PRIORITY):
        scenario["site"]["distribution"] = distribution.value
        problem, _ = _problem(scenario)
        baseline = solve(problem, distribution).solver
        assert baseline is not None
        local = Locality(problem, baseline, distribution)
        oracle = what_if_resolve(problem, distribution)
        for i, expected in oracle.items():
            target = problem.active_target_a[i]
            if not (target > 0 and target >= problem.loads[i].min_a - 1e-9):
                continue  # never runnable: answered 0 before the local path
            found = local.answer(i)
            if found is not None:
                assert found == expected, (problem.loads[i].id, distribution.value)


@SETTINGS
@given(sites_with_idle_loads(), st.data())
def test_available_is_what_the_woken_load_gets(scenario: dict[str, Any], data: Any) -> None:
    """Through the public API: available_a of an inactive load is its current once active."""
    assert_available_is_what_woken_gets(allocate, scenario, data)


def test_a_car_park_answers_locally() -> None:
    """A car park of circuit trees with a roomy breaker: every idle bay is answered
    from its own circuit (no re-solve), identical rows are solved once, and the
    answers are the re-solve's."""
    loads = []
    circuits = []
    for row in range(6):
        ids = [f"bay{row}_{k}" for k in range(8)]
        circuits.append({"id": f"row{row}", "limit_a": 60, "members": ids})
        for k, load_id in enumerate(ids):
            loads.append(
                {"id": load_id, "min_a": 6, "max_a": 16, "priority": k % 3, "active": k % 3 != 2}
            )
    scenario = {
        "site": {
            "voltage": 230,
            "main_breaker_a": 1000,
            "grid_current_a": {"A": 5, "B": 5, "C": 5},
        },
        "loads": loads,
        "circuits": circuits,
    }
    for distribution in (Distribution.SHARED, Distribution.PRIORITY):
        scenario["site"]["distribution"] = distribution.value
        problem, _ = _problem(scenario)
        baseline = solve(problem, distribution).solver
        assert baseline is not None
        local = Locality(problem, baseline, distribution)
        oracle = what_if_resolve(problem, distribution)
        assert oracle  # the site has idle bays
        for i, expected in oracle.items():
            assert len(local.part(i)) == 8  # its own row
            assert local.answer(i) == expected
        # The six rows are the same: each idle bay's position in a row is solved once.
        assert len(local.solved) == 2
        answers = set(oracle.values())
        if distribution is Distribution.SHARED:
            # A woken bay joins its row's fair share: 60 A over 7 bays, more than 6 A.
            assert len(answers) == 1 and 6 < answers.pop() < 60 / 7
        else:
            # Its row's higher priorities take the rest: the woken bay gets its minimum.
            assert answers == {6.0}


def test_a_sequential_unit_joins_connectors_on_different_phases() -> None:
    """Connectors of a sequential unit share no phase limit, yet only one may run:
    the idle one's what-if must see the unit taken (found by hypothesis)."""
    scenario = {
        "site": {
            "voltage": 230,
            "main_breaker_a": 1000,
            "grid_current_a": {"A": 5, "B": 5, "C": 5},
        },
        "chargers": [{"id": "u", "max_a": 32, "concurrent": False}],
        "loads": [
            {"id": "left", "min_a": 6, "max_a": 16, "phases": ["A"], "charger": "u"},
            {"id": "right", "min_a": 6, "max_a": 16, "phases": ["B"], "charger": "u",
             "active": False},
            # outside the unit's part, so that the part is not the whole site
            # (a whole-site part is the re-solve itself)
            {"id": "other", "min_a": 6, "max_a": 16, "phases": ["C"]},
        ],
    }  # fmt: skip
    for distribution in (Distribution.SHARED, Distribution.PRIORITY):
        scenario["site"]["distribution"] = distribution.value
        problem, _ = _problem(scenario)
        baseline = solve(problem, distribution).solver
        assert baseline is not None
        local = Locality(problem, baseline, distribution)
        assert local.part(1) == [0, 1]
        assert local.answer(1) == what_if_resolve(problem, distribution)[1] == 0.0


def test_a_whole_site_part_is_the_re_solve_and_is_remembered() -> None:
    """A tight breaker joins every load into one part: solving the part would be
    re-solving the site, so the re-solve answers, and the same site asked again
    gets that answer back without solving."""
    scenario = {
        "site": {
            "voltage": 230,
            "main_breaker_a": 25,
            "grid_current_a": {"A": 5, "B": 5, "C": 5},
            "distribution": "shared",
        },
        "loads": [
            {"id": "a", "min_a": 6, "max_a": 16},
            {"id": "b", "min_a": 6, "max_a": 16},
            {"id": "idle", "min_a": 6, "max_a": 16, "active": False},
        ],
    }
    problem, distribution = _problem(scenario)
    baseline = solve(problem, distribution).solver
    assert baseline is not None
    oracle = what_if_resolve(problem, distribution)
    assert oracle[2] == 6.6  # 20 A over three: 6.6 A (the 0.2 A left go to a and b)
    assert what_if_active(problem, distribution, baseline) == oracle
    again = Locality(problem, baseline, distribution)
    assert again.part(2) == [0, 1, 2]
    assert again.answer(2) == oracle[2]


@SETTINGS
@given(sites_with_idle_loads())
def test_answers_from_the_reservation_are_the_re_solve(scenario: dict[str, Any]) -> None:
    """``shared``/``priority``: an idle load whose minimum would not be reserved
    is answered from the solve's own pass; each such answer is the re-solve's."""
    for distribution in (Distribution.SHARED, Distribution.PRIORITY):
        scenario["site"]["distribution"] = distribution.value
        problem, _ = _problem(scenario)
        oracle = what_if_resolve(problem, distribution)
        for i, amps in _from_the_reservation(problem, distribution).items():
            assert amps == oracle[i], (problem.loads[i].id, distribution.value)


def _from_the_reservation(problem: Any, distribution: Distribution) -> dict[int, float]:
    """The what-if answers the solve's own reservation pass gives."""
    probes: dict[int, float] = {}
    solver = solve(problem, distribution, probes).solver
    assert solver is not None and solver.fits is not None
    return left_out_answers(problem, distribution, solver.fits, probes)


def test_a_full_car_park_answers_late_arrivals_from_the_reservation() -> None:
    """Ten cars share 40 A: the first six in order get their 6 A minimum reserved,
    so a woken car behind them does not fit. In ``shared`` it would get nothing;
    in ``priority`` what is left when its turn comes. Both come from the solve's
    own pass (no part solved, no re-solve) and equal the re-solve; a woken car
    ahead of the others (priority 0) is not answered there."""
    loads = [
        {"id": f"car{k}", "min_a": 6, "max_a": 16, "phases": ["A"], "priority": 1 + k % 2}
        for k in range(8)
    ]
    loads += [
        {"id": "late", "min_a": 6, "max_a": 16, "phases": ["A"], "priority": 3, "active": False},
        {"id": "vip", "min_a": 6, "max_a": 16, "phases": ["A"], "priority": 0, "active": False},
    ]
    scenario = {
        "site": {"voltage": 230, "main_breaker_a": 45, "grid_current_a": {"A": 5, "B": 0, "C": 0}},
        "loads": loads,
    }
    for distribution in (Distribution.SHARED, Distribution.PRIORITY):
        scenario["site"]["distribution"] = distribution.value
        problem, _ = _problem(scenario)
        known = _from_the_reservation(problem, distribution)
        oracle = what_if_resolve(problem, distribution)
        assert set(known) == {8}, distribution  # late, not vip
        assert known[8] == oracle[8] == 0.0
        assert oracle[9] >= 6.0  # vip comes first: its minimum is reserved
        assert what_if_active(problem, distribution, None, None) == oracle
