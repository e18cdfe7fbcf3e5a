"""Planned minimums under random sites: hard limits hold, a floor never lowers a load."""

from __future__ import annotations

import copy
import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.dynamic_ocpp_evse.engine import allocate

from .checkers import assert_hard_limits
from .strategies import scenarios

FAST = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def planned(draw: Any) -> dict[str, Any]:
    scenario = draw(scenarios())
    rnd = random.Random(draw(st.integers(0, 2**32)))
    variable = [
        load
        for load in scenario.get("loads") or []
        if load.get("kind", "evse") != "plug" and "power_w" not in load
    ]
    if variable:  # one load with a plan (plans compete with each other like standard loads)
        rnd.choice(variable)["plan_floor_a"] = round(rnd.uniform(0.5, 40), 1)
    return scenario


@FAST
@given(planned())
def test_a_floor_never_breaks_a_hard_limit_nor_lowers_its_load(scenario: dict[str, Any]) -> None:
    result = allocate(scenario)
    assert_hard_limits(scenario, result)
    plain = copy.deepcopy(scenario)
    for load in plain.get("loads") or []:
        load.pop("plan_floor_a", None)
    before = allocate(plain)
    for load in scenario.get("loads") or []:
        if "plan_floor_a" in load and load.get("active", True):
            lid = str(load["id"])
            assert result["loads"][lid]["current_a"] >= before["loads"][lid]["current_a"] - 1e-9
