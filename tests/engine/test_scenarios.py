"""Scenario suite: every ``tests/scenarios/*.yaml`` gives its stated allocation.

Each file states, in its leading comments, the arithmetic behind its ``expect``
values. ``expect`` (and the optional ``expect_available``) are amps with a
tolerance of 0.1 A; ``expect_w`` watts (current x volts x legs) and
``expect_site`` site report values within 1 W; ``expect_reason`` must match
exactly. Every result must also respect all hard limits. Files under
``tests/scenarios/pending/`` are cases where the engine and the issue disagree; they are not run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from custom_components.dynamic_ocpp_evse.engine import allocate

from .checkers import assert_hard_limits, assert_mode_rules

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "scenarios"
FILES = sorted(SCENARIO_DIR.glob("*.yaml"))
MIN_FILES = 80
TOLERANCE_A = 0.1
TOLERANCE_W = 1.0


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name}: not a mapping"
    return data


def test_enough_scenarios() -> None:
    assert len(FILES) >= MIN_FILES, f"only {len(FILES)} scenario files in {SCENARIO_DIR}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#") and "Arithmetic" in text, f"{path.name}: no arithmetic comment"
    scenario = _load(path)
    expect = scenario.get("expect") or {}
    assert expect, f"{path.name}: no expect map"
    result = allocate(scenario)
    loads = result["loads"]
    for load_id, amps in expect.items():
        got = loads[str(load_id)]["current_a"]
        assert got == pytest.approx(amps, abs=TOLERANCE_A), f"{load_id}: {got} A, expected {amps}"
    for load_id, reason in (scenario.get("expect_reason") or {}).items():
        assert loads[str(load_id)]["reason"] == reason, f"{load_id}: reason"
    for load_id, amps in (scenario.get("expect_available") or {}).items():
        got = loads[str(load_id)]["available_a"]
        assert got == pytest.approx(amps, abs=TOLERANCE_A), f"{load_id}: available {got} A"
    volts = float(scenario["site"]["voltage"])
    for load_id, watts in (scenario.get("expect_w") or {}).items():
        raw = next(x for x in scenario["loads"] if str(x["id"]) == str(load_id))
        legs = len(raw.get("phases") or scenario["site"]["grid_current_a"])
        got_w = loads[str(load_id)]["current_a"] * volts * legs
        assert got_w == pytest.approx(watts, abs=TOLERANCE_W), f"{load_id}: {got_w} W"
    for key, value in (scenario.get("expect_site") or {}).items():
        assert result["site"][key] == pytest.approx(value, abs=TOLERANCE_W), f"site.{key}"
    for load_id, count in (scenario.get("expect_phases") or {}).items():
        assert loads[str(load_id)]["phases"] == count, f"{load_id}: phases"
    for load_id, reason in (scenario.get("expect_phase_reason") or {}).items():
        assert loads[str(load_id)]["phase_reason"] == reason, f"{load_id}: phase reason"
    for phase, amps in (scenario.get("expect_allocated_a") or {}).items():
        got = result["site"]["allocated_a"][phase]
        assert got == pytest.approx(amps, abs=TOLERANCE_A), f"phase {phase}: {got} A"
    assert_hard_limits(scenario, result)
    assert_mode_rules(scenario, result)
