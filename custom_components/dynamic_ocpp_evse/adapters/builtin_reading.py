"""What one connector of a charger on the built-in central system tells us.

Pure interpretation of the central system's ``ConnectorState`` (no Home Assistant, no
I/O): whether a car takes part in the allocation (the status mapping of the ``ocpp``
integration adapter, with the same "car full" rule: ``SuspendedEV`` with near-zero
draw for 60 s counts as finished), the draw per leg from MeterValues, and the power.
Outside a session (Available, Preparing, Finishing, ...) a charger stops sending
MeterValues, so its last values are not believed: the draw is 0 there.
"""

from __future__ import annotations

from datetime import datetime

from ..ocpp_server.state import ConnectorState
from .ocpp_reading import ACTIVE_STATUSES, FINISHED_AFTER, NEAR_ZERO_A, SESSION_STATUSES

__all__ = [
    "ACTIVE_STATUSES",
    "SESSION_STATUSES",
    "FinishedLatch",
    "measured_currents",
    "measured_power_w",
]


def in_session(conn: ConnectorState | None) -> bool:
    """True while a transaction runs on the connector (it then meters)."""
    return conn is not None and conn.status in SESSION_STATUSES


def measured_currents(
    conn: ConnectorState | None, legs: int, voltage: float
) -> list[float | None] | None:
    """Current per leg (A, L1 first): 0 outside a session, None when never metered.

    A charger that meters only the total current (no phase) gives that value on every
    leg; one that meters only power gives power / (voltage x legs).
    """
    if conn is None or conn.status is None:
        return None
    if not in_session(conn):
        return [0.0] * legs
    values = conn.current_a[:legs]
    if all(value is not None for value in values):
        return [max(0.0, value) for value in values if value is not None]
    total = conn.current_a[0]
    if total is not None and all(value is None for value in conn.current_a[1:]):
        return [max(0.0, total)] * legs
    if conn.power_w is not None and voltage > 0:
        return [max(0.0, conn.power_w / (voltage * legs))] * legs
    return None


def measured_power_w(conn: ConnectorState | None) -> float | None:
    """Active power (W): 0 outside a session, None when never metered."""
    if conn is None or conn.status is None:
        return None
    if not in_session(conn):
        return 0.0
    return None if conn.power_w is None else max(0.0, conn.power_w)


class FinishedLatch:
    """Remembers that a car is full: ``SuspendedEV`` with near-zero draw for 60 s.

    Paused by us after it finished, the charger reports ``SuspendedEVSE``: still
    finished. Any other status, or a real draw, clears the latch.
    """

    def __init__(self) -> None:
        self._suspended_since: datetime | None = None
        self.finished = False

    def clear(self) -> None:
        """Forget everything (charger gone)."""
        self._suspended_since = None
        self.finished = False

    def update(self, status: str | None, draw: list[float | None] | None, now: datetime) -> bool:
        """Advance with this cycle's status and draw; return whether the car is finished."""
        known = [value for value in draw or () if value is not None]
        low = bool(known) and max(known) < NEAR_ZERO_A
        if status == "SuspendedEV" and low:
            if self._suspended_since is None:
                self._suspended_since = now
            elif now - self._suspended_since >= FINISHED_AFTER:
                self.finished = True
        else:
            self._suspended_since = None
        if self.finished and (
            status not in ("SuspendedEV", "SuspendedEVSE") or (bool(known) and not low)
        ):
            self.finished = False
        return self.finished

    def active(self, status: str | None) -> bool:
        """Whether a car on this connector takes part in the allocation."""
        return status in ACTIVE_STATUSES and not self.finished
