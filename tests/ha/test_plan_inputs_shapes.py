"""The solar forecast shape (energy platform ``wh_hours``) as W intervals: hostile input
never raises nor inflates the forecast; arrays add up; the response of a price action
names its area or home."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custom_components.dynamic_ocpp_evse.forecast import PLAUSIBLE_W, add_up, from_wh_hours
from custom_components.dynamic_ocpp_evse.prices import from_response
from tests.ha.plan_input_fixtures import sample

DAY = datetime(2026, 3, 2, tzinfo=UTC)


def _iso(hours: float) -> str:
    return (DAY + timedelta(hours=hours)).isoformat()


def _s(hours: float) -> float:
    return (DAY + timedelta(hours=hours)).timestamp()


def test_wh_per_hour_is_average_watts_and_a_finer_forecast_keeps_its_periods() -> None:
    assert from_wh_hours({"wh_hours": {_iso(11): 1500, _iso(12): 2000}}) == [
        (_s(11), _s(12), 1500.0),
        (_s(12), _s(13), 2000.0),
    ]
    # half hours (250 Wh in 30 min = 500 W); a night gap does not stretch the last
    assert from_wh_hours({"wh_hours": {_iso(8): 250, _iso(8.5): 400, _iso(20): 0}}) == [
        (_s(8), _s(8.5), 500.0),
        (_s(8.5), _s(9.5), 400.0),
        (_s(20), _s(21), 0.0),
    ]


def test_arrays_add_up_where_they_overlap() -> None:
    south = [(_s(10), _s(12), 1000.0)]
    west = [(_s(11), _s(13), 400.0)]
    assert add_up([south, west]) == [
        (_s(10), _s(11), 1000.0),
        (_s(11), _s(12), 1400.0),
        (_s(12), _s(13), 400.0),
    ]
    assert add_up([]) == []


hostile = st.one_of(
    st.none(),
    st.text(max_size=5),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.lists(st.integers(), max_size=2),
)
stamps = st.one_of(
    st.integers(min_value=0, max_value=96).map(lambda q: _iso(q / 4)),
    st.text(max_size=8),
)


forecasts = st.one_of(
    hostile,
    st.dictionaries(
        st.sampled_from(["wh_hours", "x"]), st.dictionaries(stamps, hostile, max_size=12)
    ),
)


@given(forecasts)
def test_a_hostile_forecast_never_raises_nor_gives_an_absurd_value(forecast: Any) -> None:
    out = from_wh_hours(forecast)
    assert all(0 <= w <= PLAUSIBLE_W and start < end for start, end, w in out)
    assert all(a[1] <= b[0] for a, b in pairwise(out))  # no overlap


intervals = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=40),
        st.integers(min_value=1, max_value=8),
        st.floats(min_value=0, max_value=1e5),
    ).map(lambda t: (float(t[0]), float(t[0] + t[1]), t[2])),
    max_size=6,
)


@given(st.lists(intervals, max_size=4))
def test_the_sum_at_any_moment_is_the_sum_of_the_arrays_there(arrays: list[Any]) -> None:
    total = add_up(arrays)
    for moment in [x + 0.5 for x in range(50)]:
        want = sum(w for array in arrays for s, e, w in array if s <= moment < e)
        got = sum(w for s, e, w in total if s <= moment < e)
        assert got == pytest.approx(want)


def test_a_price_response_is_read_for_the_area_or_home_named() -> None:
    nordpool = sample("nordpool_action_2026-03-02.json")
    assert from_response(nordpool, "se4")[14][2] == pytest.approx(0.09)
    assert from_response(nordpool)[14][2] == pytest.approx(0.07)  # the first area
    assert from_response(nordpool, "FI")[14][2] == pytest.approx(0.07)  # not there: first
    tibber = sample("tibber_action.json")
    assert len(from_response(tibber)) == 48  # "Cabin" has none: "Home"
    assert from_response(tibber, "cabin") == []
