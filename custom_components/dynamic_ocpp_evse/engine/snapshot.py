"""What of the controller's memory outlives a restart, and bringing it back.

Owns the snapshot (a plain, JSON-able dict) of what matters for safety and
stability across a Home Assistant restart or an integration reload: per load the
pause still to run and whether it was a stop for power, the grace still to run and
the current last commanded; the battery's hysteresis flags (its boost state); per
phase the house floor held after an overload and how long it is still held.

The controller's clock is monotonic and does not survive a restart, so times are
kept as seconds still to run. Restoring subtracts the wall-clock time that passed
in between, clamped to ``[0, remaining]``: a clock that went backwards never makes
a pause longer than it was, one that went forwards can at most end it. Anything
unreadable in a snapshot is ignored (the controller then starts fresh for it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .inputs import InputTracker
from .timing import LoadMemory

VERSION = 1


def _left(until: float | None, now: float) -> float:
    if until is None or not math.isfinite(until):
        return 0.0
    return max(0.0, until - now)


def snapshot(memory: Mapping[str, LoadMemory], inputs: InputTracker, now: float) -> dict[str, Any]:
    """The restart-relevant memory at ``now`` (monotonic seconds)."""
    loads = {
        load_id: {
            "commanded_a": m.commanded_a,
            "pause_s": _left(m.pause_until, now),
            "stopped_for_power": m.stopped_for_power,
            "grace_s": None if m.grace_until is None else _left(m.grace_until, now),
        }
        for load_id, m in memory.items()
    }
    battery = inputs.battery
    return {
        "version": VERSION,
        "loads": loads,
        "battery": {
            "above_min": battery.above_min,
            "at_target": battery.at_target,
            "spare_ok": battery.spare_ok,
        },
        "overload_floor": inputs.overload_floors(now),
    }


def _seconds(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return max(0.0, float(value))


def restore(
    data: Any,
    memory: Mapping[str, LoadMemory],
    inputs: InputTracker,
    now: float,
    elapsed_s: float,
) -> None:
    """Bring a snapshot back at ``now``, ``elapsed_s`` wall-clock seconds after it was taken."""
    if not isinstance(data, Mapping) or data.get("version") != VERSION:
        return
    passed = _seconds(elapsed_s) or 0.0

    def after(value: Any) -> float | None:
        seconds = _seconds(value)
        return None if seconds is None else max(0.0, seconds - passed)

    loads = data.get("loads")
    for load_id, saved in (loads if isinstance(loads, Mapping) else {}).items():
        mem = memory.get(load_id)
        if mem is None or not isinstance(saved, Mapping):
            continue
        commanded = _seconds(saved.get("commanded_a"))
        if commanded is not None:
            mem.commanded_a = commanded
        pause = after(saved.get("pause_s"))
        if pause:
            mem.pause_until = now + pause
            mem.stopped_for_power = saved.get("stopped_for_power") is True
        grace = after(saved.get("grace_s"))
        if grace is not None and saved.get("grace_s") is not None:
            mem.grace_until = now + grace
    battery = data.get("battery")
    if isinstance(battery, Mapping):
        for key in ("above_min", "at_target", "spare_ok"):
            if isinstance(battery.get(key), bool):
                setattr(inputs.battery, key, battery[key])
    floors = data.get("overload_floor")
    for phase, saved in (floors if isinstance(floors, Mapping) else {}).items():
        if not isinstance(saved, Mapping):
            continue
        floor = saved.get("house_a")
        hold = after(saved.get("hold_s"))
        if isinstance(floor, bool) or not isinstance(floor, int | float) or not hold:
            continue
        if math.isfinite(floor):
            inputs.hold_overload_floor(str(phase), float(floor), now, hold)
