"""When a charger's limit is worth sending, and when it has stopped following it.

Shared by both OCPP adapters (through the ``ocpp`` integration and on the built-in
server), which differ only in how a profile travels and what the charger reports:

- :class:`SendPacer`: a new limit goes out when it differs from the one the charger
  holds, but not more often than the connector's minimum send interval, except a
  decrease, which goes out at once; an unchanged limit is renewed once
  ``REFRESH_FRACTION`` of its validity has passed (not when it would expire onto an
  equal floor). A wall clock that went backwards makes a limit due at once.
- :class:`ComplianceCount`: readings that show the charger not following are
  counted; after ``cycles`` in a row the connector is non-compliant and a reset is
  wanted; one good reading ends it. A new limit starts a new count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

REFRESH_FRACTION = 0.4
"""Renew a limit well before half of its validity has passed."""


@dataclass(slots=True)
class SendPacer:
    """What the charger holds from us, and whether a new limit is due."""

    validity_s: float
    min_send: timedelta
    sent_a: float | None = None
    sent_at: datetime | None = None

    def due(
        self,
        amps: float,
        now: datetime,
        *,
        floor_a: float | None = None,
        same_binding: bool = True,
        force: bool = False,
    ) -> bool:
        """Whether ``amps`` should be sent now.

        ``floor_a``: the safe floor installed on the charger (a limit equal to it
        needs no renewal); ``same_binding``: False when the profile must be bound
        to something new (a new transaction), which makes it a change.
        """
        if force:
            return True
        since = None if self.sent_at is None else now - self.sent_at
        if since is not None and since < timedelta(0):
            # The wall clock went backwards: nothing is known about the last send's
            # age, so send now (else no refresh or increase until the clock caught up).
            since = None
        fresh = since is not None and (
            self.validity_s <= 0
            or since.total_seconds() < self.validity_s * REFRESH_FRACTION
            or amps == floor_a  # expiring onto an equal floor changes nothing
        )
        if amps == self.sent_a and same_binding and fresh:
            return False
        decrease = self.sent_a is not None and amps < self.sent_a
        # Too soon after the last send: retried next cycle, the target still differs.
        return since is None or since >= self.min_send or decrease

    def sent(self, amps: float, now: datetime) -> None:
        """The charger was handed ``amps`` at ``now``."""
        self.sent_a, self.sent_at = amps, now

    def forget(self) -> None:
        """The charger may not hold our limit (cleared, rejected): send it again."""
        self.sent_a = self.sent_at = None


@dataclass(slots=True)
class ComplianceCount:
    """Consecutive readings that show the charger not following its limit."""

    cycles: int
    expect_a: float | None = None
    bad: int = 0
    non_compliant: bool = False

    def expect(self, amps: float) -> None:
        """A limit was sent: a new value starts a new count (a refresh does not)."""
        if amps != self.expect_a:
            self.bad = 0
        self.expect_a = amps

    def restart(self) -> None:
        """Profiles were cleared and re-installed: count from zero."""
        self.bad = 0

    def judge(self, follows: bool) -> tuple[bool, bool | None]:
        """Count one fresh reading: (reset wanted, change of compliance).

        The change is True when a non-compliant connector follows again, False
        when it has just become non-compliant, None otherwise.
        """
        if follows:
            self.bad = 0
            if self.non_compliant:
                self.non_compliant = False
                return False, True
            return False, None
        self.bad += 1
        if self.bad < self.cycles:
            return False, None
        if self.non_compliant:
            return True, None
        self.non_compliant = True
        return True, False
