"""Incoming OCPP-J 1.6 frames: parsing, the CALLERROR a bad one earns, a flood guard.

A charger's frames are distrusted before the ``ocpp`` library sees them:

* ``parse_frame`` checks the RPC framing (OCPP-J 1.6, section 4) and returns the
  library's ``Call``/``CallResult``/``CallError`` or a ``BadFrame``. A bad CALL whose
  message id can be read is answered with a CALLERROR (``BadFrame.unique_id``); a frame
  without a readable id (not JSON, not an array) cannot be answered and is dropped.
* ``spec_error`` maps the library's error codes to OCPP 1.6's own spelling
  (``FormationViolation``, ``OccurenceConstraintViolation``) and ``unknown_action``
  picks ``NotImplemented`` (action unknown) or ``NotSupported`` (a 1.6 action the
  central system does not take, e.g. one only a charger answers).
* ``FloodGuard`` is a token bucket per connection: a charger may send ``burst`` frames
  at once and ``rate_per_s`` sustained; bad frames cost more. Beyond that, frames are
  dropped unanswered; a connection that keeps flooding is closed.

Frames larger than ``MAX_FRAME_BYTES`` never get here: the websocket server closes
such a connection (close code 1009).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ocpp.exceptions import (
    FormationViolationError,
    FormatViolationError,
    NotImplementedError,
    NotSupportedError,
    OccurenceConstraintViolationError,
    OccurrenceConstraintViolationError,
    OCPPError,
    ProtocolError,
)
from ocpp.messages import Call, CallError, CallResult
from ocpp.v16.enums import Action

MAX_FRAME_BYTES = 64 * 1024  # the largest legitimate 1.6 frame is a few kB
MAX_ID_LENGTH = 36  # OCPP-J 1.6: the message id is at most 36 characters


@dataclass(frozen=True, slots=True)
class BadFrame:
    """A frame that breaks OCPP-J; ``unique_id`` set when a CALLERROR can answer it."""

    unique_id: str | None
    error: OCPPError
    reason: str


def _bad(unique_id: str | None, error: type[OCPPError], reason: str) -> BadFrame:
    return BadFrame(unique_id, error(description=reason), reason)


def parse_frame(raw: str | bytes) -> Any:
    """Parse one websocket message into an OCPP-J message, or say what is wrong.

    Returns the library's (untyped) ``Call``, ``CallResult`` or ``CallError``, or a
    ``BadFrame``.
    """
    if isinstance(raw, bytes):
        return _bad(None, FormationViolationError, "binary frame (OCPP-J uses text)")
    try:
        data = json.loads(raw)
    except ValueError:
        return _bad(None, FormationViolationError, "not JSON")
    if not isinstance(data, list) or not data:
        return _bad(None, ProtocolError, "not a JSON array")
    type_id = data[0]
    given = data[1] if len(data) > 1 else None
    unique_id = given if isinstance(given, str) and given else None
    if type_id == Call.message_type_id and not isinstance(type_id, bool):
        if unique_id is None:
            return _bad(None, ProtocolError, "CALL without a message id")
        if len(unique_id) > MAX_ID_LENGTH:
            return _bad(unique_id, ProtocolError, "message id longer than 36 characters")
        if len(data) != 4:
            return _bad(unique_id, ProtocolError, "a CALL has 4 elements")
        action, payload = data[2], data[3]
        if not isinstance(action, str) or not action:
            return _bad(unique_id, FormationViolationError, "action is not a name")
        if not isinstance(payload, dict):
            return _bad(unique_id, FormationViolationError, "payload is not an object")
        return Call(unique_id, action, payload)
    if type_id == CallResult.message_type_id and not isinstance(type_id, bool):
        if unique_id is None or len(data) != 3 or not isinstance(data[2], dict):
            return _bad(None, ProtocolError, "malformed CALLRESULT")
        return CallResult(unique_id, data[2])
    if type_id == CallError.message_type_id and not isinstance(type_id, bool):
        if unique_id is None or len(data) != 5 or not all(isinstance(x, str) for x in data[2:4]):
            return _bad(None, ProtocolError, "malformed CALLERROR")
        details = data[4] if isinstance(data[4], dict) else {}
        return CallError(unique_id, data[2], data[3], details)
    return _bad(None, ProtocolError, f"unknown message type {str(type_id)[:10]!r}")


def spec_error(error: OCPPError) -> OCPPError:
    """The same error under OCPP 1.6's code (the library speaks 2.0's in places).

    Details keep only a short cause: the library puts the whole offending message
    there, which is not the charger's business to get back.
    """
    cls: type[OCPPError] = type(error)
    if isinstance(error, FormatViolationError):
        cls = FormationViolationError
    elif isinstance(error, OccurrenceConstraintViolationError):
        cls = OccurenceConstraintViolationError
    cause = error.details.get("cause") if isinstance(error.details, dict) else None
    details = {"cause": str(cause)[:200]} if cause else {}
    return cls(description=str(error.description or "")[:200], details=details)


def unknown_action(action: str) -> OCPPError:
    """The CALLERROR for an action the central system has no handler for."""
    try:
        Action(action)
    except ValueError:
        return NotImplementedError(description=f"unknown action {action[:40]!r}")
    return NotSupportedError(description=f"{action} is not taken by this central system")


class Verdict(Enum):
    """What to do with the next frame of a connection."""

    HANDLE = "handle"
    DROP = "drop"  # over the rate: ignore it
    CLOSE = "close"  # flooding for too long: close the connection


class FloodGuard:
    """Token bucket of one connection (see the module docstring)."""

    def __init__(
        self,
        *,
        rate_per_s: float = 20.0,
        burst: float = 60.0,
        close_after_drops: int = 500,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rate = rate_per_s
        self._burst = burst
        self._close_after = close_after_drops
        self._monotonic = monotonic
        self._tokens = burst
        self._at = monotonic()
        self.dropped = 0  # frames dropped on this connection

    def admit(self, cost: float = 1.0) -> Verdict:
        """Spend ``cost`` tokens for a frame, if there are enough."""
        now = self._monotonic()
        self._tokens = min(self._burst, self._tokens + (now - self._at) * self._rate)
        self._at = now
        if self._tokens >= cost:
            self._tokens -= cost
            return Verdict.HANDLE
        self.dropped += 1
        return Verdict.CLOSE if self.dropped >= self._close_after else Verdict.DROP

    def charge(self, cost: float) -> None:
        """Take extra tokens (a bad frame costs more than a good one)."""
        self._tokens = max(-self._burst, self._tokens - cost)
