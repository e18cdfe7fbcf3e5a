"""Simulated thermal loads: a hot water tank or a room, heated by a managed load.

Owns the physics the controller only sees through a temperature sensor. Each
thermal load (``kind: thermal`` in the day's ``loads``) has an entry in the day's
``thermal`` section:

    thermal:
      tank:
        start_c: 47            # temperature at the start of the window
        capacity_kwh_per_c: 0.232   # heat to warm it by 1 C (200 l of water)
        loss_w_per_c: 2.0      # heat lost per C above ambient
        ambient_c: 20          # the room the tank stands in, or outdoors for a room
        drawoffs: [[07:10, 1.6], [19:30, 2.0]]   # hot water taken (kWh of heat, over 10 min)

The heater runs at its rated power while its command is at least its minimum
(after the same delay as a charger's command) and its own safety thermostat
allows (below ``limit_c``; above ``limit_c`` for a cooling load); a cooling load
removes heat. Per load it counts the electric energy turned into heat, the time
spent below its comfort band (above, when cooling) and any time past its limit.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..models import Load, Mode
from .series import parse_time

DRAWOFF_S = 600.0
"""A draw-off (a shower, a bath) spreads its heat over ten minutes."""
COMFORT_MODES = frozenset({Mode.STANDARD, Mode.CONTINUOUS, Mode.ECO})


class ThermalSpecError(ValueError):
    """An invalid ``thermal`` section; ``field`` names the offending key."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class ThermalSpec:
    """One thermal load's physics."""

    start_c: float
    capacity_kwh_per_c: float
    loss_w_per_c: float
    ambient_c: float
    drawoffs: tuple[tuple[float, float], ...] = ()
    """(start second of the day, kWh of heat)."""


def _positive(raw: Mapping[str, Any], key: str, field: str, default: float | None) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ThermalSpecError(f"{field}.{key}", f"must be a number of 0 or more, got {value!r}")
    return float(value)


def parse_thermal_specs(data: Any, loads: Sequence[Load]) -> dict[str, ThermalSpec]:
    """The ``thermal`` section: one entry per thermal load, nothing else."""
    thermal_ids = {load.id for load in loads if load.thermal is not None}
    raw = data or {}
    if not isinstance(raw, Mapping):
        raise ThermalSpecError("thermal", "must be a mapping of load id to its physics")
    specs: dict[str, ThermalSpec] = {}
    for load_id, body in raw.items():
        field = f"thermal.{load_id}"
        if str(load_id) not in thermal_ids:
            raise ThermalSpecError(field, "is not a thermal load of this day")
        if not isinstance(body, Mapping):
            raise ThermalSpecError(field, "must be a mapping")
        drawoffs = []
        for i, item in enumerate(body.get("drawoffs") or []):
            if not isinstance(item, Sequence) or len(item) != 2:
                raise ThermalSpecError(f"{field}.drawoffs[{i}]", "must be [time, kWh]")
            drawoffs.append((parse_time(item[0], f"{field}.drawoffs[{i}]"), float(item[1])))
        start = body.get("start_c")
        if isinstance(start, bool) or not isinstance(start, int | float):
            raise ThermalSpecError(f"{field}.start_c", "is required (a temperature)")
        specs[str(load_id)] = ThermalSpec(
            start_c=float(start),
            capacity_kwh_per_c=_positive(body, "capacity_kwh_per_c", field, 0.232) or 0.232,
            loss_w_per_c=_positive(body, "loss_w_per_c", field, 2.0),
            ambient_c=float(body.get("ambient_c", 20.0)),
            drawoffs=tuple(sorted(drawoffs)),
        )
    missing = sorted(thermal_ids - set(specs))
    if missing:
        raise ThermalSpecError(f"thermal.{missing[0]}", "is required for a thermal load")
    return specs


@dataclass(slots=True)
class ThermalUnit:
    """A thermal load's heater and what it heats (same command path as a charger)."""

    load: Load
    spec: ThermalSpec
    temperature_c: float
    setpoint_a: float = 0.0
    current_a: float = 0.0
    last_effect_s: float = float("-inf")
    pending: deque[tuple[float, float | None, int | None]] = field(default_factory=deque)
    heat_kwh: float = 0.0
    below_band_s: float = 0.0
    past_limit_s: float = 0.0
    drawoff_kwh: float = 0.0
    lowest_c: float = float("inf")
    highest_c: float = float("-inf")

    @property
    def sign(self) -> float:
        """+1 heating, -1 cooling."""
        th = self.load.thermal
        return -1.0 if th is not None and th.cooling else 1.0

    def wants_heat(self) -> bool:
        """Below its boost ceiling: surplus could still be stored (for the metrics)."""
        th = self.load.thermal
        assert th is not None
        return self.sign * self.temperature_c < self.sign * th.boost_c

    def advance(self, t: float, dt: float, voltage: float) -> None:
        """Apply due commands, run the heater and move the temperature over ``dt``."""
        while self.pending and self.pending[0][0] <= t + 1e-9:
            _, amps, _ = self.pending.popleft()
            if amps is not None:
                self.setpoint_a = amps
        th = self.load.thermal
        assert th is not None
        sign = self.sign
        allowed = sign * self.temperature_c < sign * th.limit_c  # its own safety thermostat
        on = allowed and self.setpoint_a >= self.load.min_a - 1e-9 and self.setpoint_a > 0
        self.current_a = min(self.setpoint_a, self.load.max_a) if on else 0.0
        watts = self.current_a * voltage * self.load.leg_count
        spec = self.spec
        drawoff_w = sum(
            kwh * 3.6e6 / DRAWOFF_S
            for start, kwh in spec.drawoffs
            if start <= t < start + DRAWOFF_S
        )
        loss_w = spec.loss_w_per_c * (self.temperature_c - spec.ambient_c)
        capacity_j = spec.capacity_kwh_per_c * 3.6e6
        self.temperature_c += (sign * watts - loss_w - drawoff_w) * dt / capacity_j
        self.heat_kwh += watts * dt / 3.6e6
        self.drawoff_kwh += drawoff_w * dt / 3.6e6
        low = th.target_c - sign * th.hysteresis_c
        if self.load.mode in COMFORT_MODES and sign * self.temperature_c < sign * low - 1e-9:
            self.below_band_s += dt
        if sign * self.temperature_c > sign * th.limit_c + 1e-9:
            self.past_limit_s += dt
        self.lowest_c = min(self.lowest_c, self.temperature_c)
        self.highest_c = max(self.highest_c, self.temperature_c)

    def report(self) -> dict[str, float]:
        """The unit's figures for the day's metrics."""
        return {
            "heat_kwh": round(self.heat_kwh, 3),
            "drawoff_kwh": round(self.drawoff_kwh, 3),
            "comfort_violation_s": round(self.below_band_s, 1),
            "past_limit_s": round(self.past_limit_s, 1),
            "lowest_c": round(self.lowest_c, 2),
            "highest_c": round(self.highest_c, 2),
            "end_c": round(self.temperature_c, 2),
        }
