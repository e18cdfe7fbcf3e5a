"""Plans: "so much energy by that time, as cheaply as possible" for one load.

Pure: the caller passes the slots (15 minutes by default) from now to the
departure, each with its expected price, the solar surplus forecast for the
load and the most the load may draw there under every hard limit (the expected
per-phase headroom over a house baseline, the import cap, the load's maximum).
The planner answers, per slot, the **planned minimum**: the grid power the
controller must give the load there whatever its mode says; forecast surplus on
top keeps flowing as the mode says.

How: every slot offers two kinds of energy, forecast surplus (free) and grid
energy (at the slot's price). The cheapest energy is taken first until the
target is met: surplus in any slot, then grid energy by price (the earlier slot
first at equal prices; without prices, grid energy counts the same everywhere,
so the plan minimises grid energy and charges as early as needed). A slot with
grid energy runs at least at the load's minimum power (a car cannot charge at
less than 6 A), so the last grid slot may take a little more than needed.

When the target cannot be met before the departure the plan says so
(``feasible`` False) and why (``shortfall_reason``): ``not_enough_time`` when
even the load's full power (``PlanRequest.full_w``, no expected headroom) in
every slot left would not meet it, otherwise ``limits`` (the expected headroom
or the import limit prevent it). It then asks for every slot at its most:
charge as fast as the limits allow. The plan is recomputed whenever its inputs change (prices,
forecast, target, measured progress); nothing here remembers a previous plan.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

SLOT_S = 900.0
EPS_WH = 1e-6


@dataclass(frozen=True, slots=True)
class Slot:
    """One planning slot: ``[start_s, start_s + length_s)``."""

    start_s: float
    length_s: float
    price: float | None
    """Grid energy price in this slot (any currency per kWh); None: unknown."""
    surplus_w: float
    """Forecast surplus the load may take here (W, >= 0)."""
    max_w: float
    """The most the load may draw here under every hard limit (W, >= 0)."""


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """What to plan: ``need_wh`` more energy by ``departure_s``, from ``slots``."""

    need_wh: float
    departure_s: float
    slots: tuple[Slot, ...]
    min_w: float
    """The least the load can run at (its minimum current, on its phases)."""
    full_w: float | None = None
    """The load's own maximum without any expected limit (None: the most of any slot)."""


@dataclass(frozen=True, slots=True)
class PlannedSlot:
    """The plan for one slot."""

    start_s: float
    length_s: float
    grid_w: float
    """Planned minimum from the grid (the floor under the load's mode)."""
    solar_w: float
    """Forecast surplus the plan counts on (flows as the mode says)."""
    price: float | None


@dataclass(frozen=True, slots=True)
class Plan:
    """A plan and what it promises."""

    status: str
    """``done`` (nothing needed), ``ok`` or ``infeasible``."""
    slots: tuple[PlannedSlot, ...]
    planned_wh: float
    solar_wh: float
    cost: float | None
    """Expected cost of the planned grid energy (None when a price is unknown)."""
    next_start_s: float | None
    """Start of the first slot with planned grid energy (None: none)."""
    finish_s: float | None
    """When the target is expected to be met (None: not before the departure)."""
    shortfall_reason: str | None = None
    """Infeasible plans: ``not_enough_time`` or ``limits`` (see the module docstring)."""

    @property
    def feasible(self) -> bool:
        """Whether the target is met by the departure."""
        return self.status != "infeasible"

    def grid_w_at(self, now_s: float) -> float:
        """The planned minimum at ``now_s`` (0 outside every slot)."""
        for slot in self.slots:
            if slot.start_s <= now_s < slot.start_s + slot.length_s:
                return slot.grid_w
        return 0.0


def _usable(slot: Slot, departure_s: float) -> float:
    """Seconds of a slot before the departure."""
    return max(0.0, min(slot.length_s, departure_s - slot.start_s))


def _clean(value: float) -> float:
    return value if math.isfinite(value) and value > 0 else 0.0


