"""Every bundled day, whole, in closed loop with the real controller.

Noise and dropouts on, the bundled 5 s step: these are the days the targets
of the controller are judged on (docs/performance.md). A day takes about ten
seconds, so each runs once per test session.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from custom_components.dynamic_ocpp_evse.engine.simulate import (
    compute_metrics,
    load_day,
    run_day,
)
from custom_components.dynamic_ocpp_evse.engine.simulate.series import parse_time

DAYS = Path(__file__).resolve().parents[2] / "benchmarks" / "days"
NAMES = (
    "sunny_summer_solar",
    "cloudy_spring_two_cars",
    "winter_evening_cooking",
    "cloudy_autumn_phase_switching",
    "cloudy_autumn_three_phase",
    "winter_night_plan",
    "spring_day_plan",
    "sunny_autumn_thermal",
)
_RUNS: dict[str, tuple[Any, dict[str, Any]]] = {}


def simulated(name: str) -> tuple[Any, dict[str, Any]]:
    """The trace and metrics of a whole bundled day (run once per session)."""
    if name not in _RUNS:
        trace = run_day(load_day(DAYS / f"{name}.yaml"))
        _RUNS[name] = (trace, compute_metrics(trace))
    return _RUNS[name]


def test_every_bundled_day_is_covered() -> None:
    assert {p.stem for p in DAYS.glob("*.yaml")} == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_energy_balance_closes(name: str) -> None:
    """grid import - export = house + managed + battery charge - discharge - solar."""
    _, metrics = simulated(name)
    balance = metrics["energy_balance"]
    assert balance["house_kwh"] > 0
    assert balance["balance_error_share"] < 0.01


@pytest.mark.parametrize("name", NAMES)
def test_energy_to_each_car_is_what_the_plant_delivered(name: str) -> None:
    trace, metrics = simulated(name)
    for load_id, figures in metrics["loads"].items():
        if load_id in trace.thermal:
            assert figures["energy_kwh"] == pytest.approx(trace.thermal[load_id]["heat_kwh"])
            continue
        delivered = sum(v.delivered_kwh for v in trace.visits if v.car.load == load_id)
        assert figures["energy_kwh"] == pytest.approx(delivered, abs=1e-3)
        assert figures["energy_kwh"] <= figures["need_kwh"] + 0.01
    assert sum(m["energy_kwh"] for m in metrics["loads"].values()) > 1.0


@pytest.mark.parametrize("name", NAMES)
def test_no_overload_episode_lasts_longer_than_15s(name: str) -> None:
    """The issue's safety target, with sensor noise on, on every bundled day."""
    _, metrics = simulated(name)
    safety = metrics["safety"]
    assert safety["episodes_over_15s"] == 0, safety["long_episodes"]
    assert safety["longest_episode_s"] <= 15.0


def test_sunny_day_has_no_overload_and_captures_the_surplus() -> None:
    _, metrics = simulated("sunny_summer_solar")
    assert metrics["safety"]["seconds_over_breaker"] == 0
    assert metrics["surplus"]["captured_share"] >= 0.97


def test_thermal_day_stores_surplus_as_heat_and_keeps_comfort() -> None:
    """Tank and room: no comfort-band violation, never past a safety limit, and about
    half the surplus stored (all the two devices can take, see docs/performance.md)."""
    _, metrics = simulated("sunny_autumn_thermal")
    for figures in metrics["thermal"].values():
        assert figures["comfort_violation_s"] == 0
        assert figures["past_limit_s"] == 0
    assert metrics["thermal"]["tank"]["highest_c"] >= 69.0  # boosted to its 70 C
    assert metrics["thermal"]["room"]["highest_c"] > 22.0  # pre-heated
    assert metrics["surplus"]["captured_share"] >= 0.45
    assert metrics["safety"]["seconds_over_breaker"] == 0


def test_cloudy_day_starts_and_stops_each_car_at_most_four_times() -> None:
    _, metrics = simulated("cloudy_spring_two_cars")
    assert {i: m["transitions"] <= 4 for i, m in metrics["loads"].items()} == {
        "car_std": True,
        "car_eco": True,
    }


def test_winter_cooking_forces_overload_handling() -> None:
    """The oven and hob really push the site over: the day tests the reaction."""
    _, metrics = simulated("winter_evening_cooking")
    assert metrics["safety"]["episodes"] > 0
    assert metrics["safety"]["longest_episode_s"] <= 15.0


def test_phase_switching_charges_from_surplus_a_three_phase_charger_exports() -> None:
    """The same cloudy day: surplus mostly between 1.4 and 4.1 kW. Switching to one
    phase uses it; a 3-phase-only charger cannot start below 4.1 kW."""
    _, switching = simulated("cloudy_autumn_phase_switching")
    _, fixed = simulated("cloudy_autumn_three_phase")
    captured, captured_fixed = (m["surplus"]["captured_kwh"] for m in (switching, fixed))
    assert captured > 3 * captured_fixed
    assert switching["surplus"]["captured_share"] >= 0.85
    assert switching["grid_export_kwh"] < fixed["grid_export_kwh"] / 2
    assert 1 <= switching["loads"]["car"]["phase_switches"] <= 8  # a handful a day
    assert fixed["loads"]["car"]["phase_switches"] == 0


@pytest.mark.parametrize("name", NAMES)
def test_commands_are_sent_only_on_change_or_refresh(name: str) -> None:
    _, metrics = simulated(name)
    for figures in metrics["loads"].values():
        assert figures["commands_sent"] > 0
        assert figures["sends_unjustified"] == 0


def test_a_day_is_deterministic_for_its_seed() -> None:
    day = load_day(DAYS / "cloudy_spring_two_cars.yaml")
    window = day.window(parse_time("18:15", "s"), parse_time("18:45", "s"))
    first, second = run_day(window), run_day(window)
    assert compute_metrics(first) == compute_metrics(second)
    assert first.grid_a == second.grid_a
    assert first.command_a == second.command_a
    other = run_day(replace(window, options=replace(window.options, seed=999)))
    assert other.command_a != first.command_a
