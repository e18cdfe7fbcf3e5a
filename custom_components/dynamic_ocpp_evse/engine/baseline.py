"""The house baseline: the expected house draw per phase and quarter hour of the day.

Learned from history for plans (``plan.py`` needs the headroom a slot is expected
to have). The *house draw* is what the site draws besides the managed loads (the
caller passes grid current minus the managed loads' draw, per phase).

Readings chosen:

- **Buckets**: the day (local time; the caller passes the UTC offset) has 96
  quarter hours; each phase has its own 96 buckets.
- **Samples**: the readings of one 5-minute sub-slot are averaged into one
  sample (three per bucket and day), so a bucket holds at most 14 x 3 samples;
  samples older than 14 days are dropped. Memory and the stored form are bounded
  (``MAX_SAMPLES`` per phase and bucket).
- **Expected draw**: the 90th percentile (nearest rank) of a bucket's samples:
  a busy day counts, a rare peak does not. A bucket without samples takes the
  90th percentile of all the phase's samples; a phase without any: unknown (None).
- **Garbage**: a reading that is not a finite number or is beyond
  ``PLAUSIBLE_A`` is ignored; a negative house draw (export, a bad sensor)
  counts as 0, so the expected draw is never negative.

Pure and deterministic: no clock, no I/O; :meth:`Baseline.to_dict` and
:meth:`Baseline.from_dict` give a plain dict (JSON) for Home Assistant's store.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

BUCKETS = 96
BUCKET_S = 900.0
SUB_S = 300.0
"""Readings within one 5-minute sub-slot make one sample."""
SUBS_PER_BUCKET = int(BUCKET_S // SUB_S)
DAY_S = 86400.0
WINDOW_DAYS = 14
MAX_SAMPLES = WINDOW_DAYS * SUBS_PER_BUCKET
PERCENTILE = 0.9
PLAUSIBLE_A = 1000.0
"""No house reading per phase is beyond this: beyond is garbage."""
PHASES = ("A", "B", "C")
FORMAT = 1


def bucket_of(at_s: float, utc_offset_s: float = 0.0) -> int:
    """The quarter hour of the (local) day ``at_s`` lies in (0..95)."""
    local = (at_s + utc_offset_s) % DAY_S
    return min(BUCKETS - 1, int(local // BUCKET_S))


def percentile(values: list[float], share: float = PERCENTILE) -> float:
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def _amps(value: Any) -> float | None:
    """A usable reading (negatives count as 0), or None for garbage."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    if not math.isfinite(number) or abs(number) > PLAUSIBLE_A:
        return None
    return max(0.0, number)


@dataclass(slots=True)
class _Open:
    """The sub-slot being averaged: its index since the epoch (local), sum and count."""

    index: int
    total: float = 0.0
    count: int = 0


