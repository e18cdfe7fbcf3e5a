"""Deterministic tests of the Controller near its limits: overloads and raise holds.

A margin below the breaker, an overload corrected in the next step, the house peak
held after it, raises that wait for a calm minute or for a decrease they rely on.
"""

from __future__ import annotations

from typing import Any

from custom_components.dynamic_ocpp_evse.engine import Controller

from .controller_loop import PHASES, Loop, config, measure


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
