"""The simulator's command line and its day-file validation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from custom_components.dynamic_ocpp_evse.engine.simulate import DayError, parse_day
from custom_components.dynamic_ocpp_evse.engine.simulate.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
SUNNY = ROOT / "benchmarks" / "days" / "sunny_summer_solar.yaml"
WINTER = ROOT / "benchmarks" / "days" / "winter_evening_cooking.yaml"
MODULE = "custom_components.dynamic_ocpp_evse.engine.simulate"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", MODULE, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_writes_metrics_json_and_a_png_plot(tmp_path: Path) -> None:
    out_json, out_png = tmp_path / "m.json", tmp_path / "p.png"
    args = ["--start", "17:15", "--end", "17:45", "--json", str(out_json), "--plot", str(out_png)]
    result = cli(str(WINTER), *args)
    assert result.returncode == 0, result.stderr
    metrics = json.loads(out_json.read_text())
    assert json.loads(result.stdout) == metrics
    assert metrics["window"] == ["17:15", "17:45"]
    assert metrics["loads"]["car"]["energy_kwh"] > 2.0  # 16 A x 3 x 230 V for ~25 min
    assert out_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _day_data() -> dict[str, Any]:
    data = yaml.safe_load(SUNNY.read_text())
    assert isinstance(data, dict)
    return data


def _broken(change: str) -> dict[str, Any]:
    data = _day_data()
    if change == "mode":
        data["loads"][0]["mode"] = "turbo"
    elif change == "house_phase":
        del data["house_w"]["C"]
    elif change == "car_load":
        data["cars"][0]["load"] = "nobody"
    elif change == "time":
        data["cars"][0]["arrive"] = 435  # what YAML makes of an unquoted 7:15
    elif change == "noise":
        data["options"]["noise_std_a"] = -1
    elif change == "series_order":
        data["solar_w"][1][0] = "00:00"
    elif change == "battery":
        data["battery"]["capacity_kwh"] = 0
    return data


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ("mode", "loads[0].mode"),
        ("house_phase", "house_w.C"),
        ("car_load", "cars[0].load"),
        ("time", "cars[0].arrive"),
        ("noise", "options.noise_std_a"),
        ("series_order", "solar_w[1]"),
        ("battery", "battery.capacity_kwh"),
    ],
)
def test_invalid_day_names_the_bad_field(change: str, field: str) -> None:
    with pytest.raises(DayError) as err:
        parse_day(_broken(change))
    assert err.value.field == field


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (yaml.safe_dump(_broken("mode")), ["loads[0].mode", "turbo"]),
        (yaml.safe_dump(_broken("time")), ["cars[0].arrive", "'07:15'"]),
        ("- just\n- a list\n", ["must be a mapping"]),
        ("site: [unclosed\n", ["not valid YAML"]),
    ],
)
def test_cli_rejects_an_invalid_day_with_exit_2_and_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, words: list[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    code = main([str(bad), "--json", str(tmp_path / "never.json")])
    assert code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert all(word in lines[0] for word in words)
    assert not (tmp_path / "never.json").exists()


def test_plan_option_charges_the_car_by_its_plan_and_plots_the_plan(tmp_path: Path) -> None:
    """`--plan car` on the winter plan day: the car's 30 kWh are in by 07:00, the
    plan is drawn (PNG written), and a plan that charges in the cheap night costs
    less than charging at once (the metrics' grid import is the same energy)."""
    day = ROOT / "benchmarks" / "days" / "winter_night_plan.yaml"
    out_png = tmp_path / "plan.png"
    result = cli(str(day), "--plan", "car", "--plot", str(out_png), "--step", "30")
    assert result.returncode == 0, result.stderr
    car = json.loads(result.stdout)["loads"]["car"]
    assert car["need_met"] is True
    assert car["energy_kwh"] >= car["need_kwh"] - 0.05
    assert out_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_planned_minimum_follows_the_cheap_night() -> None:
    """The plan the simulator records (and plots) puts the car's minimum in the
    cheapest hours (00-05 h), not in the 17-21 h peak."""
    from custom_components.dynamic_ocpp_evse.engine.simulate import load_day, run_day
    from custom_components.dynamic_ocpp_evse.engine.simulate.planning import (
        PlanningController,
        with_mode,
    )

    day = load_day(ROOT / "benchmarks" / "days" / "winter_night_plan.yaml")
    day = with_mode(day.window(None, None, 30.0), "solar", only="car")
    planner = PlanningController(day, "car", forecast=True)
    run_day(day, lambda _config: planner)
    peak = [a for t, a in planner.planned_a if 17 * 3600 <= t % 86400 < 21 * 3600]
    night = [a for t, a in planner.planned_a if 0 <= t % 86400 < 5 * 3600]
    assert peak and night
    assert max(peak) == 0.0
    assert sum(night) > 0.0


def test_plan_option_refuses_a_load_no_car_visits() -> None:
    result = cli(str(SUNNY), "--plan", "nobody")
    assert result.returncode == 2
    assert "--plan" in result.stderr
    assert "Traceback" not in result.stderr
