"""A controller in a closed loop, for the Controller's deterministic tests.

Owns the one-load site those tests share (``config``: a 25 A 3-phase breaker, one
6-16 A car, no margin or raise hold unless a test sets them), the grid meter's
view of house plus car (``measure``), and ``Loop``: a controller whose car draws
exactly what it was commanded the step before, with a clock the test moves.
"""

from __future__ import annotations

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
