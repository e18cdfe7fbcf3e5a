"""What a plan may count on per slot: expected headroom and forecast surplus.

From the house baseline (``baseline.py``) and the site's hard limits, per
15-minute slot from ``now_s`` to ``departure_s``, as ``(start_s, end_s, W)``
intervals for :func:`.plan.slots_between`:

- **headroom** for one load: the least over the load's phases of
  ``(breaker - expected house draw) x voltage``, times the load's legs; with an
  import limit also at most ``import limit - expected house power`` (all site
  phases). Never below 0. A slot whose phases have no expected draw at all is
  left out (no interval: the load's own maximum applies there, and the
  controller keeps every limit as it executes the plan).
- **surplus**: forecast production minus the expected house power, at least 0.

Both leave out what the plans made before take, and the headroom also keeps to
the circuits above the load (:mod:`.plan_share`).

:func:`plan_load` makes one load's plan on them: what a hub does for each of
its planned chargers in turn.

Pure: the caller passes the UTC offset of local time (buckets are local).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .baseline import Baseline
from .plan import SLOT_S, Plan, PlanRequest, make_plan, slots_between
from .plan_share import CircuitLimit, PlannedUse, slot_index

Interval = tuple[float, float, float]


def _slot_edges(now_s: float, departure_s: float) -> list[tuple[float, float]]:
    if not (math.isfinite(now_s) and math.isfinite(departure_s)) or departure_s <= now_s:
        return []
    first = math.floor(now_s / SLOT_S) * SLOT_S
    count = math.ceil((departure_s - first) / SLOT_S)
    return [(first + k * SLOT_S, first + (k + 1) * SLOT_S) for k in range(count)]


def _finite(value: float | None) -> float | None:
    if value is None or isinstance(value, bool) or not math.isfinite(value):
        return None
    return float(value)


def house_w(
    baseline: Baseline,
    at_s: float,
    site_phases: Sequence[str],
    volts: float,
    utc_offset_s: float = 0.0,
) -> float | None:
    """The expected house power at ``at_s`` over every site phase (W); None: unknown."""
    amps = [baseline.expected_a(p, at_s, utc_offset_s) for p in site_phases]
    known = [a for a in amps if a is not None]
    return sum(known) * volts if known else None


def headroom_intervals(
    baseline: Baseline,
    now_s: float,
    departure_s: float,
    *,
    breaker_a: float,
    volts: float,
    load_phases: Sequence[str],
    site_phases: Sequence[str],
    import_limit_w: float | None = None,
    utc_offset_s: float = 0.0,
    taken: PlannedUse | None = None,
    circuits: Sequence[CircuitLimit] = (),
) -> list[Interval]:
    """The most one load may expect to draw per slot (W) under the hard limits (the
    circuits it is below included), less what the plans made before it take
    (``taken``, :mod:`.plan_share`)."""
    breaker = _finite(breaker_a)
    limit = _finite(import_limit_w)
    if breaker is None or not math.isfinite(volts) or volts <= 0 or not load_phases:
        return []
    out: list[Interval] = []
    for start, end in _slot_edges(now_s, departure_s):
        expected = [baseline.expected_a(p, start, utc_offset_s) for p in load_phases]
        index = slot_index(start)
        used = [0.0 if taken is None else taken.amps_on(index, p) for p in load_phases]
        if all(a is None for a in expected) and not any(used) and not circuits:
            continue  # nothing known, nothing taken: the load's own maximum applies
        legs = [breaker - (a or 0.0) - u for a, u in zip(expected, used, strict=True)]
        for circuit, amps in circuits:
            for k, phase in enumerate(load_phases):
                if phase in amps:
                    left = amps[phase] - (
                        0.0 if taken is None else taken.amps_on(index, phase, circuit)
                    )
                    legs[k] = min(legs[k], left)
        per_leg = max(0.0, min(legs)) * volts
        room = per_leg * len(load_phases)
        if limit is not None:
            house = house_w(baseline, start, site_phases, volts, utc_offset_s) or 0.0
            grid = 0.0 if taken is None else taken.grid_w.get(index, 0.0)
            room = min(room, max(0.0, limit - house - grid))
        out.append((start, end, max(0.0, room)))
    return out


def surplus_intervals(
    baseline: Baseline,
    production_w: Sequence[Interval] | None,
    now_s: float,
    departure_s: float,
    *,
    volts: float,
    site_phases: Sequence[str],
    utc_offset_s: float = 0.0,
    taken: PlannedUse | None = None,
) -> list[Interval]:
    """Forecast surplus per slot: production minus the expected house power and
    the surplus the plans made before take (``taken``), at least 0."""
    if not production_w:
        return []
    out: list[Interval] = []
    for start, end in _slot_edges(now_s, departure_s):
        produced = _at(production_w, max(start, now_s))
        if produced is None or produced <= 0:
            continue
        house = house_w(baseline, start, site_phases, volts, utc_offset_s) or 0.0
        others = 0.0 if taken is None else taken.solar_w.get(slot_index(start), 0.0)
        surplus = max(0.0, produced - house - others)
        if surplus > 0:
            out.append((start, end, surplus))
    return out


def _at(intervals: Sequence[Interval], t: float) -> float | None:
    for start, end, value in intervals:
        if start <= t < end and math.isfinite(value):
            return float(value)
    return None


@dataclass(frozen=True, slots=True)
class SiteLimits:
    """The site's hard limits and wiring, as a plan sees them."""

    breaker_a: float
    volts: float
    site_phases: Sequence[str]
    import_limit_w: float | None = None
    utc_offset_s: float = 0.0


def plan_load(
    baseline: Baseline,
    site: SiteLimits,
    taken: PlannedUse,
    *,
    now_s: float,
    departure_s: float,
    need_wh: float,
    load_phases: Sequence[str],
    min_w: float,
    max_w: float,
    prices: list[Interval],
    production_w: list[Interval] | None,
    circuits: Sequence[CircuitLimit] = (),
) -> Plan:
    """The plan of one load on what the plans before it left (``taken``; the
    caller books this one there before planning the next)."""
    headroom = headroom_intervals(
        baseline,
        now_s,
        departure_s,
        breaker_a=site.breaker_a,
        volts=site.volts,
        load_phases=load_phases,
        site_phases=site.site_phases,
        import_limit_w=site.import_limit_w,
        utc_offset_s=site.utc_offset_s,
        taken=taken,
        circuits=circuits,
    )
    surplus = surplus_intervals(
        baseline,
        production_w,
        now_s,
        departure_s,
        volts=site.volts,
        site_phases=site.site_phases,
        utc_offset_s=site.utc_offset_s,
        taken=taken,
    )
    slots = slots_between(now_s, departure_s, prices, surplus, max_w, headroom)
    return make_plan(PlanRequest(need_wh, departure_s, slots, min_w, full_w=max_w))
