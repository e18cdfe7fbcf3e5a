"""What the plans already made take from the site, slot by slot.

A hub plans its chargers one after the other (the earliest departure first).
Each plan takes, in every 15-minute slot, current on the load's phases (its
planned grid power and the forecast surplus it counts on, as the planner counts
both against a load's room), grid power from the import limit, and the forecast
surplus it counts on. :func:`.plan_limits.headroom_intervals` and
:func:`.plan_limits.surplus_intervals` leave that out for the next plan, so
plans together never count on more than the site has.

Worked example: a 25 A breaker, a house expected at 5 A on every phase, two
three-phase cars whose plans want the same cheap night hour. The first (the
earlier departure) plans 11 kW there (16 A per phase); the second may then
count on (25 - 5 - 16) A x 230 V x 3 = 2,760 W in that hour, not on the
13,800 W the breaker leaves the first: less than its 6 A minimum (4,140 W),
so it plans the dearer hours instead.

A load below circuits (sub-breakers) also counts only on what the plans before
it left of each circuit's limit (:func:`circuits_above`).

Pure: no Home Assistant, no clock.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from .plan import SLOT_S, Plan


def slot_index(start_s: float) -> int:
    """The 15-minute slot that ``start_s`` falls in."""
    return math.floor(start_s / SLOT_S)


class PlannedUse:
    """Current per phase, grid power and forecast surplus taken per slot so far."""

    def __init__(self) -> None:
        self.amps: dict[tuple[int, str], float] = {}
        self.grid_w: dict[int, float] = {}
        self.solar_w: dict[int, float] = {}
        self.circuit_amps: dict[tuple[int, str, str], float] = {}
        self.booked: list[tuple[Plan, tuple[str, ...], float, tuple[str, ...]]] = []

    def book(
        self, plan: Plan, phases: Sequence[str], volts: float, circuits: Sequence[str] = ()
    ) -> None:
        """Add what ``plan`` takes, the load being wired to ``phases`` at ``volts``
        below the circuits ``circuits``."""
        self.booked.append((plan, tuple(phases), volts, tuple(circuits)))
        if not phases or not math.isfinite(volts) or volts <= 0:
            return
        per_amp_w = volts * len(phases)
        for slot in plan.slots:
            grid = _positive(slot.grid_w)
            solar = _positive(slot.solar_w)
            if grid <= 0 and solar <= 0:
                continue
            index = slot_index(slot.start_s)
            amps = (grid + solar) / per_amp_w
            for phase in phases:
                self.amps[(index, phase)] = self.amps.get((index, phase), 0.0) + amps
                for circuit in circuits:
                    key = (index, circuit, phase)
                    self.circuit_amps[key] = self.circuit_amps.get(key, 0.0) + amps
            self.grid_w[index] = self.grid_w.get(index, 0.0) + grid
            self.solar_w[index] = self.solar_w.get(index, 0.0) + solar

    def amps_on(self, index: int, phase: str, circuit: str | None = None) -> float:
        """Current taken on ``phase`` in slot ``index`` (A), at the site or below
        ``circuit``."""
        if circuit is None:
            return self.amps.get((index, phase), 0.0)
        return self.circuit_amps.get((index, circuit, phase), 0.0)

    def key(self) -> tuple[object, ...]:
        """What was booked, as a value (a plan made after these depends on it): the
        plans themselves, so a repeated cycle compares them by identity first."""
        return tuple(self.booked)


CircuitLimit = tuple[str, dict[str, float]]
"""A circuit above a load: its id and its limit per phase (A)."""


def circuits_above(
    circuits: Sequence[Mapping[str, Any]], load_id: str, phases: Sequence[str]
) -> list[CircuitLimit]:
    """The circuits a load is below (its own and every one containing it), from the
    scenario's ``circuits`` (``id``, ``limit_a``: amps or amps per phase,
    ``members``: loads and circuits, ``parent``), each with its limit on ``phases``."""
    by_id = {str(c.get("id")): c for c in circuits}
    parent_of: dict[str, str] = {}
    for circuit in circuits:
        for member in circuit.get("members") or ():
            if str(member) in by_id:
                parent_of.setdefault(str(member), str(circuit.get("id")))
        parent = circuit.get("parent")
        if parent is not None and str(parent) in by_id:
            parent_of.setdefault(str(circuit.get("id")), str(parent))
    found: list[CircuitLimit] = []
    seen: set[str] = set()
    node = next(
        (str(c.get("id")) for c in circuits if load_id in [str(m) for m in c.get("members") or ()]),
        None,
    )
    while node is not None and node not in seen:  # up the tree (a loop ends it)
        seen.add(node)
        limit = _per_phase(by_id[node].get("limit_a"), phases)
        if limit:
            found.append((node, limit))
        node = parent_of.get(node)
    return found


def _per_phase(raw: Any, phases: Sequence[str]) -> dict[str, float]:
    """A circuit's limit on each of ``phases`` (A; unusable values left out)."""
    if isinstance(raw, Mapping):
        values = {p: raw.get(p) for p in phases}
    else:
        values = dict.fromkeys(phases, raw)
    return {
        p: float(v)
        for p, v in values.items()
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) and v >= 0
    }


def _positive(value: float) -> float:
    return value if math.isfinite(value) and value > 0 else 0.0
