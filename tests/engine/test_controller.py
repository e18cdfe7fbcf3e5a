"""Deterministic tests of the Controller: what it sends, when, and how fast it moves.

Sending and re-sending, smoothing, ramps, the deadband, mode changes and inactive
loads. Overloads and raise holds: ``test_controller_holds.py``; pauses, grace,
stale inputs, the battery and ``off``: ``test_controller_states.py``.
"""

from __future__ import annotations

import copy

from custom_components.dynamic_ocpp_evse.engine import Controller

from .controller_loop import Loop, config, measure


def test_first_step_sends_and_unchanged_target_is_not_resent() -> None:
    loop = Loop(config())
    first = loop.step(5.0)
    assert first["send"] and first["current_a"] == 16.0
    assert [loop.step(5.0)["send"] for _ in range(5)] == [False] * 5


def test_refresh_resends_after_refresh_interval() -> None:
    cfg = config()
    cfg["site"]["refresh_s"] = 30
    loop = Loop(cfg)
    sends = [loop.step(5.0, dt=10)["send"] for _ in range(7)]
    # sent at t=0, then again once 30 s have passed (t=30), and at t=60
    assert sends == [True, False, False, True, False, False, True]


def test_increase_is_smoothed_and_ramped_per_second() -> None:
    loop = Loop(config())
    loop.step(15.0)  # 10 A free -> 10 A
    assert loop.draw == 10.0
    # The house drops to 5 A: headroom grows to 20 A, but increases are delayed
    after_one = loop.step(5.0, dt=1.0)
    assert 10.0 <= after_one["current_a"] < 16.0
    for _ in range(60):
        last = loop.step(5.0, dt=1.0)
    assert last["current_a"] == 16.0


def test_ramp_depends_on_elapsed_time_not_on_calls() -> None:
    cfg = config(ramp_up_a_per_s=0.5)
    cfg["site"]["smoothing_s"] = 0
    fast, slow = Loop(cfg), Loop(copy.deepcopy(cfg))
    fast.step(15.0, dt=1.0)
    slow.step(15.0, dt=4.0)
    for _ in range(4):
        fast.step(5.0, dt=1.0)
    slow_result = slow.step(5.0, dt=4.0)
    # 4 s at 0.5 A/s = +2 A in both cases
    assert fast.draw == slow_result["current_a"] == 12.0


def test_start_begins_at_minimum_and_ramps() -> None:
    cfg = config()
    cfg["site"]["smoothing_s"] = 0
    loop = Loop(cfg)
    loop.step(5.0, active=False)
    starts = [loop.step(5.0, dt=4.0)["current_a"] for _ in range(4)]
    # 1 A/s: start at 6 A (the minimum), then +4 A per 4 s step up to 16 A
    assert starts == [6.0, 10.0, 14.0, 16.0]


def test_small_increase_within_deadband_is_not_sent() -> None:
    cfg = config(deadband_a=1.0)
    cfg["site"]["smoothing_s"] = 0
    loop = Loop(cfg)
    loop.step(15.0)
    car = loop.step(14.5)  # 0.5 A more headroom: inside the 1 A deadband
    assert car["current_a"] == 10.0 and not car["send"]


def test_mode_change_applies_at_next_step() -> None:
    cfg = config("solar")
    controller = Controller(cfg)
    controller.step(measure(-3.0, 0.0), 0)
    assert controller.step(measure(-3.0, 0.0), 5)["loads"]["car"]["current_a"] == 0
    cfg["loads"][0]["mode"] = "standard"
    controller.update_config(cfg)
    result = controller.step(measure(-3.0, 0.0), 6)["loads"]["car"]
    assert result["current_a"] == 16.0 and result["send"]


def test_inactive_load_gets_zero() -> None:
    loop = Loop(config())
    loop.step(5.0)
    car = loop.step(5.0, active=False)
    assert car["current_a"] == 0 and car["reason"] == "inactive" and car["send"]


def test_meter_noise_within_half_the_margin_is_smoothed_not_followed() -> None:
    """Rises below margin_a / 2 are noise to every limit; larger rises count at once."""
    cfg = config("solar")
    cfg["site"].update(margin_a=1.0, smoothing_s=10)
    loop = Loop(cfg)
    assert loop.step(-10.0, dt=1.0)["current_a"] == 10.0
    # one reading 0.4 A higher (less export) moves the estimate by 10 % of it
    # (1 s of a 10 s time constant), not by all of it
    assert loop.step(-9.6, dt=1.0)["target_a"] == 9.9
    # a real 3 A rise is followed in the same step
    assert loop.step(-7.0, dt=1.0)["current_a"] == 7.0


def test_a_load_with_a_new_reading_keeps_every_other_field() -> None:
    from dataclasses import replace

    from custom_components.dynamic_ocpp_evse.engine.models import Kind, Load, Mode

    load = Load("p", Kind.PLUG, Mode.SOLAR, 3, 8.7, 8.7, ("B",), (0.0,), False, True, "u", 4)
    assert load.measured((8.5,), True) == replace(load, draw_a=(8.5,), active=True)
