"""Phase switching in the engine: properties over random sites (hypothesis).

A load that may switch gets the phase count that serves it best, never past a
hard limit on any phase, and a 1-phase allocation leaves the other phases alone.
"""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.dynamic_ocpp_evse.engine import ScenarioError, allocate

from .checkers import assert_hard_limits, assert_mode_rules
from .strategies import scenarios

FAST = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def switching_scenarios(draw: Any) -> dict[str, Any]:
    """Random sites in which some 3-phase chargers and variable loads may switch."""
    scenario = draw(scenarios())
    rnd = random.Random(draw(st.integers(0, 2**32)))
    site_phases = list(scenario["site"]["grid_current_a"])
    for load in scenario.get("loads") or []:
        three = len(load.get("phases") or site_phases) == 3
        if three and load.get("kind", "evse") != "plug" and rnd.random() < 0.5:
            legs = load.get("phases") or site_phases
            load["phase_switching"] = {
                "one_phase": rnd.choice(legs),
                "mode": rnd.choice(["auto", "auto", "1", "3"]),
                "active_phases": rnd.choice([1, 3]),
            }
    return scenario


def _switching(scenario: dict[str, Any]) -> list[dict[str, Any]]:
    return [x for x in scenario.get("loads") or [] if "phase_switching" in x]


@FAST
@given(switching_scenarios())
def test_hard_limits_hold_on_the_chosen_phases(scenario: dict[str, Any]) -> None:
    """Breaker per phase, circuits, units, import: with each load on its chosen count."""
    result = allocate(scenario)
    for load in _switching(scenario):
        assert result["loads"][load["id"]]["phases"] in (1, 3)
    assert_hard_limits(scenario, result)
    assert_mode_rules(scenario, result)


@FAST
@given(switching_scenarios())
def test_the_choice_is_never_worse_for_the_load(scenario: dict[str, Any]) -> None:
    """A switching load (auto, not eco; the others fixed) gets at least what the other
    count would give it, within one 0.1 A step on three legs."""
    auto = [x for x in _switching(scenario) if x["phase_switching"]["mode"] == "auto"]
    if not auto:
        return
    first = auto[0]
    for load in auto[1:]:
        load["phase_switching"]["mode"] = str(load["phase_switching"]["active_phases"])
    if first.get("mode", "standard") == "eco" or not first.get("active", True):
        return
    result = allocate(scenario)
    voltage = float(scenario["site"]["voltage"])
    chosen = result["loads"][first["id"]]
    other = 1 if chosen["phases"] == 3 else 3
    forced = copy.deepcopy(scenario)
    for load in forced["loads"]:
        if load["id"] == first["id"]:
            load["phase_switching"]["mode"] = str(other)
    alt = allocate(forced)["loads"][first["id"]]
    tolerance = 0.1 * 3 * voltage + 1e-6
    got_w = chosen["current_a"] * chosen["phases"] * voltage
    assert got_w + tolerance >= alt["current_a"] * other * voltage


def test_a_one_phase_allocation_leaves_the_other_phases_untouched() -> None:
    scenario = {
        "site": {
            "voltage": 230,
            "main_breaker_a": 25,
            "grid_current_a": {"A": 24, "B": 0, "C": 24},
        },
        "loads": [
            {"id": "car", "min_a": 6, "max_a": 32, "phase_switching": {"one_phase": "B"}},
        ],
    }
    result = allocate(scenario)
    assert result["loads"]["car"]["phases"] == 1
    assert result["loads"]["car"]["current_a"] == 25.0
    assert result["site"]["allocated_a"] == {"A": 0.0, "B": 25.0, "C": 0.0}


def test_a_load_without_switching_reports_no_phase_fields() -> None:
    scenario = {
        "site": {"voltage": 230, "main_breaker_a": 25, "grid_current_a": {"A": 0, "B": 0, "C": 0}},
        "loads": [{"id": "car", "min_a": 6, "max_a": 16}],
    }
    assert "phases" not in allocate(scenario)["loads"]["car"]


def test_switching_needs_three_phases() -> None:
    scenario = {
        "site": {"voltage": 230, "main_breaker_a": 25, "grid_current_a": {"A": 0, "B": 0, "C": 0}},
        "loads": [{"id": "car", "max_a": 16, "phases": ["A"], "phase_switching": True}],
    }
    with pytest.raises(ScenarioError) as caught:
        allocate(scenario)
    assert caught.value.field == "loads[0].phase_switching"
