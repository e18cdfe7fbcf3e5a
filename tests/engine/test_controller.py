"""Deterministic tests of every stability rule of the Controller."""

from __future__ import annotations

import copy
from typing import Any

from custom_components.dynamic_ocpp_evse.engine import Controller

PHASES = ("A", "B", "C")


def config(mode: str = "standard", **load_keys: Any) -> dict[str, Any]:
    load = {"id": "car", "mode": mode, "min_a": 6, "max_a": 16, **load_keys}
    return {
        "site": {
            "voltage": 230,
            "main_breaker_a": 25,
            "grid_current_a": {"A": 0, "B": 0, "C": 0},
            "distribution": "priority",
            "margin_a": 0,
            "raise_hold_s": 0,
        },
        "loads": [load],
    }


def measure(house_a: float, draw_a: float, active: bool = True) -> dict[str, Any]:
    """House current per phase plus the car's draw, as the grid meter sees it."""
    return {
        "site": {"grid_current_a": dict.fromkeys(PHASES, house_a + draw_a)},
        "loads": {"car": {"draw_a": [draw_a] * 3, "active": active}},
    }


class Loop:
    """Closed loop where the car draws exactly what was commanded last step."""

    def __init__(self, cfg: dict[str, Any]) -> None:
        self.controller = Controller(cfg)
        self.draw = 0.0
        self.now = 0.0

    def step(self, house_a: float, dt: float = 5.0, **kw: Any) -> dict[str, Any]:
        result = self.controller.step(measure(house_a, self.draw, **kw), self.now)
        self.now += dt
        car = result["loads"]["car"]
        self.draw = car["current_a"]
        return car


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


def test_margin_keeps_amps_free_below_the_breaker() -> None:
    cfg = config()
    cfg["site"]["margin_a"] = 1.0
    loop = Loop(cfg)
    assert loop.step(15.0)["current_a"] == 9.0  # 25 - 1 margin - 15 house


def test_overload_is_corrected_in_the_very_next_step() -> None:
    loop = Loop(config())
    assert loop.step(5.0)["current_a"] == 16.0
    car = loop.step(20.0)  # cooking: house jumps to 20 A per phase
    assert car["send"] and car["current_a"] <= 25 - 20
    assert car["reason"] == "breaker_phase_A"


def test_after_an_overload_the_house_peak_is_held() -> None:
    cfg = config()
    cfg["site"].update(smoothing_s=0, overload_hold_s=120)
    loop = Loop(cfg)
    assert loop.step(5.0)["current_a"] == 16.0
    assert loop.step(15.0)["current_a"] == 10.0  # oven on: 31 A on the meter, cut now
    assert loop.step(15.0)["current_a"] == 10.0  # still on 5 s later
    held = [loop.step(5.0, dt=10)["current_a"] for _ in range(11)]  # oven off again
    assert held == [10.0] * 11  # no raise back into the next oven cycle
    for _ in range(3):
        loop.step(5.0, dt=10)
    assert loop.draw == 16.0  # hold over: back to full current


def test_near_the_breaker_increases_wait_for_the_recent_peak() -> None:
    cfg = config()
    cfg["site"].update(smoothing_s=0, raise_hold_s=60)
    loop = Loop(cfg)
    assert loop.step(15.0)["current_a"] == 10.0  # an oven on phase A..C: 15 A house
    held = [loop.step(5.0, dt=10)["current_a"] for _ in range(6)]  # oven off for 60 s
    assert held == [10.0] * 6  # no raise into the oven's next cycle
    assert loop.step(5.0)["current_a"] > 10.0  # a whole minute calm: raise


def test_surplus_increases_are_not_held() -> None:
    cfg = config("solar")
    cfg["site"].update(smoothing_s=0, raise_hold_s=60)
    loop = Loop(cfg)
    assert loop.step(-8.0)["current_a"] == 8.0
    assert loop.step(-12.0)["current_a"] == 12.0  # exporting phases: follow at once


