"""Several plans on one site: each counts only on what the plans before it left,
so together they never expect more than a hard limit allows (breaker per phase,
import limit) or more forecast surplus than there is."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.dynamic_ocpp_evse.engine.baseline import DAY_S, Baseline
from custom_components.dynamic_ocpp_evse.engine.plan import (
    Plan,
)
from custom_components.dynamic_ocpp_evse.engine.plan_limits import (
    SiteLimits,
    headroom_intervals,
    plan_load,
)
from custom_components.dynamic_ocpp_evse.engine.plan_share import (
    PlannedUse,
    circuits_above,
    slot_index,
)

HOUR = 3600.0
VOLTS = 230.0
SITE = ("A", "B", "C")


def _house(amps: dict[str, float]) -> Baseline:
    """A baseline that expects ``amps`` per phase at every time of day."""
    baseline = Baseline()
    for minute in range(2 * 24 * 60 + 10):
        baseline.add(minute * 60.0, amps)
    return baseline


def _plan_all(
    baseline: Baseline,
    cars: list[dict[str, Any]],
    now_s: float,
    *,
    breaker_a: float,
    import_limit_w: float | None = None,
    production: list[tuple[float, float, float]] | None = None,
    circuits: list[dict[str, Any]] | None = None,
) -> list[tuple[dict[str, Any], Plan]]:
    """Plan the cars as a hub does: the earliest departure first, each on what is left."""
    taken = PlannedUse()
    plans = []
    site = SiteLimits(breaker_a, VOLTS, SITE, import_limit_w)
    for car in sorted(cars, key=lambda c: c["departure_s"]):
        phases = car["phases"]
        above = circuits_above(circuits or [], car.get("id", ""), phases)
        plan = plan_load(
            baseline, site, taken, now_s=now_s, departure_s=car["departure_s"],
            need_wh=car["need_wh"], load_phases=phases, min_w=6.0 * VOLTS * len(phases),
            max_w=car["max_a"] * VOLTS * len(phases), prices=car.get("prices", []),
            production_w=production, circuits=above,
        )  # fmt: skip
        taken.book(plan, phases, VOLTS, [c for c, _ in above])
        plans.append((car, plan))
    return plans


def test_a_second_car_counts_only_on_what_the_first_left() -> None:
    """25 A breaker, 5 A of house on every phase, two 3-phase cars wanting the same
    cheap night hour: the first (earlier departure) plans 11 kW there (16 A per
    phase); the second may count on (25 - 5 - 16) A x 230 V x 3 = 2,760 W, not
    13,800 W: less than its 6 A minimum (4,140 W), so it plans the dearer hours."""
    baseline = _house({"A": 5.0, "B": 5.0, "C": 5.0})
    night = 10 * DAY_S + 2 * HOUR
    cheap = [(night, night + HOUR, 0.05), (night + HOUR, night + 6 * HOUR, 0.40)]
    first = {"phases": SITE, "max_a": 16.0, "need_wh": 11040.0, "departure_s": night + 5 * HOUR,
             "prices": cheap}  # fmt: skip
    second = {"phases": SITE, "max_a": 16.0, "need_wh": 11040.0, "departure_s": night + 6 * HOUR,
              "prices": cheap}  # fmt: skip
    (_, plan_1), (_, plan_2) = _plan_all(baseline, [second, first], night, breaker_a=25.0)
    assert [s.grid_w for s in plan_1.slots if s.start_s < night + HOUR] == [11040.0] * 4
    taken = PlannedUse()
    taken.book(plan_1, SITE, VOLTS)
    room = headroom_intervals(
        baseline, night, night + 6 * HOUR, breaker_a=25.0, volts=VOLTS,
        load_phases=SITE, site_phases=SITE, taken=taken,
    )  # fmt: skip
    assert [r[2] for r in room[:4]] == [pytest.approx(2760.0, abs=0.5)] * 4
    assert [r[2] for r in room[4:]] == [pytest.approx(13800.0, abs=0.5)] * 20
    assert [s.grid_w for s in plan_2.slots if s.start_s < night + HOUR] == [0.0] * 4
    # the second still meets its target, in the dearer hours the first left free
    assert plan_2.status == "ok"
    assert sum(s.grid_w for s in plan_2.slots) * 0.25 == pytest.approx(11040.0, abs=1)


def test_the_forecast_surplus_is_shared_not_counted_twice() -> None:
    baseline = _house({"A": 1.0, "B": 1.0, "C": 1.0})
    noon = 10 * DAY_S + 12 * HOUR
    production = [(noon, noon + HOUR, 5690.0)]  # 5 kW over the 690 W house
    cars = [
        {"phases": SITE, "max_a": 16.0, "need_wh": 3000.0, "departure_s": noon + HOUR},
        {"phases": ("A",), "max_a": 32.0, "need_wh": 3000.0, "departure_s": noon + 2 * HOUR},
    ]
    (_, first), (_, second) = _plan_all(baseline, cars, noon, breaker_a=63.0, production=production)
    for a, b in zip(first.slots, second.slots, strict=False):
        assert a.solar_w + b.solar_w <= 5000.0 + 0.2
    assert first.solar_wh == pytest.approx(3000.0, abs=1)  # it came first
    assert second.solar_wh == pytest.approx(2000.0, abs=1)  # the rest of the hour's sun


def test_the_circuits_above_a_load_are_found_by_members_and_by_parent() -> None:
    circuits = [
        {"id": "site_board", "limit_a": 40, "members": ["garage"]},
        {"id": "garage", "limit_a": {"A": 16, "B": 20, "C": "x"}, "members": ["car1"]},
        {"id": "carport", "limit_a": 25, "members": ["car2"], "parent": "site_board"},
        {"id": "loop_a", "limit_a": 10, "members": ["loop_b", "car3"]},
        {"id": "loop_b", "limit_a": 10, "members": ["loop_a"]},
    ]
    assert circuits_above(circuits, "car1", SITE) == [
        ("garage", {"A": 16.0, "B": 20.0}),
        ("site_board", {"A": 40.0, "B": 40.0, "C": 40.0}),
    ]
    assert circuits_above(circuits, "car2", ("B",)) == [
        ("carport", {"B": 25.0}),
        ("site_board", {"B": 40.0}),
    ]
    assert [c for c, _ in circuits_above(circuits, "car3", SITE)] == ["loop_a", "loop_b"]
    assert circuits_above(circuits, "elsewhere", SITE) == []


def test_two_cars_below_one_circuit_share_its_limit() -> None:
    """A 16 A garage circuit with two 1-phase cars (6-16 A) on L1, a roomy breaker:
    the first plans 16 A in the cheap hour, the second may count on nothing there."""
    baseline = _house({"A": 1.0, "B": 1.0, "C": 1.0})
    night = 10 * DAY_S + 2 * HOUR
    cheap = [(night, night + HOUR, 0.05), (night + HOUR, night + 8 * HOUR, 0.40)]
    cars = [
        {
            "id": f"car{k}",
            "phases": ("A",),
            "max_a": 16.0,
            "need_wh": 3680.0,
            "departure_s": night + (5 + k) * HOUR,
            "prices": cheap,
        }  # fmt: skip
        for k in (1, 2)
    ]
    garage = [{"id": "garage", "limit_a": 16, "members": ["car1", "car2"]}]
    (_, first), (_, second) = _plan_all(baseline, cars, night, breaker_a=63.0, circuits=garage)
    assert [s.grid_w for s in first.slots[:4]] == [3680.0] * 4
    assert [s.grid_w for s in second.slots[:4]] == [0.0] * 4
    assert second.status == "ok"  # in the dearer hours
    # without the circuit, both would have planned the cheap hour
    (_, a), (_, b) = _plan_all(baseline, cars, night, breaker_a=63.0)
    assert [s.grid_w for s in b.slots[:4]] == [3680.0] * 4


@st.composite
def _cars(draw: Any) -> list[dict[str, Any]]:
    count = draw(st.integers(2, 4))
    return [
        {
            "id": f"car{k}",
            "phases": draw(st.sampled_from([SITE, ("A",), ("B",), ("C",)])),
            "max_a": draw(st.sampled_from([10.0, 16.0, 32.0])),
            "need_wh": draw(st.floats(0, 40000)),
            "departure_s": draw(st.floats(900, 8 * HOUR)),
            "prices": [
                (0.0, 4 * HOUR, draw(st.floats(0, 1))),
                (4 * HOUR, 30 * HOUR, draw(st.floats(0, 1))),
            ],
        }  # fmt: skip
        for k in range(count)
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.fixed_dictionaries({p: st.floats(0, 30) for p in SITE}),
    _cars(),
    st.floats(6, 63),
    st.one_of(st.none(), st.floats(0, 40000)),
    st.one_of(st.none(), st.floats(0, 20000)),
    st.floats(0, 2 * HOUR),
    st.one_of(st.none(), st.floats(0, 40)),
)
def test_plans_together_never_count_on_more_than_the_site_has(
    house: dict[str, float],
    cars: list[dict[str, Any]],
    breaker_a: float,
    import_limit_w: float | None,
    production_w: float | None,
    now_s: float,
    circuit_a: float | None,
) -> None:
    """Also with a circuit (when drawn) over the first two cars."""
    baseline = _house(house)
    day = 10 * DAY_S
    now = day + now_s
    for car in cars:
        car["departure_s"] += now
        car["prices"] = [(day + a, day + b, p) for a, b, p in car["prices"]]
    production = None if production_w is None else [(day, day + 30 * HOUR, production_w)]
    circuits = (
        None
        if circuit_a is None
        else [{"id": "sub", "limit_a": circuit_a, "members": ["car0", "car1"]}]
    )
    plans = _plan_all(
        baseline, cars, now, breaker_a=breaker_a, import_limit_w=import_limit_w,
        production=production, circuits=circuits,
    )  # fmt: skip
    below: dict[tuple[int, str], float] = defaultdict(float)
    amps: dict[tuple[int, str], float] = defaultdict(float)
    grid: dict[int, float] = defaultdict(float)
    solar: dict[int, float] = defaultdict(float)
    for car, plan in plans:
        for slot in plan.slots:
            index = slot_index(slot.start_s)
            for phase in car["phases"]:
                amps[(index, phase)] += (slot.grid_w + slot.solar_w) / VOLTS / len(car["phases"])
                if car["id"] in ("car0", "car1"):
                    below[(index, phase)] += (
                        (slot.grid_w + slot.solar_w) / VOLTS / len(car["phases"])
                    )
            grid[index] += slot.grid_w
            solar[index] += slot.solar_w
    # the house as the baseline expects it (the same at every time of day here)
    expected = {p: baseline.expected_a(p, now) for p in SITE}
    assert all(a == pytest.approx(house[p], abs=0.2) for p, a in expected.items() if a is not None)
    house_a = {p: a or 0.0 for p, a in expected.items()}
    tolerance = 0.2 * len(cars)  # W: each plan's figures are rounded to 0.1 W
    house_w = sum(house_a.values()) * VOLTS
    for (_, phase), used in amps.items():
        assert used <= max(0.0, breaker_a - house_a[phase]) + tolerance / VOLTS
    if import_limit_w is not None:
        assert all(g <= max(0.0, import_limit_w - house_w) + tolerance for g in grid.values())
    for s in solar.values():
        assert s <= max(0.0, (production_w or 0.0) - house_w) + tolerance
    if circuit_a is not None:
        assert all(used <= circuit_a + tolerance / VOLTS for used in below.values())
