"""Deterministic tests of the Controller's load states over time.

Pause after a stop and the restart margin, solar grace, stale and missing grid
readings, the home battery's target, and the user's ``off``.
"""

from __future__ import annotations

from custom_components.dynamic_ocpp_evse.engine import Controller

from .controller_loop import Loop, config, measure


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