def test_overload_floor_ignores_a_lagging_meter() -> None:
    """The car's reading drops before the meter does: no inflated house is held."""
    cfg = config()
    cfg["site"].update(smoothing_s=0, overload_hold_s=300, raise_hold_s=0)
    controller = Controller(cfg)
    controller.step(measure(5.0, 16.0), 0)
    # Meter still shows the car at 16 A (31 A on each phase) while the car reads 0 A
    lagging = {
        "site": {"grid_current_a": dict.fromkeys(PHASES, 31.0)},
        "loads": {"car": {"draw_a": [0.0] * 3, "active": True}},
    }
    assert controller.step(lagging, 2)["loads"]["car"]["current_a"] == 0.0
    controller.step(measure(15.0, 0.0), 4)  # the meter catches up: house really 15 A
    for t in range(10, 200, 10):
        result = controller.step(measure(15.0, 0.0), t)["loads"]["car"]
    assert result["current_a"] == 10.0  # held at the real 15 A house, not 31 A


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


def test_pause_after_stop_and_restart_needs_margin() -> None:
    cfg = config("solar", grace_s=0, pause_s=60)
    cfg["site"]["smoothing_s"] = 0
    loop = Loop(cfg)
    assert loop.step(-10.0)["current_a"] == 10.0  # 10 A surplus per phase
    stopped = loop.step(-3.0)  # surplus below the 6 A minimum
    assert stopped["current_a"] == 0 and stopped["pause_s"] == 60
    paused = loop.step(-10.0, dt=5)  # surplus back, but still paused
    assert paused["current_a"] == 0 and paused["reason"] == "paused"
    # After the pause, 6.2 A is not min + margin (6.6 A): stays off
    for _ in range(13):
        short = loop.step(-6.2, dt=5)
    assert short["current_a"] == 0 and short["reason"] == "restart_margin"
    assert loop.step(-7.0)["current_a"] == 0  # 6.2 A was seen in the last minute
    for _ in range(12):
        loop.step(-7.0, dt=5)
    assert loop.draw == 6.0  # a whole pause window with room: restarts at its minimum
    assert loop.step(-7.0)["current_a"] == 7.0  # then ramps to the surplus


def test_restart_waits_for_a_cycling_load_to_calm_down() -> None:
    """A hob cycling on and off does not toggle a car every pause."""
    cfg = config("standard", pause_s=60)
    loop = Loop(cfg)
    assert loop.step(5.0)["current_a"] == 16.0
    starts = 0
    for _minute in range(20):  # hob on (22 A house) for 30 s, off for 30 s
        for second in range(0, 60, 5):
            before = loop.draw
            loop.step(22.0 if second < 30 else 5.0)
            starts += before == 0 and loop.draw > 0
    assert starts == 0
    for _ in range(15):
        loop.step(5.0)
    assert loop.draw > 0  # calm for a whole window: charging again


def test_solar_grace_keeps_minimum_then_stops() -> None:
    cfg = config("solar", grace_s=20)
    cfg["site"]["smoothing_s"] = 0
    loop = Loop(cfg)
    loop.step(-10.0)
    graced = loop.step(-2.0)
    assert graced["current_a"] == 6.0 and graced["reason"] == "surplus_grace"
    assert graced["grace_s"] == 20
    loop.step(-2.0, dt=20)
    after = loop.step(-2.0)
    assert after["current_a"] == 0.0 and after["pause_s"] > 0


def test_grace_never_violates_a_hard_limit() -> None:
    cfg = config("solar", grace_s=300)
    cfg["site"]["smoothing_s"] = 0
    loop = Loop(cfg)
    loop.step(-10.0)
    spike = loop.step(22.0)  # only 3 A left on each phase
    assert spike["current_a"] == 0


