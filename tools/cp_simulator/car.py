"""A simulated car on one connector: draws what it is allowed, with a ramp, and meters it.

Pure: the caller passes the time. Below 6 A (IEC 61851's minimum) the car pauses.
When a switching charger changes its phase count the car stops, waits a few
seconds and ramps up again on the new phases (a 1-phase car stays on one).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

MIN_CHARGE_A = 6.0
SWITCH_PAUSE_S = 5.0  # the car restarts a few seconds after a phase switch


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
    legs: int = 3
    """The charger's phase setting (a switching charger: 1 or 3)."""
    restart_at: datetime | None = None
    """After a phase switch the car draws nothing until then, then ramps up again."""
    _last: datetime | None = field(default=None, repr=False)

    @property
    def active_phases(self) -> int:
        """Phases the car draws on: its own count, at most the charger's setting."""
        return min(self.phases, self.legs)

    def switch_phases(self, legs: int, now: datetime, pause_s: float = SWITCH_PAUSE_S) -> None:
        """The charger switched its contactors: the car stops and starts again later."""
        if legs == self.legs:
            return
        self.update(now, None, False)  # meter up to the switch
        self.legs = legs
        self.draw_a = 0.0
        self.restart_at = now + timedelta(seconds=pause_s)

    def target_a(self, allowed_a: float | None, charging: bool) -> float:
        """What the car would settle at with this allowance."""
        if not charging or self.full:
            return 0.0
        if self.restart_at is not None and self._last is not None and self._last < self.restart_at:
            return 0.0
        limit = self.max_a if allowed_a is None else min(self.max_a, allowed_a)
        return limit if limit >= MIN_CHARGE_A else 0.0

    def update(self, now: datetime, allowed_a: float | None, charging: bool) -> float:
        """Advance to ``now``: meter the energy since last time, ramp towards the target."""
        if self._last is None:
            self._last = now
        dt = max(0.0, (now - self._last).total_seconds())
        self._last = now
        if self.restart_at is not None and now >= self.restart_at:
            self.restart_at = None
        target = self.target_a(allowed_a, charging)
        old = self.draw_a
        if target < old or self.ramp_a_per_s <= 0:
            # a lower limit is obeyed at once (chargers cut the PWM duty)
            new, ramp_s = target, 0.0
        else:
            ramp_s = min(dt, (target - old) / self.ramp_a_per_s)
            new = min(target, old + self.ramp_a_per_s * ramp_s)
        amp_seconds = (old + new) / 2 * ramp_s + new * (dt - ramp_s)
        self.energy_wh += amp_seconds * self.voltage * self.active_phases / 3600
        self.draw_a = new
        return new

    @property
    def power_w(self) -> float:
        """Active power drawn now."""
        return self.draw_a * self.voltage * self.active_phases
