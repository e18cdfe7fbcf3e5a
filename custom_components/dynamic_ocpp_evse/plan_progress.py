"""A charger's plan target and its measured progress (kept across restarts).

:class:`PlanProgress` is what one charger's plan has done so far: the target
(energy, or a state of charge), the departure moment, the energy the charger drew
since the plan was set, and for a state-of-charge target the last need the car's
SoC sensor gave. It is stored with :mod:`.plan_store` as a plain dict.

Readings chosen (docs/plans.md):

- progress is the charger's measured current integrated over time (legs x
  voltage) from the moment the plan was set; a gap between two cycles counts at
  most ``MAX_GAP_S`` (nothing is counted while Home Assistant is down);
- a state-of-charge target needs ``(target - SoC) / 100 x capacity / efficiency``;
  while the SoC sensor is missing or implausible (not within 0..100) the need is
  the last need it gave, less what was drawn since; done when SoC >= target;
- the departure is the next occurrence of the departure time when the plan was set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from homeassistant.util import dt as dt_util

from .adapters.base import LoadReading

MAX_GAP_S = 120.0
"""A longer gap between two cycles counts only this long (no reading in between)."""
DEFAULT_EFFICIENCY = 0.9
"""Share of the energy drawn that ends up in the battery (charger and battery losses)."""

PlanKey = tuple[str, float, str, int]
"""(kind "energy"/"soc", target kWh or %, departure ``HH:MM:SS``, generation)."""


def parse_departure(value: Any) -> time | None:
    """A departure time from ``HH:MM[:SS]`` (None when it cannot be read)."""
    if isinstance(value, time):
        return value
    if not isinstance(value, str):
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        return None


def next_occurrence(now: datetime, at: time) -> datetime:
    """The next moment (after ``now``, local time) the clock shows ``at``."""
    local = dt_util.as_local(now)
    moment = local.replace(hour=at.hour, minute=at.minute, second=at.second, microsecond=0)
    return moment if moment > local else moment + timedelta(days=1)


def plausible_soc(value: float | None) -> float | None:
    """A state of charge in % (None when missing or outside 0..100)."""
    if value is None or isinstance(value, bool) or not math.isfinite(value):
        return None
    return float(value) if 0.0 <= value <= 100.0 else None


def soc_need_wh(target_soc: float, soc: float, capacity_kwh: float, efficiency: float) -> float:
    """Energy to draw from ``soc`` to ``target_soc`` (Wh; 0 when already there)."""
    if soc >= target_soc:
        return 0.0
    return (target_soc - soc) / 100.0 * capacity_kwh * 1000.0 / efficiency


@dataclass(slots=True)
class PlanProgress:
    """One charger's active target and what it drew since the target was set."""

    target_wh: float
    departure_s: float
    key: PlanKey
    delivered_wh: float = 0.0
    last_s: float | None = None
    target_soc: float | None = None
    """A state-of-charge target (%); None: an energy target."""
    need_wh: float | None = None
    """The last need the SoC sensor gave (state-of-charge targets)."""
    delivered_at_need: float = 0.0
    soc: float | None = None
    """The SoC reading used this cycle (None: missing or implausible)."""

    def remaining_wh(self) -> float | None:
        """What is still needed (None: a SoC target whose SoC was never read)."""
        if self.target_soc is None:
            return self.target_wh - self.delivered_wh
        if self.need_wh is None:
            return None
        return self.need_wh - (self.delivered_wh - self.delivered_at_need)

    def update_soc(self, soc: float | None, capacity_kwh: float, efficiency: float) -> None:
        """A new SoC reading (None: missing or implausible; the last need then stands)."""
        self.soc = soc
        if self.target_soc is None or soc is None:
            return
        self.need_wh = soc_need_wh(self.target_soc, soc, capacity_kwh, efficiency)
        self.delivered_at_need = self.delivered_wh
        self.target_wh = self.delivered_wh + self.need_wh

    def record(self, reading: LoadReading | None, volts: float, now_s: float) -> None:
        """Add what the charger drew since the last cycle."""
        last, self.last_s = self.last_s, now_s
        if last is None or reading is None or not reading.draw_a:
            return
        amps = sum(a for a in reading.draw_a if a is not None and math.isfinite(a) and a > 0)
        seconds = min(max(0.0, now_s - last), MAX_GAP_S)
        self.delivered_wh += amps * volts * seconds / 3600.0

    def to_dict(self) -> dict[str, Any]:
        """The stored form (no ``last_s``: after a restart counting starts afresh)."""
        return {
            "target_wh": self.target_wh,
            "departure_s": self.departure_s,
            "key": list(self.key),
            "delivered_wh": round(self.delivered_wh, 2),
            "target_soc": self.target_soc,
            "need_wh": self.need_wh,
            "delivered_at_need": round(self.delivered_at_need, 2),
        }

    @classmethod
    def from_dict(cls, data: Any) -> PlanProgress | None:
        """The progress of :meth:`to_dict`, or None when anything in it is unusable."""
        if not isinstance(data, dict):
            return None
        key = _key(data.get("key"))
        numbers = [_number(data.get(k)) for k in ("target_wh", "departure_s", "delivered_wh")]
        if key is None or any(n is None or n < 0 for n in numbers):
            return None
        target_wh, departure_s, delivered_wh = (float(n or 0.0) for n in numbers)
        target_soc = _number(data.get("target_soc"))
        need_wh = _number(data.get("need_wh"))
        return cls(
            target_wh=target_wh,
            departure_s=departure_s,
            key=key,
            delivered_wh=delivered_wh,
            target_soc=target_soc if target_soc is not None and 0 < target_soc <= 100 else None,
            need_wh=need_wh if need_wh is not None and need_wh >= 0 else None,
            delivered_at_need=min(
                delivered_wh, max(0.0, _number(data.get("delivered_at_need")) or 0.0)
            ),
        )


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _key(value: Any) -> PlanKey | None:
    if not isinstance(value, list | tuple) or len(value) != 4:
        return None
    kind, target, departure, generation = value
    if kind not in ("energy", "soc") or not isinstance(departure, str):
        return None
    number = _number(target)
    if number is None or isinstance(generation, bool) or not isinstance(generation, int):
        return None
    return (kind, number, departure, generation)