@dataclass(slots=True)
class Baseline:
    """Per phase, 96 buckets of ``(day, amps)`` samples, and the sub-slots being averaged."""

    samples: dict[str, list[list[tuple[int, float]]]] = field(default_factory=dict)
    open: dict[str, _Open] = field(default_factory=dict)

    def add(self, at_s: float, amps: Mapping[str, Any], utc_offset_s: float = 0.0) -> None:
        """Learn one reading per phase (garbage and unknown phases are ignored)."""
        if not math.isfinite(at_s) or not math.isfinite(utc_offset_s):
            return
        index = math.floor((at_s + utc_offset_s) / SUB_S)
        for phase, raw in amps.items():
            value = _amps(raw)
            if phase not in PHASES or value is None:
                continue
            acc = self.open.get(phase)
            if acc is not None and acc.index != index:
                self._close(phase, acc)
                acc = None
            if acc is None:
                acc = self.open[phase] = _Open(index)
            acc.total += value
            acc.count += 1

    def _close(self, phase: str, acc: _Open) -> None:
        if acc.count <= 0:
            return
        day = math.floor(acc.index * SUB_S / DAY_S)
        bucket = int((acc.index * SUB_S - day * DAY_S) // BUCKET_S) % BUCKETS
        buckets = self.samples.setdefault(phase, [[] for _ in range(BUCKETS)])
        kept = buckets[bucket]
        kept.append((day, round(acc.total / acc.count, 2)))
        kept[:] = [s for s in kept if s[0] > day - WINDOW_DAYS][-MAX_SAMPLES:]

    def expected_a(self, phase: str, at_s: float, utc_offset_s: float = 0.0) -> float | None:
        """The expected house draw on ``phase`` at ``at_s`` (A), or None when unknown."""
        buckets = self.samples.get(phase)
        if not buckets or not math.isfinite(at_s) or not math.isfinite(utc_offset_s):
            return None
        own = [a for _d, a in buckets[bucket_of(at_s, utc_offset_s)]]
        if own:
            return percentile(own)
        every = [a for kept in buckets for _d, a in kept]
        return percentile(every) if every else None

    def sample_count(self) -> int:
        """How many samples are kept (all phases and buckets)."""
        return sum(len(kept) for buckets in self.samples.values() for kept in buckets)

    def summary(self) -> dict[str, Any]:
        """Per phase: samples kept, days covered, and the highest expected draw (A)."""
        out: dict[str, Any] = {}
        for phase, buckets in sorted(self.samples.items()):
            days = {d for kept in buckets for d, _a in kept}
            peaks = [percentile([a for _d, a in kept]) for kept in buckets if kept]
            out[phase] = {
                "samples": sum(len(kept) for kept in buckets),
                "days": len(days),
                "peak_expected_a": max(peaks) if peaks else None,
            }
        return out

    def to_dict(self) -> dict[str, Any]:
        """A plain (JSON) form: only buckets with samples are written."""
        return {
            "format": FORMAT,
            "phases": {
                phase: {str(b): [[d, a] for d, a in kept] for b, kept in enumerate(buckets) if kept}
                for phase, buckets in sorted(self.samples.items())
            },
            "open": {p: [o.index, o.total, o.count] for p, o in sorted(self.open.items())},
        }

    @classmethod
    def from_dict(cls, data: Any) -> Baseline:
        """The baseline of :meth:`to_dict`; anything unreadable in it is left out."""
        baseline = cls()
        if not isinstance(data, Mapping) or data.get("format") != FORMAT:
            return baseline
        phases = data.get("phases")
        for phase, raw_buckets in phases.items() if isinstance(phases, Mapping) else []:
            if phase not in PHASES or not isinstance(raw_buckets, Mapping):
                continue
            buckets: list[list[tuple[int, float]]] = [[] for _ in range(BUCKETS)]
            for key, raw in raw_buckets.items():
                bucket = _int(key)
                if bucket is None or not 0 <= bucket < BUCKETS or not isinstance(raw, list):
                    continue
                buckets[bucket] = _samples(raw)
            if any(buckets):
                baseline.samples[phase] = buckets
        opened = data.get("open")
        for phase, raw in opened.items() if isinstance(opened, Mapping) else []:
            if phase in PHASES and isinstance(raw, list) and len(raw) == 3:
                index, total, count = _int(raw[0]), raw[1], _int(raw[2])
                if index is None or count is None or count <= 0 or isinstance(total, bool):
                    continue
                if isinstance(total, int | float) and 0 <= total <= PLAUSIBLE_A * count:
                    baseline.open[phase] = _Open(index, float(total), count)
        return baseline


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _samples(raw: list[Any]) -> list[tuple[int, float]]:
    """Valid ``[day, amps]`` pairs, the newest ``MAX_SAMPLES`` within the window."""
    found: list[tuple[int, float]] = []
    for item in raw:
        if not isinstance(item, list | tuple) or len(item) != 2:
            continue
        day, amps = _int(item[0]), _amps(item[1])
        if day is not None and amps is not None:
            found.append((day, amps))
    if not found:
        return []
    newest = max(d for d, _a in found)
    return [s for s in found if s[0] > newest - WINDOW_DAYS][-MAX_SAMPLES:]
