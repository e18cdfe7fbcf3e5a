"""The controller's snapshot across a restart: pauses, grace, boost and overload holds."""

from __future__ import annotations

import math
from typing import Any

import pytest

from custom_components.dynamic_ocpp_evse.engine import Controller

SITE: dict[str, Any] = {
    "site": {
        "voltage": 230,
        "main_breaker_a": 25,
        "grid_current_a": {"A": 0, "B": 0, "C": 0},
        "battery": {"soc": 50, "min_soc": 20, "target_soc": 80},
        "smoothing_s": 0,
    },
    "loads": [{"id": "car", "min_a": 6, "max_a": 16}],
}


def _step(controller: Controller, house: float, draw: float, now: float) -> dict[str, Any]:
    grid = dict.fromkeys("ABC", house + draw)
    return controller.step(
        {
            "site": {"grid_current_a": grid, "battery": {"soc": 60, "power_w": 0}},
            "loads": {"car": {"draw_a": [draw] * 3, "active": True}},
        },
        now,
    )


def _paused_controller() -> tuple[Controller, float]:
    controller = Controller(SITE)
    _step(controller, 2.0, 0.0, 0.0)
    assert _step(controller, 2.0, 16.0, 10.0)["loads"]["car"]["current_a"] == 16.0
    # The house takes 30 A: the car is stopped for power and its pause starts.
    result = _step(controller, 30.0, 16.0, 20.0)
    assert result["loads"]["car"]["current_a"] == 0.0
    return controller, 20.0


def test_a_restored_pause_runs_on_and_the_overload_floor_is_held() -> None:
    old, now = _paused_controller()
    saved = old.snapshot(now + 30.0)
    assert saved["loads"]["car"]["pause_s"] == pytest.approx(150.0)
    assert saved["overload_floor"]["A"]["house_a"] == pytest.approx(30.0)
    assert saved["battery"]["above_min"] is True

    # A new controller (other clock origin), 20 s of wall time later.
    new = Controller(SITE)
    new.restore(saved, 1000.0, 20.0)
    held = _step(new, 2.0, 0.0, 1000.0)["loads"]["car"]
    assert held["current_a"] == 0.0
    assert held["pause_s"] == pytest.approx(130.0)
    # The house current seen at the overload is still held as a floor.
    assert _step(new, 2.0, 0.0, 1131.0)["site"]["headroom_a"]["A"] < 25.0 - 2.0
    assert new.snapshot(1000.0)["battery"]["above_min"] is True


@pytest.mark.parametrize("elapsed", [-3 * 3600.0, math.nan, math.inf])
def test_a_clock_that_went_backwards_never_lengthens_a_pause(elapsed: float) -> None:
    old, now = _paused_controller()
    saved = old.snapshot(now)
    new = Controller(SITE)
    new.restore(saved, 0.0, elapsed)
    left = _step(new, 2.0, 0.0, 0.0)["loads"]["car"]["pause_s"]
    assert left <= 180.0


def test_a_clock_that_jumped_forwards_can_only_end_a_pause() -> None:
    old, now = _paused_controller()
    new = Controller(SITE)
    new.restore(old.snapshot(now), 0.0, 3 * 3600.0)
    assert _step(new, 2.0, 0.0, 0.0)["loads"]["car"]["pause_s"] == 0.0


@pytest.mark.parametrize(
    "junk",
    [
        None,
        5,
        "x",
        {"version": 99},
        {"version": 1, "loads": [1]},
        {"version": 1, "loads": {"car": {"pause_s": "soon", "commanded_a": math.nan}}},
        {"version": 1, "overload_floor": {"A": {"house_a": True, "hold_s": 10}}},
    ],
)
def test_an_unreadable_snapshot_is_ignored(junk: Any) -> None:
    fresh = Controller(SITE)
    fresh.restore(junk, 0.0, 0.0)
    assert _step(fresh, 2.0, 0.0, 0.0)["loads"]["car"]["current_a"] == 16.0