def test_stale_grid_falls_to_safe_value_and_recovers() -> None:
    cfg = config()
    cfg["site"]["stale_after_s"] = 20
    controller = Controller(cfg)
    controller.step(measure(5.0, 0.0), 0)
    missing = {"site": {"grid_current_a": {"A": None, "B": None, "C": None}}, "loads": {}}
    assert controller.step(missing, 10)["loads"]["car"]["current_a"] == 16.0  # not stale yet
    stale = controller.step(missing, 25)
    assert stale["site"]["stale"] and stale["loads"]["car"]["current_a"] == 6.0
    assert stale["loads"]["car"]["reason"] == "stale_inputs"
    back = controller.step(measure(5.0, 6.0), 30)
    assert not back["site"]["stale"] and back["loads"]["car"]["current_a"] > 6.0


def test_no_raise_while_a_grid_reading_is_missing() -> None:
    cfg = config()
    cfg["site"]["smoothing_s"] = 0
    controller = Controller(cfg)
    assert controller.step(measure(15.0, 0.0), 0)["loads"]["car"]["current_a"] == 10.0
    dropout = measure(2.0, 10.0)
    dropout["site"]["grid_current_a"]["C"] = None  # A and B say there is room now
    car = controller.step(dropout, 5)["loads"]["car"]
    assert car["current_a"] == 10.0  # C is judged on its recent worst: no raise
    assert controller.step(measure(2.0, 10.0), 10)["loads"]["car"]["current_a"] > 10.0


def test_never_seen_grid_is_stale_from_the_start() -> None:
    result = Controller(config()).step({"site": {}, "loads": {}}, 0)
    assert result["site"]["stale"] and result["loads"]["car"]["current_a"] == 0


def test_battery_soc_hysteresis_on_target() -> None:
    cfg = config("solar")
    cfg["site"]["smoothing_s"] = 0
    cfg["site"]["battery"] = {"soc": 50, "min_soc": 20, "target_soc": 80}
    controller = Controller(cfg)

    def run(soc: float, t: float) -> float:
        m = measure(-10.0, 0.0)
        m["site"]["battery"] = {"soc": soc, "power_w": 0}
        return float(controller.step(m, t)["loads"]["car"]["current_a"])

    assert run(79, 0) == 0  # below target: the battery charges first
    assert run(80, 5) > 0  # reached target
    assert run(78, 10) > 0  # within 3 % hysteresis: keeps going
    assert run(76.5, 15) == 6.0  # left the band: surplus gone, grace keeps the minimum


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


def test_solar_load_does_not_run_on_the_battery_near_its_target() -> None:
    """Battery at 79 % discharging 2,760 W into the car: that is not solar surplus.

    The car draws 13 A per phase; the battery covers 4 A of it per phase, so the
    meter reads 0 and, with the car's draw added back, 13 A per phase seem to be
    exported. Only 9 A per phase (6,210 W) come from the sun.
    """
    cfg = config("solar")
    cfg["site"]["smoothing_s"] = 0
    cfg["site"]["battery"] = {"soc": 85, "min_soc": 20, "target_soc": 80}
    controller = Controller(cfg)
    fed = measure(-13.0, 13.0)
    fed["site"]["battery"] = {"soc": 85, "power_w": 2760}
    # 85 % >= target + 3: the spare discharge (5,000 - 2,760 W) may feed the car too
    assert controller.step(fed, 0)["loads"]["car"]["current_a"] == 16.0
    fed["site"]["battery"] = {"soc": 79, "power_w": 2760}
    car = controller.step(fed, 5)["loads"]["car"]
    assert car["current_a"] == 9.0 and car["reason"] == "solar_surplus"


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


