"""Phase switching over time: hysteresis, dwell, the pause, overloads, 1-phase cars.

A closed loop: the car draws what it was last told, on the legs the charger's
phase setting gives it (its L1 = phase A on one phase), and the grid meter sees
house + car per phase. Surplus shows as a negative house current.
"""

from __future__ import annotations

from typing import Any

from custom_components.dynamic_ocpp_evse.engine import Controller

PHASES = ("A", "B", "C")


def config(mode: str = "solar", phase_mode: str = "auto", **switching: Any) -> dict[str, Any]:
    block = {"one_phase": "A", "mode": phase_mode, **switching}
    return {
        "site": {
            "voltage": 230,
            "main_breaker_a": 25,
            "grid_current_a": dict.fromkeys(PHASES, 0),
            "distribution": "priority",
            "margin_a": 0,
            "raise_hold_s": 0,
        },
        "loads": [{"id": "car", "mode": mode, "min_a": 6, "max_a": 16, "phase_switching": block}],
    }


class Loop:
    """The car follows the last command on its charger's phases (or L1 only)."""

    def __init__(self, cfg: dict[str, Any], one_phase_car: bool = False) -> None:
        self.controller = Controller(cfg)
        self.now = 0.0
        self.draw = (0.0, 0.0, 0.0)
        self.one_phase_car = one_phase_car
        self.log: list[dict[str, Any]] = []

    def step(self, house_a: float | tuple[float, float, float], dt: float = 5.0) -> dict[str, Any]:
        house = (house_a,) * 3 if isinstance(house_a, int | float) else house_a
        grid = {p: h + d for p, h, d in zip(PHASES, house, self.draw, strict=True)}
        measurements = {
            "site": {"grid_current_a": grid},
            "loads": {"car": {"draw_a": list(self.draw), "active": True}},
        }
        car = self.controller.step(measurements, self.now)["loads"]["car"]
        car["t"] = self.now
        self.log.append(car)
        self.now += dt
        amps = car["current_a"]
        if self.one_phase_car or car["phase_setting"] == 1:
            self.draw = (amps, 0.0, 0.0)
        else:
            self.draw = (amps, amps, amps)
        return car

    def run(self, house_a: float, seconds: float, dt: float = 5.0) -> list[dict[str, Any]]:
        return [self.step(house_a, dt) for _ in range(int(seconds / dt))]


def _commands(log: list[dict[str, Any]]) -> list[tuple[float, int]]:
    return [(c["t"], c["phase_command"]) for c in log if "phase_command" in c]


def test_low_surplus_switches_to_one_phase_after_the_dwell_with_a_pause() -> None:
    loop = Loop(config())
    loop.run(-4.0, 600)  # 2760 W of surplus: below the 3-phase minimum (4140 W)
    commands = _commands(loop.log)
    assert len(commands) == 1 and commands[0][1] == 1
    switched_at = commands[0][0]
    assert switched_at >= 180  # the 3 -> 1 dwell
    before = [c for c in loop.log if c["t"] < switched_at]
    assert all(c["current_a"] == 0 for c in before)  # no surplus for 3 phases: paused
    pause = [c for c in loop.log if switched_at <= c["t"] < switched_at + 30]
    assert pause and all(c["current_a"] == 0 and c["reason"] == "phase_switch" for c in pause)
    last = loop.log[-1]
    assert last["phases"] == 1 and last["current_a"] >= 11.0  # ~12 A from 2760 W


def test_the_switch_waits_until_the_car_has_stopped_drawing() -> None:
    loop = Loop(config(down_delay_s=0, pause_s=60))
    loop.run(-12.0, 30)  # 8280 W: 3 phases at 12 A
    assert loop.log[-1]["current_a"] == 12.0 and loop.log[-1]["phases"] == 3
    log = loop.run(-4.0, 120)  # less sun: 2760 W of surplus
    commands = _commands(log)
    assert len(commands) == 1
    at = commands[0][0]
    # at the command the previous step had already offered 0 A (the car stopped)
    previous = next(c for c in reversed(loop.log) if c["t"] < at)
    assert previous["current_a"] == 0


def test_a_gain_below_the_hysteresis_never_switches() -> None:
    loop = Loop(config(active_phases=1, up_delay_s=0, down_delay_s=0))
    # 3 x 7.25 A export = 5002 W: one phase 21.7 A would be 4991 W, but max is 16 A
    # (3680 W), three phases 7.2 A (4968 W): a gain of 1288 W -> switch up.
    # Surplus of 3 x 5.5 A = 3795 W: one phase 16 A = 3680 W, three phases below
    # the minimum (0 W): no switch up.
    loop.run(-5.5, 600)
    assert _commands(loop.log) == []
    assert loop.log[-1]["phases"] == 1


def test_advice_that_breaks_off_restarts_the_dwell() -> None:
    loop = Loop(config())
    for _ in range(6):
        loop.run(-4.0, 120)  # 2 minutes of low surplus (dwell is 3)
        loop.run(-12.0, 30)  # then enough for 3 phases again
    assert _commands(loop.log) == []


def test_no_switch_while_an_overload_is_corrected() -> None:
    loop = Loop(config(down_delay_s=60))
    loop.run(-4.0, 50)  # the dwell starts
    loop.run((26.0, -10.0, -10.0), 100)  # phase A over the breaker for 100 s
    assert _commands(loop.log) == []
    loop.run(-4.0, 55)  # the dwell starts again after the overload: not yet
    assert _commands(loop.log) == []
    loop.run(-4.0, 30)
    assert len(_commands(loop.log)) == 1


def test_min_interval_between_two_switches() -> None:
    loop = Loop(config(down_delay_s=0, up_delay_s=0, min_interval_s=300))
    loop.run(-4.0, 60)
    first = _commands(loop.log)
    assert [c[1] for c in first] == [1]
    loop.run(-20.0, 600)  # plenty of surplus: back to three phases, but not at once
    commands = _commands(loop.log)
    assert [c[1] for c in commands] == [1, 3]
    assert commands[1][0] - commands[0][0] >= 300


def test_a_one_phase_car_is_counted_on_one_phase_and_never_switched() -> None:
    loop = Loop(config(mode="standard"), one_phase_car=True)
    log = loop.run(0.0, 120)
    assert _commands(log) == []
    last = log[-1]
    assert last["one_phase_car"] is True and last["phases"] == 1
    assert last["phase_setting"] == 3  # the charger itself is not switched
    # counted on phase A only: a house load on B and C does not limit it
    log = loop.run((5.0, 24.0, 24.0), 60)
    assert log[-1]["current_a"] == 16.0


def test_a_fixed_phase_mode_switches_without_a_dwell() -> None:
    loop = Loop(config(mode="standard"))
    loop.run(5.0, 30)
    assert loop.log[-1]["phases"] == 3
    cfg = config(mode="standard", phase_mode="1")
    loop.controller.update_config(cfg)
    log = loop.run(5.0, 120)
    commands = _commands(log)
    assert [c[1] for c in commands] == [1]
    assert commands[0][0] - log[0]["t"] <= 10
    assert log[-1]["phases"] == 1 and log[-1]["current_a"] == 16.0
