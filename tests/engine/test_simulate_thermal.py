"""The simulated tank and room: heat balance, the heater's own safety cut-out, draw-offs,
and the bundled thermal day's morning (two showers) kept in the comfort band."""

from __future__ import annotations

from pathlib import Path

import pytest

from custom_components.dynamic_ocpp_evse.engine.scenario import parse_scenario
from custom_components.dynamic_ocpp_evse.engine.simulate import compute_metrics, load_day, run_day
from custom_components.dynamic_ocpp_evse.engine.simulate.series import parse_time
from custom_components.dynamic_ocpp_evse.engine.simulate.thermal_plant import (
    ThermalSpec,
    ThermalSpecError,
    ThermalUnit,
    parse_thermal_specs,
)

DAY = Path(__file__).resolve().parents[2] / "benchmarks" / "days" / "sunny_autumn_thermal.yaml"


def _tank(limit_c: float = 75.0) -> ThermalUnit:
    scenario = parse_scenario(
        {
            "site": {"voltage": 230, "main_breaker_a": 25, "grid_current_a": {"A": 0}},
            "loads": [
                {
                    "id": "tank",
                    "kind": "thermal",
                    "power_w": 2300,
                    "thermal": {"target_c": 45, "hysteresis_c": 3, "limit_c": limit_c},
                }
            ],
        }
    )
    spec = ThermalSpec(
        start_c=50,
        capacity_kwh_per_c=0.23,
        loss_w_per_c=0.0,
        ambient_c=20,
        drawoffs=((3600.0, 0.46),),
    )
    return ThermalUnit(scenario.loads[0], spec, spec.start_c)


def test_heater_energy_becomes_heat() -> None:
    unit = _tank()
    unit.setpoint_a = 10.0  # 2300 W
    for k in range(600):
        unit.advance(float(k), 1.0, 230)
    # 2300 W x 600 s = 0.3833 kWh into 0.23 kWh/C: +1.667 C
    assert unit.temperature_c == pytest.approx(50 + 2300 * 600 / 3.6e6 / 0.23, abs=1e-6)
    assert unit.heat_kwh == pytest.approx(0.38333, abs=1e-4)


def test_the_heaters_own_thermostat_cuts_out_at_the_limit() -> None:
    unit = _tank(limit_c=51.0)
    unit.setpoint_a = 10.0
    for k in range(3000):
        unit.advance(float(k), 1.0, 230)
    assert unit.temperature_c < 51.0 + 0.01  # one second's heating past the limit at most
    assert unit.current_a == 0.0


def test_a_drawoff_takes_its_heat_over_ten_minutes() -> None:
    unit = _tank()
    for k in range(3600, 3600 + 600):
        unit.advance(float(k), 1.0, 230)
    assert unit.drawoff_kwh == pytest.approx(0.46)
    assert unit.temperature_c == pytest.approx(48.0)  # 0.46 kWh / 0.23 kWh/C = 2 C


def test_every_thermal_load_needs_its_physics() -> None:
    scenario = parse_scenario(
        {
            "site": {"voltage": 230, "main_breaker_a": 25, "grid_current_a": {"A": 0}},
            "loads": [
                {
                    "id": "tank",
                    "kind": "thermal",
                    "power_w": 2000,
                    "thermal": {"target_c": 45, "limit_c": 75},
                }
            ],
        }
    )
    with pytest.raises(ThermalSpecError, match="thermal.tank"):
        parse_thermal_specs({}, scenario.loads)
    with pytest.raises(ThermalSpecError, match="thermal.car"):
        parse_thermal_specs({"car": {"start_c": 20}}, scenario.loads)


def test_thermal_day_morning_showers_stay_in_the_band() -> None:
    """06:00-08:30: two showers; the tank (eco) is kept at or above 42 C, never above 75 C."""
    day = load_day(DAY).window(parse_time("06:00", "start"), parse_time("08:30", "end"))
    metrics = compute_metrics(run_day(day))
    tank = metrics["thermal"]["tank"]
    assert tank["drawoff_kwh"] == pytest.approx(2.2)
    assert tank["comfort_violation_s"] == 0
    assert tank["past_limit_s"] == 0 and tank["highest_c"] <= 75.0
    assert metrics["thermal"]["room"]["comfort_violation_s"] == 0
    assert metrics["safety"]["seconds_over_breaker"] == 0