def test_a_raise_waits_until_the_decrease_it_relies_on_has_happened() -> None:
    """Unplugging car1 frees the garage circuit; car2's raise waits for car1's draw to fall.

    Commands to two chargers arrive with different delays: raising car2 while car1
    still draws 14 A would put 30 A on a 20 A circuit for a few seconds.
    """
    cfg = config()
    cfg["site"]["smoothing_s"] = 0
    cfg["loads"] = [
        {"id": "car1", "min_a": 6, "max_a": 16, "priority": 1},
        {"id": "car2", "min_a": 6, "max_a": 16, "priority": 2, "ramp_up_a_per_s": 10},
    ]
    cfg["circuits"] = [{"id": "garage", "limit_a": 20, "members": ["car1", "car2"]}]
    controller = Controller(cfg)

    def step(now: float, car1: tuple[float, bool], car2: float) -> dict[str, Any]:
        draws = {"car1": car1[0], "car2": car2}
        m = {
            "site": {"grid_current_a": dict.fromkeys(PHASES, 2.0 + sum(draws.values()))},
            "loads": {
                "car1": {"draw_a": [car1[0]] * 3, "active": car1[1]},
                "car2": {"draw_a": [car2] * 3, "active": True},
            },
        }
        return dict(controller.step(m, now)["loads"])

    first = step(0, (0.0, True), 0.0)
    assert (first["car1"]["current_a"], first["car2"]["current_a"]) == (14.0, 6.0)
    # car1 is unplugged; its charger still reads 14 A this step
    unplugged = step(5, (14.0, False), 6.0)
    assert unplugged["car1"]["current_a"] == 0.0 and unplugged["car1"]["send"]
    assert unplugged["car2"]["current_a"] == 6.0
    assert unplugged["car2"]["reason"] == "raise_held"
    # car1's draw has fallen: now car2 may take the whole circuit
    later = step(10, (0.0, False), 6.0)
    assert later["car2"]["current_a"] == 16.0 and later["car2"]["send"]


def test_the_recent_house_peak_only_holds_raises_never_lowers() -> None:
    """An oven cycling next to a noisy, nearly balanced phase: no up-and-down."""
    cfg = config()
    cfg["site"].update(smoothing_s=0, raise_hold_s=60)
    loop = Loop(cfg)
    assert loop.step(15.0)["current_a"] == 10.0  # oven on: 15 A house
    commands = [loop.step(h)["current_a"] for h in (0.3, -0.3, 0.4, -0.2, 0.3, -0.4)]
    assert commands == [10.0] * 6  # oven off for 30 s: held, not raised and lowered
    for _ in range(8):
        last = loop.step(0.2)
    assert last["current_a"] == 16.0  # a whole calm minute: raised


def test_a_load_with_a_new_reading_keeps_every_other_field() -> None:
    from dataclasses import replace

    from custom_components.dynamic_ocpp_evse.engine.models import Kind, Load, Mode

    load = Load("p", Kind.PLUG, Mode.SOLAR, 3, 8.7, 8.7, ("B",), (0.0,), False, True, "u", 4)
    assert load.measured((8.5,), True) == replace(load, draw_a=(8.5,), active=True)


def test_off_stops_at_once_without_a_pause_and_resumes_when_switched_back() -> None:
    """Mode ``off`` is the user's stop: 0 A at the next step, no power pause afterwards,
    and a stale grid never brings an off load back to its minimum."""
    cfg = config("standard", pause_s=300)
    cfg["site"]["stale_after_s"] = 20
    loop = Loop(cfg)
    assert loop.step(5.0)["current_a"] == 16.0
    cfg["loads"][0]["mode"] = "off"
    loop.controller.update_config(cfg)
    missing = {"site": {"grid_current_a": {"A": None, "B": None, "C": None}}, "loads": {}}
    stale = loop.controller.step(missing, loop.now + 60)["loads"]["car"]
    assert stale["current_a"] == 0  # the safe value of an off load is 0, not its minimum
    loop.now += 65
    off = loop.step(5.0)
    assert off["current_a"] == 0 and off["reason"] == "off"
    loop.step(5.0)
    cfg["loads"][0]["mode"] = "standard"
    loop.controller.update_config(cfg)
    back = loop.step(5.0)
    assert back["current_a"] == 16.0 and back["send"]  # switched back: charges right away


def test_off_after_a_running_step_leaves_no_pause() -> None:
    cfg = config("standard", pause_s=300)
    loop = Loop(cfg)
    assert loop.step(5.0)["current_a"] == 16.0
    cfg["loads"][0]["mode"] = "off"
    loop.controller.update_config(cfg)
    off = loop.step(5.0)
    assert off["current_a"] == 0 and off["reason"] == "off" and off["send"]
    assert off["pause_s"] == 0  # not a stop for lack of power
