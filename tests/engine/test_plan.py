"""The planner: cheapest energy by the departure, within every hard limit (hypothesis)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.dynamic_ocpp_evse.engine.plan import (
    PlanRequest,
    Slot,
    make_plan,
    slots_between,
)

HOUR = 3600.0
Q = 900.0


def _slots(
    prices: list[float | None], surplus: list[float], max_w: float = 11000
) -> tuple[Slot, ...]:
    return tuple(
        Slot(start_s=k * Q, length_s=Q, price=p, surplus_w=s, max_w=max_w)
        for k, (p, s) in enumerate(zip(prices, surplus, strict=True))
    )


def test_a_cheap_night_is_used_before_an_expensive_evening() -> None:
    # 4 slots: 0.40, 0.10, 0.10, 0.40 per kWh; 11 kW charger; need 5.5 kWh = 2 slots at 11 kW
    plan = make_plan(PlanRequest(5500, 4 * Q, _slots([0.40, 0.10, 0.10, 0.40], [0, 0, 0, 0]), 4140))
    assert plan.status == "ok"
    assert [s.grid_w for s in plan.slots] == [0.0, 11000.0, 11000.0, 0.0]
    assert plan.cost == pytest.approx(5.5 * 0.10)
    assert plan.next_start_s == Q
    assert plan.finish_s == pytest.approx(3 * Q)


def test_forecast_surplus_comes_first_and_is_not_forced_from_the_grid() -> None:
    plan = make_plan(PlanRequest(2000, 4 * Q, _slots([0.3] * 4, [0, 4000, 4000, 0]), 1380))
    assert [s.grid_w for s in plan.slots] == [0.0, 0.0, 0.0, 0.0]
    assert plan.solar_wh == pytest.approx(2000)
    assert plan.cost == 0.0


def test_a_grid_slot_runs_at_least_at_the_minimum_power() -> None:
    plan = make_plan(PlanRequest(100, 2 * Q, _slots([0.2, 0.3], [0, 0]), 4140))
    assert [s.grid_w for s in plan.slots] == [4140.0, 0.0]


def test_without_prices_grid_energy_goes_as_early_as_needed() -> None:
    plan = make_plan(PlanRequest(5500, 4 * Q, _slots([None] * 4, [0, 0, 0, 0]), 4140))
    assert [s.grid_w for s in plan.slots] == [11000.0, 11000.0, 0.0, 0.0]
    assert plan.cost is None  # prices unknown: no cost to show


def test_an_infeasible_target_is_flagged_and_charges_as_fast_as_allowed() -> None:
    plan = make_plan(PlanRequest(50000, 4 * Q, _slots([0.1] * 4, [0] * 4, max_w=7000), 1380))
    assert plan.status == "infeasible" and not plan.feasible
    assert [s.grid_w for s in plan.slots] == [7000.0] * 4


def test_an_infeasible_target_says_whether_time_or_the_limits_are_short() -> None:
    # 50 kWh in an hour: not even the charger's full 11 kW would do it
    slots = _slots([0.1] * 4, [0] * 4, max_w=7000)
    plan = make_plan(PlanRequest(50000, 4 * Q, slots, 1380, full_w=11000))
    assert plan.shortfall_reason == "not_enough_time"
    # 10 kWh in an hour: 11 kW would do it, the expected headroom of 7 kW does not
    plan = make_plan(PlanRequest(10000, 4 * Q, slots, 1380, full_w=11000))
    assert plan.status == "infeasible" and plan.shortfall_reason == "limits"
    # a feasible plan has no shortfall
    assert make_plan(PlanRequest(5000, 4 * Q, slots, 1380, full_w=11000)).shortfall_reason is None


def test_nothing_needed_is_done() -> None:
    plan = make_plan(PlanRequest(0, 4 * Q, _slots([0.1] * 4, [0] * 4), 1380))
    assert plan.status == "done" and all(s.grid_w == 0 for s in plan.slots)


def test_slots_follow_the_price_intervals_and_the_headroom() -> None:
    prices = [(0.0, HOUR, 0.30), (HOUR, 2 * HOUR, 0.10)]
    headroom = [(HOUR, 2 * HOUR, 3000.0)]
    slots = slots_between(600.0, 2 * HOUR, prices, [], 11000, headroom)
    assert slots[0].start_s == 600.0 and slots[0].length_s == 300.0
    assert [s.price for s in slots] == [0.30] * 4 + [0.10] * 4  # 600-900, then every 15 min
    assert [s.max_w for s in slots] == [11000.0] * 4 + [3000.0] * 4
    assert slots_between(100.0, 50.0, prices, [], 11000) == ()


@st.composite
def requests(draw: Any) -> PlanRequest:
    count = draw(st.integers(1, 24))
    rnd = random.Random(draw(st.integers(0, 2**32)))
    with_prices = draw(st.booleans())
    slots = tuple(
        Slot(
            start_s=k * Q,
            length_s=Q,
            price=round(rnd.uniform(-0.05, 0.6), 3) if with_prices else None,
            surplus_w=rnd.choice([0.0, 0.0, rnd.uniform(0, 6000)]),
            max_w=rnd.choice([11000.0, 7400.0, rnd.uniform(0, 11000)]),
        )
        for k in range(count)
    )
    return PlanRequest(
        need_wh=draw(st.floats(0, 60000)),
        departure_s=draw(st.floats(0, count * Q)),
        slots=slots,
        min_w=draw(st.sampled_from([0.0, 1380.0, 4140.0])),
    )


def _hours(slot: Slot, departure_s: float) -> float:
    seconds = max(0.0, min(slot.length_s, departure_s - slot.start_s))
    return seconds / HOUR if seconds >= 1.0 else 0.0  # the planner skips slivers under 1 s


def _capacity_wh(request: PlanRequest) -> float:
    total = 0.0
    for slot in request.slots:
        hours = _hours(slot, request.departure_s)
        if slot.max_w >= request.min_w:
            total += slot.max_w * hours
        else:
            total += min(slot.surplus_w, slot.max_w) * hours
    return total


@settings(max_examples=300, deadline=None)
@given(requests())
def test_never_above_a_hard_limit_and_feasible_targets_are_met(request: PlanRequest) -> None:
    plan = make_plan(request)
    caps = {s.start_s: s.max_w for s in request.slots}
    for slot in plan.slots:
        assert slot.grid_w >= 0 and slot.solar_w >= 0
        assert slot.grid_w + slot.solar_w <= caps[slot.start_s] + 0.1
        if slot.grid_w > 0:
            assert slot.grid_w + slot.solar_w >= min(request.min_w, caps[slot.start_s]) - 0.1
        assert slot.start_s < request.departure_s
    if request.need_wh <= _capacity_wh(request) - 1.0:
        assert plan.status in ("ok", "done")
        assert plan.planned_wh >= request.need_wh - 1.0
    if plan.status == "infeasible":
        assert request.need_wh > _capacity_wh(request) - 1.0 - 1e-6 or request.min_w > 0
        assert plan.shortfall_reason in ("not_enough_time", "limits")
    else:
        assert plan.shortfall_reason is None


@settings(max_examples=300, deadline=None)
@given(requests(), st.floats(0, 22000))
def test_not_enough_time_only_when_full_power_could_not_do_it(
    request: PlanRequest, full_w: float
) -> None:
    request = PlanRequest(request.need_wh, request.departure_s, request.slots, 0.0, full_w)
    plan = make_plan(request)
    hours = sum(_hours(s, request.departure_s) for s in request.slots)
    if plan.shortfall_reason == "not_enough_time":
        assert full_w * hours < request.need_wh
    if plan.shortfall_reason == "limits":
        assert full_w * hours >= request.need_wh - 1e-3


@settings(max_examples=300, deadline=None)
@given(requests(), st.integers(0, 2**32))
def test_no_other_feasible_order_is_cheaper(request: PlanRequest, seed: int) -> None:
    """Without a minimum power, filling the slots in any other order costs no less."""
    request = PlanRequest(request.need_wh, request.departure_s, request.slots, 0.0)
    if any(s.price is None for s in request.slots):
        return
    plan = make_plan(request)
    if plan.status != "ok" or plan.cost is None:
        return
    order = list(range(len(request.slots)))
    random.Random(seed).shuffle(order)
    left, cost = request.need_wh, 0.0
    for i in order:  # surplus first (free), then grid in a random order
        slot = request.slots[i]
        hours = _hours(slot, request.departure_s)
        left -= min(slot.surplus_w, slot.max_w) * hours
    for i in order:
        if left <= 0:
            break
        slot = request.slots[i]
        hours = _hours(slot, request.departure_s)
        room = (slot.max_w - min(slot.surplus_w, slot.max_w)) * hours
        take = min(room, left)
        left -= take
        cost += take / 1000 * (slot.price or 0.0)
    if left <= 1e-6:
        assert plan.cost <= cost + 1e-3
