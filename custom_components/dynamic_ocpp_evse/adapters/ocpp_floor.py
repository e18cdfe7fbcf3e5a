"""What we know about the safe floor a charger of the ``ocpp`` integration holds.

The ``ocpp`` integration neither reports a refused profile (it only logs it) nor a
dropped connection (no entity changes), so the floor we sent is a claim until the
charger shows it: ``FloorRecord`` owns that knowledge. A floor is *pending* (to be
sent: never sent, or the charger may have lost it after a failed call, a reconnect or
a reset), *unconfirmed* (sent, its effect not seen) or *confirmed* (during a session
the charger offered what we asked for after the floor was sent). As a backstop
against a loss we could not see, it is due again every ``FLOOR_RESEND``. Pure data
and rules; no Home Assistant calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

FLOOR_RESEND = timedelta(minutes=10)  # one small profile per connector: cheap
CONFIRM_TOLERANCE_A = 0.5

FloorState = Literal["none", "unconfirmed", "confirmed"]


@dataclass(slots=True)
class FloorRecord:
    """The floor of one connector as far as we know it."""

    pending: bool = True
    limit_a: float | None = None  # what the floor offers, once sent
    sent_at: datetime | None = None
    confirmed: bool = False
    absent: bool = False  # no floor fits on this charger: by design, not a fault
    mark: datetime | None = None  # when the offered value was last reported at the send

    @property
    def state(self) -> FloorState:
        """none, unconfirmed (pending or sent) or confirmed."""
        if self.absent:
            return "none"
        return "confirmed" if self.confirmed else "unconfirmed"

    def lost(self) -> None:
        """The charger may hold nothing now: send the floor again, unconfirmed."""
        self.pending = True
        self.limit_a = None
        self.confirmed = False

    def none_fits(self) -> None:
        """No floor can be installed on this charger."""
        self.pending = False
        self.absent = True

    def sent(self, limit_a: float, now: datetime, mark: datetime | None) -> None:
        """The floor was sent (the call returned; the charger may still refuse it)."""
        self.pending = False
        self.absent = False
        self.limit_a = limit_a
        self.sent_at = now
        self.mark = mark

    def due(self, now: datetime) -> bool:
        """True when the floor must be (re-)sent now; starts the backstop re-send."""
        if not self.pending and self.sent_at is not None and now - self.sent_at >= FLOOR_RESEND:
            self.pending = True  # a re-send of an accepted floor keeps its confirmation
        return self.pending

    def observe(
        self,
        offered_a: float | None,
        reported: datetime | None,
        asked_a: float | None,
        *,
        in_session: bool,
    ) -> bool:
        """Confirm the floor from a fresh offered reading; True when it just became so.

        The charger must offer, during a session and after the floor was sent, the
        floor or the dynamic limit we asked for (``asked_a``).
        """
        if self.confirmed or self.limit_a is None or not in_session:
            return False
        if offered_a is None or reported is None:
            return False
        if self.mark is not None and reported <= self.mark:
            return False  # nothing reported since the floor was sent
        targets = (self.limit_a, asked_a)
        if any(t is not None and abs(offered_a - t) <= CONFIRM_TOLERANCE_A for t in targets):
            self.confirmed = True
            return True
        return False
