"""One load's line of a controller step: the command, why, and whether to send it.

A command is sent when it changed, was never sent, or was last sent longer ago
than the refresh interval (a charger that lost it gets it again); everything
else is reported without sending. The load's memory records the command, when it
was sent, and on/off switches for the minimum on and off times.
"""

from __future__ import annotations

from typing import Any

from .thermal_state import note_switch
from .timing import LoadMemory


def emit(
    memory: LoadMemory,
    command: float,
    reason: str,
    target: float,
    available: float,
    now: float,
    refresh_s: float,
    started: bool,
) -> dict[str, Any]:
    """Record ``command`` for the load and return its line of the step's output
    (``started``: whether the controller sent anything before)."""
    send = (
        not started
        or memory.last_sent_a is None
        or command != memory.last_sent_a
        or memory.last_sent_at is None
        or now - memory.last_sent_at >= refresh_s
    )
    note_switch(memory.switch, memory.commanded_a, command, now)
    memory.commanded_a = command
    if send:
        memory.last_sent_a = command
        memory.last_sent_at = now
    return {
        "current_a": command,
        "send": send,
        "reason": reason,
        "pause_s": max(0.0, memory.pause_until - now),
        "grace_s": 0.0 if memory.grace_until is None else max(0.0, memory.grace_until - now),
        "target_a": target,
        "available_a": available,
    }
