"""Properties of generic (watt-described) and thermal loads, alone and mixed with chargers.

- every hard limit holds and the remainder is served in order, with thermal loads
  judged in the mode their temperature puts them in;
- a thermal load at or past its safety limit never gets power, whatever the surplus;
- a thermal load that needs comfort comes before every surplus load, whatever the
  priority numbers (mode-aware priority across kinds);
- in the controller, minimum on and off times hold, a safety limit is never
  overridden by a minimum on time.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.dynamic_ocpp_evse.engine import Controller, allocate

from .checkers import assert_hard_limits, assert_mode_rules
from .checkers_rules import assert_served_in_order
from .strategies import scenarios

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _thermal_block(rnd: random.Random) -> dict[str, Any]:
    cooling = rnd.random() < 0.3
    sign = -1.0 if cooling else 1.0
    target = 21.0 if cooling else rnd.choice([21.0, 45.0, 55.0])
    hyst = rnd.choice([0.5, 1.0, 3.0])
    boost = target + sign * (hyst + rnd.choice([0.0, 2.0, 10.0]))
    limit = boost + sign * rnd.choice([0.0, 1.0, 5.0])
    temp = target + sign * rnd.uniform(-8.0, 16.0)
    return {
        "cooling": cooling,
        "temperature_c": round(temp, 2),
        "target_c": target,
        "hysteresis_c": hyst,
        "boost_c": boost,
        "limit_c": limit,
        "heating_now": rnd.random() < 0.5,
        "ambient_c": rnd.choice([5.0, 15.0, 30.0]),
        "horizon_h": rnd.choice([0.0, 0.5, 2.0]),
    }


@st.composite
def mixed_scenarios(draw: Any, distribution: str | None = None) -> dict[str, Any]:
    """Random sites where some loads become thermal loads and some watt-described loads."""
    scenario = draw(scenarios(max_loads=20, distribution=distribution))
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    volts = scenario["site"]["voltage"]
    for load in scenario["loads"]:
        if load.get("charger") is not None:
            continue
        roll = rnd.random()
        legs = len(load["phases"])
        if roll < 0.3:
            load["kind"] = "thermal"
            load.pop("max_a", None)
            load.pop("min_a", None)
            load["power_w"] = float(rnd.randint(500, 4000))
            load["thermal"] = _thermal_block(rnd)
        elif roll < 0.5:
            load["kind"] = "load"
            max_w = load.pop("max_a", 10.0) * volts * legs
            load.pop("min_a", None)
            load.pop("power_w", None)
            load["max_w"] = round(max_w)
            load["min_w"] = round(max_w * rnd.choice([0.0, 0.2, 0.5]))
            load["step_w"] = rnd.choice([0, 50, 250])
    return scenario


@FAST
@given(mixed_scenarios())
def test_mixed_kinds_keep_every_hard_limit(scenario: dict[str, Any]) -> None:
    result = allocate(scenario)
    assert_hard_limits(scenario, result)
    assert_mode_rules(scenario, result)


@FAST
@given(mixed_scenarios(distribution="priority"))
def test_mixed_kinds_served_in_order(scenario: dict[str, Any]) -> None:
    assert_served_in_order(scenario, allocate(scenario))


@FAST
@given(mixed_scenarios())
def test_never_past_a_safety_limit(scenario: dict[str, Any]) -> None:
    result = allocate(scenario)
    for load in scenario["loads"]:
        th = load.get("thermal")
        if th is None:
            continue
        sign = -1.0 if th["cooling"] else 1.0
        if sign * th["temperature_c"] >= sign * th["limit_c"]:
            got = result["loads"][load["id"]]
            assert got["current_a"] == 0, f"{load['id']} runs at {th['temperature_c']} C"
            expected = "safety_limit" if load["active"] else "inactive"
            assert got["reason"] == ("off" if load["mode"] == "off" else expected)


@FAST
@given(
    st.integers(0, 5),
    st.lists(st.sampled_from(["eco", "solar", "excess"]), min_size=1, max_size=4),
    st.floats(0, 40),
)
def test_comfort_need_before_surplus_loads(
    tank_priority: int, modes: list[str], export_a: float
) -> None:
    """A cold tank in eco mode is served before chargers and loads in surplus modes,
    even those with a lower (earlier) priority number."""
    loads: list[dict[str, Any]] = [
        {"id": f"x{i}", "mode": mode, "priority": 0, "min_a": 6, "max_a": 32}
        for i, mode in enumerate(modes)
    ]
    tank = {
        "id": "tank",
        "kind": "thermal",
        "mode": "eco",
        "priority": tank_priority,
        "power_w": 3000,
        "phases": ["A"],
        "thermal": {"temperature_c": 38, "target_c": 45, "hysteresis_c": 3, "limit_c": 80},
    }
    scenario = {
        "site": {
            "voltage": 230,
            "main_breaker_a": 25,
            "grid_current_a": {"A": -export_a, "B": -export_a, "C": -export_a},
            "distribution": "priority",
            "excess_threshold_w": 1000,
        },
        "loads": [*loads, tank],
    }
    result = allocate(scenario)
    assert result["loads"]["tank"]["current_a"] > 0  # 13 A fits the 25 A breaker alone
    assert_hard_limits(scenario, result)


def _plug_config(min_on_s: float, min_off_s: float) -> dict[str, Any]:
    return {
        "site": {
            "voltage": 230,
            "main_breaker_a": 63,
            "grid_current_a": {"A": 0},
            "margin_a": 0,
            "raise_hold_s": 0,
        },
        "loads": [
            {
                "id": "heater",
                "kind": "plug",
                "mode": "solar",
                "power_w": 2000,
                "grace_s": 0,
                "pause_s": 0,
                "min_on_s": min_on_s,
                "min_off_s": min_off_s,
            }
        ],
    }


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from([0.0, 60.0, 300.0]),
    st.sampled_from([0.0, 60.0, 300.0]),
    st.lists(st.floats(0, 4000), min_size=5, max_size=80),
)
def test_min_on_and_off_times_hold(
    min_on_s: float, min_off_s: float, surplus_w: list[float]
) -> None:
    """Whatever the surplus does, the plug stays on (off) at least its minimum time."""
    controller = Controller(_plug_config(min_on_s, min_off_s))
    draw, now, last_switch, state = 0.0, 0.0, None, False
    for watts in surplus_w:
        heater = _plug_step(controller, watts, draw, now)
        on = heater["current_a"] > 0
        if on != state:
            if last_switch is not None:
                held = min_on_s if state else min_off_s
                assert now - last_switch >= held, f"switched after {now - last_switch} s"
            last_switch, state = now, on
        draw = heater["current_a"]
        now += 20.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(60, 90), min_size=3, max_size=40))
def test_min_on_time_never_overrides_safety(temperatures: list[float]) -> None:
    """A running tank in its minimum on time still stops at its safety limit."""
    config = {
        "site": {"voltage": 230, "main_breaker_a": 63, "grid_current_a": {"A": 0}},
        "loads": [
            {
                "id": "tank",
                "kind": "thermal",
                "mode": "continuous",
                "power_w": 3000,
                "min_on_s": 3600,
                "thermal": {"target_c": 65, "hysteresis_c": 5, "limit_c": 75},
            }
        ],
    }
    controller = Controller(config)
    draw = 0.0
    for k, temp in enumerate(temperatures):
        measured = {"tank": {"draw_a": [draw], "active": True, "temperature_c": temp}}
        out = controller.step({"site": {"grid_current_a": {"A": draw}}, "loads": measured}, k * 10)
        draw = out["loads"]["tank"]["current_a"]
        if temp >= 75:
            assert draw == 0, f"runs at {temp} C"


def _plug_step(controller: Controller, surplus_w: float, draw: float, now: float) -> Any:
    grid = -surplus_w / 230 + draw
    measured = {
        "site": {"grid_current_a": {"A": grid}},
        "loads": {"heater": {"draw_a": [draw], "active": True}},
    }
    return controller.step(measured, now)["loads"]["heater"]


def test_min_on_time_keeps_a_plug_on_then_min_off_keeps_it_off() -> None:
    controller = Controller(_plug_config(300, 600))
    on = _plug_step(controller, 3000, 0.0, 0)
    assert on["current_a"] > 0
    draw = on["current_a"]
    kept = _plug_step(controller, 0, draw, 100)  # surplus gone after 100 s
    assert kept["current_a"] == draw and kept["reason"] == "min_on_time"
    off = _plug_step(controller, 0, draw, 301)
    assert off["current_a"] == 0
    waiting = _plug_step(controller, 3000, 0.0, 600)  # surplus back, 299 s after the stop
    assert waiting["current_a"] == 0 and waiting["reason"] == "min_off_time"
    assert _plug_step(controller, 3000, 0.0, 902)["current_a"] > 0


def test_heat_up_rate_is_learned_from_readings() -> None:
    """A tank heating twice as fast as its configured rate moves the learned rate up."""
    config = {
        "site": {"voltage": 230, "main_breaker_a": 63, "grid_current_a": {"A": 0}},
        "loads": [
            {
                "id": "tank",
                "kind": "thermal",
                "mode": "continuous",
                "power_w": 3000,
                "thermal": {
                    "target_c": 55,
                    "hysteresis_c": 5,
                    "limit_c": 80,
                    "rate_c_per_h": 10,
                    "ambient_c": 20,
                    "time_constant_h": 1000,
                },
            }
        ],
    }
    controller = Controller(config)
    temp, draw = 30.0, 0.0
    for k in range(40):  # 40 minutes at 20 C/h
        measured = {"tank": {"draw_a": [draw], "active": True, "temperature_c": temp}}
        out = controller.step({"site": {"grid_current_a": {"A": draw}}, "loads": measured}, k * 60)
        draw = out["loads"]["tank"]["current_a"]
        if draw > 0:
            temp += 20.0 / 60
    memory = controller._memory["tank"].thermal
    assert memory.rate_c_per_h is not None and 15.0 < memory.rate_c_per_h <= 20.5


def test_implausible_temperature_counts_as_missing() -> None:
    """NaN, text or 900 C from a tank's sensor: the tank rests and the reading is named."""
    config = {
        "site": {"voltage": 230, "main_breaker_a": 63, "grid_current_a": {"A": 0}},
        "loads": [
            {
                "id": "tank",
                "kind": "thermal",
                "mode": "continuous",
                "power_w": 3000,
                "thermal": {"target_c": 55, "hysteresis_c": 5, "limit_c": 80},
            }
        ],
    }
    controller = Controller(config)
    site = {"grid_current_a": {"A": 0.0}}
    cold = controller.step(
        {"site": site, "loads": {"tank": {"active": True, "temperature_c": 30}}}, 0
    )
    assert cold["loads"]["tank"]["current_a"] > 0
    for k, bad in enumerate([float("nan"), "warm", 900.0], start=1):
        out = controller.step(
            {"site": site, "loads": {"tank": {"active": True, "temperature_c": bad}}}, k * 10
        )
        assert out["loads"]["tank"]["current_a"] == 0
        assert out["loads"]["tank"]["reason"] == "temperature_unknown"
        assert "temperature.tank" in out["site"]["implausible"]