def make_plan(request: PlanRequest) -> Plan:
    """The cheapest plan that meets the request (or the fastest, when none can)."""
    need = _clean(request.need_wh)
    slots = [s for s in request.slots if _usable(s, request.departure_s) >= 1.0]
    hours = [_usable(s, request.departure_s) / 3600.0 for s in slots]
    cap_w = [_clean(s.max_w) for s in slots]
    solar_w = [min(_clean(s.surplus_w), cap) for s, cap in zip(slots, cap_w, strict=True)]
    grid_w = [0.0] * len(slots)
    if need <= EPS_WH:
        return _result("done", slots, hours, grid_w, [0.0] * len(slots), need)
    # Free energy first: the forecast surplus of every slot, in time order.
    taken_solar = [0.0] * len(slots)
    left = need
    for i in range(len(slots)):
        if left <= EPS_WH:
            break
        take = min(solar_w[i], left / hours[i])
        taken_solar[i] = take
        left -= take * hours[i]
    min_w = _clean(request.min_w)
    if left > EPS_WH:
        order = sorted(
            range(len(slots)),
            key=lambda i: (math.inf if slots[i].price is None else slots[i].price, i),
        )
        prices_known = any(s.price is not None for s in slots)
        if not prices_known:
            order = list(range(len(slots)))  # no prices: grid energy as early as needed
        for i in order:
            if left <= EPS_WH:
                break
            room = cap_w[i] - taken_solar[i]
            if room <= 0 or cap_w[i] < min_w:
                continue
            power = min(room, left / hours[i])
            # A running slot draws at least the minimum (surplus counted in it).
            power = max(power, min_w - taken_solar[i], 0.0)
            power = min(power, room)
            grid_w[i] = power
            left -= power * hours[i]
    if left > EPS_WH:
        # Infeasible: every slot at its most, as fast as the limits allow.
        grid_w = [
            max(0.0, cap - solar) if cap >= min_w else 0.0
            for cap, solar in zip(cap_w, solar_w, strict=True)
        ]
        plan = _result("infeasible", slots, hours, grid_w, solar_w, need)
        return replace(plan, shortfall_reason=_shortfall(request, cap_w, hours, need))
    return _result("ok", slots, hours, grid_w, taken_solar, need)


def _shortfall(request: PlanRequest, cap_w: list[float], hours: list[float], need: float) -> str:
    """Why a target cannot be met: too little time even at full power, or the limits."""
    full = request.full_w
    full_w = _clean(full) if full is not None else max(cap_w, default=0.0)
    return "not_enough_time" if full_w * sum(hours) < need - EPS_WH else "limits"


def _result(
    status: str,
    slots: list[Slot],
    hours: list[float],
    grid_w: list[float],
    solar_w: list[float],
    need_wh: float,
) -> Plan:
    planned = tuple(
        PlannedSlot(s.start_s, s.length_s, round(g, 1), round(p, 1), s.price)
        for s, g, p in zip(slots, grid_w, solar_w, strict=True)
    )
    energy = [(g + p) * h for g, p, h in zip(grid_w, solar_w, hours, strict=True)]
    cost: float | None = 0.0
    for slot, g, h in zip(slots, grid_w, hours, strict=True):
        if g > 0:
            cost = None if cost is None or slot.price is None else cost + g * h / 1000 * slot.price
    finish: float | None = None
    done = 0.0
    for slot, e, h in zip(slots, energy, hours, strict=True):
        if e <= 0:
            continue
        if done + e >= need_wh - EPS_WH:
            fraction = (need_wh - done) / e if e > 0 else 0.0
            finish = slot.start_s + max(0.0, min(1.0, fraction)) * h * 3600
            break
        done += e
    if need_wh <= EPS_WH:
        finish = slots[0].start_s if slots else None
    next_start = next((s.start_s for s, g in zip(slots, grid_w, strict=True) if g > 0), None)
    return Plan(
        status=status,
        slots=planned,
        planned_wh=round(sum(energy), 1),
        solar_wh=round(sum(p * h for p, h in zip(solar_w, hours, strict=True)), 1),
        cost=None if cost is None else round(cost, 4),
        next_start_s=next_start,
        finish_s=None if status == "infeasible" and finish is None else finish,
    )


def slots_between(
    now_s: float,
    departure_s: float,
    prices: list[tuple[float, float, float]],
    surplus_w: list[tuple[float, float, float]],
    max_w: float,
    headroom_w: list[tuple[float, float, float]] | None = None,
    slot_s: float = SLOT_S,
) -> tuple[Slot, ...]:
    """Slots from ``now_s`` to ``departure_s`` on the ``slot_s`` grid (the first one
    starts now and ends at the next grid line).

    ``prices``, ``surplus_w`` and ``headroom_w`` are ``(start_s, end_s, value)``
    intervals (any order, may have gaps: a gap is an unknown price, no surplus or
    no known headroom). A slot takes the value of the interval covering its start;
    its ``max_w`` is the load's ``max_w``, lowered to the expected headroom.
    """
    if not (math.isfinite(now_s) and math.isfinite(departure_s)) or departure_s <= now_s:
        return ()
    first = math.floor(now_s / slot_s) * slot_s
    count = math.ceil((departure_s - first) / slot_s)
    out: list[Slot] = []
    for k in range(count):
        start = first + k * slot_s
        length = slot_s
        if k == 0:
            length, start = first + slot_s - now_s, now_s
        room = _value_at(headroom_w or [], start)
        out.append(
            Slot(
                start_s=start,
                length_s=length,
                price=_value_at(prices, start),
                surplus_w=_value_at(surplus_w, start) or 0.0,
                max_w=max_w if room is None else min(max_w, max(0.0, room)),
            )
        )
    return tuple(out)


def _value_at(intervals: list[tuple[float, float, float]], t: float) -> float | None:
    for start, end, value in intervals:
        if start <= t < end and math.isfinite(value):
            return value
    return None
