"""A simulated car on one connector: draws what it is allowed, with a ramp, and meters it.

Pure: the caller passes the time. Below 6 A (IEC 61851's minimum) the car pauses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

MIN_CHARGE_A = 6.0


@dataclass(slots=True)
class Car:
    """The car's draw per phase (A) and the connector's energy register (Wh)."""

    phases: int = 3
    max_a: float = 32.0
    ramp_a_per_s: float = 2.0
    voltage: float = 230.0
    full: bool = False  # a full car draws nothing (status SuspendedEV)
    draw_a: float = 0.0
    energy_wh: float = 0.0
    _last: datetime | None = field(default=None, repr=False)

    def target_a(self, allowed_a: float | None, charging: bool) -> float:
        """What the car would settle at with this allowance."""
        if not charging or self.full:
            return 0.0
        limit = self.max_a if allowed_a is None else min(self.max_a, allowed_a)
        return limit if limit >= MIN_CHARGE_A else 0.0

    def update(self, now: datetime, allowed_a: float | None, charging: bool) -> float:
        """Advance to ``now``: meter the energy since last time, ramp towards the target."""
        if self._last is None:
            self._last = now
        dt = max(0.0, (now - self._last).total_seconds())
        self._last = now
        target = self.target_a(allowed_a, charging)
        old = self.draw_a
        if target < old or self.ramp_a_per_s <= 0:
            # a lower limit is obeyed at once (chargers cut the PWM duty)
            new, ramp_s = target, 0.0
        else:
            ramp_s = min(dt, (target - old) / self.ramp_a_per_s)
            new = min(target, old + self.ramp_a_per_s * ramp_s)
        amp_seconds = (old + new) / 2 * ramp_s + new * (dt - ramp_s)
        self.energy_wh += amp_seconds * self.voltage * self.phases / 3600
        self.draw_a = new
        return new

    @property
    def power_w(self) -> float:
        """Active power drawn now."""
        return self.draw_a * self.voltage * self.phases
