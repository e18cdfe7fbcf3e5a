"""The house baseline: the expected draw per phase and quarter hour, and the headroom
and surplus a plan may count on (hypothesis properties for the invariants)."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.dynamic_ocpp_evse.engine.baseline import (
    BUCKETS,
    DAY_S,
    MAX_SAMPLES,
    SUB_S,
    Baseline,
    bucket_of,
)
from custom_components.dynamic_ocpp_evse.engine.plan import PlanRequest, make_plan, slots_between
from custom_components.dynamic_ocpp_evse.engine.plan_limits import (
    headroom_intervals,
    surplus_intervals,
)

HOUR = 3600.0
EVENING = 18 * HOUR  # 18:00 UTC


def _learn(baseline: Baseline, days: int, at_s: float, amps: dict[str, float]) -> None:
    """One reading per minute for 15 minutes at ``at_s`` (time of day) on each day."""
    for day in range(days):
        for minute in range(15):
            baseline.add(day * DAY_S + at_s + minute * 60.0, amps)


def _closed(baseline: Baseline, at_s: float) -> None:
    """A reading in a later sub-slot closes the open ones (phase by phase)."""
    baseline.add(at_s, {"A": 0.0, "B": 0.0, "C": 0.0})


def test_a_busy_evening_is_expected_at_its_90th_percentile() -> None:
    baseline = Baseline()
    # 10 evenings at 10 A on L1, one evening with a 40 A peak: the peak does not count
    for day in range(10):
        for minute in range(15):
            baseline.add(day * DAY_S + EVENING + minute * 60, {"A": 10.0, "B": 2.0})
    for minute in range(15):
        baseline.add(10 * DAY_S + EVENING + minute * 60, {"A": 40.0, "B": 2.0})
    _closed(baseline, 11 * DAY_S)
    assert baseline.expected_a("A", 20 * DAY_S + EVENING + 120) == pytest.approx(10.0)
    assert baseline.expected_a("B", EVENING) == pytest.approx(2.0)
    # another time of day with no samples takes the phase's overall 90th percentile
    assert baseline.expected_a("A", 3 * HOUR) == pytest.approx(10.0)
    assert baseline.expected_a("C", EVENING) is None  # never seen


def test_local_time_decides_the_bucket() -> None:
    assert bucket_of(0.0) == 0
    assert bucket_of(EVENING) == 72
    assert bucket_of(EVENING, utc_offset_s=HOUR) == 76  # 19:00 local
    assert bucket_of(DAY_S - 1) == BUCKETS - 1


def test_samples_older_than_14_days_are_forgotten() -> None:
    baseline = Baseline()
    for minute in range(5):
        baseline.add(EVENING + minute * 60, {"A": 30.0})
    for day in range(15, 18):  # three recent evenings at 5 A
        for minute in range(5):
            baseline.add(day * DAY_S + EVENING + minute * 60, {"A": 5.0})
    _closed(baseline, 19 * DAY_S)
    assert baseline.expected_a("A", EVENING) == pytest.approx(5.0)


def test_garbage_is_ignored_and_negative_counts_as_zero() -> None:
    baseline = Baseline()
    hostile: list[Any] = [math.nan, math.inf, -math.inf, None, "12", True, 5000.0, [1]]
    for k, value in enumerate(hostile):
        baseline.add(EVENING + k, {"A": value, "X": 3.0})
    baseline.add(math.nan, {"A": 3.0})
    assert baseline.sample_count() == 0 and not baseline.open
    baseline.add(EVENING, {"A": -8.0})  # exporting: the house draws nothing from the grid
    _closed(baseline, EVENING + SUB_S)
    assert baseline.expected_a("A", EVENING) == 0.0


def test_the_dict_form_survives_json_and_hostile_content_is_left_out() -> None:
    baseline = Baseline()
    _learn(baseline, 3, EVENING, {"A": 7.5, "B": 1.0})
    again = Baseline.from_dict(json.loads(json.dumps(baseline.to_dict())))
    assert again == baseline
    assert Baseline.from_dict(None) == Baseline()
    assert Baseline.from_dict({"format": 99, "phases": {}}) == Baseline()
    hostile = {
        "format": 1,
        "phases": {
            "A": {"72": [[1, 5.0], [2, "x"], [3, math.nan], ["d", 1.0], [4]], "999": [[1, 1.0]]},
            "Z": {"1": [[1, 1.0]]},
            "B": "nonsense",
        },
        "open": {"A": [1, math.inf, 3], "B": [1, 2.0, 0], "C": "x"},
    }
    parsed = Baseline.from_dict(hostile)
    assert parsed.sample_count() == 1 and parsed.expected_a("A", EVENING) == 5.0
    assert not parsed.open


@st.composite
def histories(draw: Any) -> list[tuple[float, dict[str, Any]]]:
    count = draw(st.integers(0, 200))
    times = draw(
        st.lists(st.floats(0, 40 * DAY_S, allow_nan=False), min_size=count, max_size=count)
    )
    value = st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.floats(-20, 80),
        st.none(),
        st.text(max_size=2),
    )
    readings = draw(
        st.lists(
            st.dictionaries(st.sampled_from(["A", "B", "C", "N"]), value, max_size=4),
            min_size=count,
            max_size=count,
        )
    )
    return sorted(zip(times, readings, strict=True), key=lambda r: r[0])


def _build(history: list[tuple[float, dict[str, Any]]]) -> Baseline:
    baseline = Baseline()
    for at_s, amps in history:
        baseline.add(at_s, amps)
    return baseline


def _max_sample(history: list[tuple[float, dict[str, Any]]], phase: str) -> float:
    good = [
        v
        for _t, amps in history
        for p, v in amps.items()
        if p == phase and isinstance(v, float) and math.isfinite(v) and abs(v) <= 1000
    ]
    return max([0.0, *good])


@settings(max_examples=200, deadline=None)
@given(histories(), st.floats(0, 50 * DAY_S))
def test_expected_draw_is_never_negative_bounded_by_the_samples_and_deterministic(
    history: list[tuple[float, dict[str, Any]]], at_s: float
) -> None:
    baseline = _build(history)
    assert baseline == _build(history)  # deterministic
    for phase in ("A", "B", "C"):
        expected = baseline.expected_a(phase, at_s)
        if expected is not None:
            assert 0.0 <= expected <= _max_sample(history, phase) + 0.01
    # memory bounded: at most 14 days x 3 samples per phase and bucket
    for buckets in baseline.samples.values():
        assert len(buckets) == BUCKETS
        assert all(len(kept) <= MAX_SAMPLES for kept in buckets)
    assert Baseline.from_dict(json.loads(json.dumps(baseline.to_dict()))) == baseline


def test_memory_stays_bounded_over_a_long_history() -> None:
    baseline = Baseline()
    for k in range(int(60 * DAY_S / 60)):  # 60 days, one reading a minute
        baseline.add(k * 60.0, {"A": float(k % 17), "B": 3.0, "C": 1.0})
    assert baseline.sample_count() <= 3 * BUCKETS * MAX_SAMPLES
    assert len(json.dumps(baseline.to_dict())) < 300_000


def test_headroom_is_the_breaker_less_the_expected_house_on_the_tightest_phase() -> None:
    baseline = Baseline()
    _learn(baseline, 7, EVENING, {"A": 15.0, "B": 4.0, "C": 4.0})
    _closed(baseline, 8 * DAY_S)
    # 25 A breaker, 230 V, a 3-phase charger: (25 - 15) x 230 x 3 = 6900 W at 18:00
    day = 10 * DAY_S
    room = headroom_intervals(
        baseline,
        day + EVENING,
        day + EVENING + HOUR,
        breaker_a=25.0,
        volts=230.0,
        load_phases=["A", "B", "C"],
        site_phases=["A", "B", "C"],
    )
    assert room[0] == (day + EVENING, day + EVENING + 900, pytest.approx(6900.0))
    # an import limit of 8 kW: 8000 - (15 + 4 + 4) x 230 = 2710 W
    capped = headroom_intervals(
        baseline,
        day + EVENING,
        day + EVENING + 900,
        breaker_a=25.0,
        volts=230.0,
        load_phases=["A", "B", "C"],
        site_phases=["A", "B", "C"],
        import_limit_w=8000.0,
    )
    assert capped[0][2] == pytest.approx(2710.0)
    # the plan never plans above it: 11 kW charger, 10 kWh in an hour cannot be met
    slots = slots_between(day + EVENING, day + EVENING + HOUR, [], [], 11040.0, room)
    plan = make_plan(PlanRequest(10000, day + EVENING + HOUR, slots, 4140))
    assert plan.status == "infeasible"
    assert all(s.grid_w <= 6900.0 + 0.1 for s in plan.slots)


def test_no_history_means_no_headroom_interval() -> None:
    room = headroom_intervals(
        Baseline(),
        0.0,
        HOUR,
        breaker_a=25.0,
        volts=230.0,
        load_phases=["A"],
        site_phases=["A"],
    )
    assert room == []


def test_surplus_is_production_less_the_expected_house() -> None:
    baseline = Baseline()
    _learn(baseline, 3, 12 * HOUR, {"A": 2.0, "B": 2.0, "C": 2.0})
    _closed(baseline, 5 * DAY_S)
    noon = 10 * DAY_S + 12 * HOUR
    production = [(noon, noon + HOUR, 5000.0)]
    surplus = surplus_intervals(
        baseline, production, noon, noon + 1800, volts=230.0, site_phases=["A", "B", "C"]
    )
    assert [s[2] for s in surplus] == [pytest.approx(5000 - 6 * 230)] * 2
    assert surplus_intervals(baseline, None, noon, noon + 900, volts=230, site_phases=["A"]) == []


@settings(max_examples=200, deadline=None)
@given(
    histories(),
    st.floats(0, 40 * DAY_S),
    st.floats(0, 6 * HOUR),
    st.floats(0, 100),
    st.one_of(st.none(), st.floats(-1000, 30000)),
)
def test_a_plan_never_plans_above_the_expected_hard_limit(
    history: list[tuple[float, dict[str, Any]]],
    now_s: float,
    span_s: float,
    breaker_a: float,
    import_limit_w: float | None,
) -> None:
    baseline = _build(history)
    room = headroom_intervals(
        baseline,
        now_s,
        now_s + span_s,
        breaker_a=breaker_a,
        volts=230.0,
        load_phases=["A", "B", "C"],
        site_phases=["A", "B", "C"],
        import_limit_w=import_limit_w,
    )
    slots = slots_between(now_s, now_s + span_s, [], [], 11040.0, room)
    plan = make_plan(PlanRequest(20000, now_s + span_s, slots, 4140))
    for slot in plan.slots:
        house = [baseline.expected_a(p, slot.start_s) for p in ("A", "B", "C")]
        if all(a is None for a in house):
            continue
        tightest = min(breaker_a - a for a in house if a is not None)
        assert slot.grid_w + slot.solar_w <= max(0.0, tightest) * 230 * 3 + 0.2
        if import_limit_w is not None:
            total = sum(a for a in house if a is not None) * 230
            assert slot.grid_w <= max(0.0, import_limit_w - total) + 0.2
