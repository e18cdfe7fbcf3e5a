"""Clock times and piecewise-linear time series of a simulated day.

Owns the two ways a day file names time (``"HH:MM"`` / ``"HH:MM:SS"`` strings,
seconds since midnight inside the simulator) and the :class:`Series` that
interpolates linearly between ``[time, value]`` points and holds its first and
last values outside them.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

DAY_S = 86400.0
MAX_TIME_S = 2 * DAY_S


class SeriesError(ValueError):
    """An invalid time or series; ``field`` names the offending key."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def parse_time(value: Any, field: str) -> float:
    """``"HH:MM"`` or ``"HH:MM:SS"`` (up to ``"48:00"``) -> seconds since midnight."""
    if not isinstance(value, str):
        raise SeriesError(field, f"must be a quoted time like '07:15', got {value!r}")
    parts = value.strip().split(":")
    if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts):
        raise SeriesError(field, f"must be a time like '07:15' or '07:15:30', got {value!r}")
    hours, minutes = int(parts[0]), int(parts[1])
    seconds = int(parts[2]) if len(parts) == 3 else 0
    if minutes > 59 or seconds > 59:
        raise SeriesError(field, f"minutes and seconds must be below 60, got {value!r}")
    total = float(hours * 3600 + minutes * 60 + seconds)
    if total > MAX_TIME_S:
        raise SeriesError(field, f"must not be later than '48:00', got {value!r}")
    return total


def format_time(seconds: float) -> str:
    """Seconds since midnight -> ``"HH:MM"`` (or ``"HH:MM:SS"`` when not whole minutes)."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if secs:
        return f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{hours:02d}:{minutes:02d}"


def _value(raw: Any, field: str, minimum: float | None) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise SeriesError(field, f"must be a number, got {raw!r}")
    if minimum is not None and raw < minimum:
        raise SeriesError(field, f"must be at least {minimum:g}, got {raw!r}")
    return float(raw)


@dataclass(frozen=True, slots=True)
class Series:
    """A value over the day: linear between points, constant before and after."""

    times: tuple[float, ...]
    values: tuple[float, ...]

    @classmethod
    def constant(cls, value: float) -> Series:
        """The same value all day."""
        return cls((0.0,), (float(value),))

    def at(self, t: float) -> float:
        """The value at ``t`` seconds since midnight."""
        times = self.times
        i = bisect_right(times, t)
        if i == 0:
            return self.values[0]
        if i == len(times):
            return self.values[-1]
        t0, t1 = times[i - 1], times[i]
        v0, v1 = self.values[i - 1], self.values[i]
        return v0 + (v1 - v0) * (t - t0) / (t1 - t0)


def parse_series(raw: Any, field: str, *, minimum: float | None = 0.0) -> Series:
    """A number (constant all day) or a list of ``[time, value]`` points."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return Series.constant(_value(raw, field, minimum))
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise SeriesError(field, "must be a number or a non-empty list of [time, value] points")
    times: list[float] = []
    values: list[float] = []
    for i, point in enumerate(raw):
        where = f"{field}[{i}]"
        if not isinstance(point, Sequence) or isinstance(point, str) or len(point) != 2:
            raise SeriesError(where, f"must be a [time, value] pair, got {point!r}")
        t = parse_time(point[0], where)
        if times and t <= times[-1]:
            raise SeriesError(where, "times must increase from one point to the next")
        times.append(t)
        values.append(_value(point[1], where, minimum))
    return Series(tuple(times), tuple(values))
