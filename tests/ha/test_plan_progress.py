"""Plan progress (plan_progress.py): the stored form survives a restart, hostile
stored content is refused, and the SoC need follows the documented formula."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.dynamic_ocpp_evse.adapters.base import LoadReading
from custom_components.dynamic_ocpp_evse.plan_progress import (
    MAX_GAP_S,
    PlanProgress,
    plausible_soc,
    soc_need_wh,
)

finite = st.floats(0, 1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(
    finite,
    finite,
    finite,
    st.one_of(st.none(), st.floats(0.5, 100)),
    st.one_of(st.none(), finite),
    st.integers(0, 50),
)
def test_the_stored_form_round_trips(
    target: float,
    departure: float,
    delivered: float,
    soc: float | None,
    need: float | None,
    generation: int,
) -> None:
    progress = PlanProgress(
        target_wh=target,
        departure_s=departure,
        key=("soc" if soc else "energy", soc or 10.0, "07:00:00", generation),
        delivered_wh=round(delivered, 2),
        target_soc=soc,
        need_wh=need,
        delivered_at_need=round(delivered, 2),
    )
    again = PlanProgress.from_dict(json.loads(json.dumps(progress.to_dict())))
    assert again is not None
    assert again.to_dict() == progress.to_dict()
    assert again.last_s is None  # counting starts afresh after a restart


hostile = st.recursive(
    st.one_of(st.none(), st.booleans(), st.floats(), st.integers(), st.text(max_size=5)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=6)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(hostile)
def test_hostile_stored_content_never_raises_nor_gives_nonsense(data: Any) -> None:
    progress = PlanProgress.from_dict(data)
    if progress is not None:
        assert progress.delivered_wh >= 0 and math.isfinite(progress.delivered_wh)
        assert progress.target_wh >= 0 and math.isfinite(progress.departure_s)


def test_soc_need_and_plausibility() -> None:
    assert soc_need_wh(80, 35, 60, 0.9) == pytest.approx(30000)
    assert soc_need_wh(80, 85, 60, 0.9) == 0.0
    for bad in (None, math.nan, math.inf, -1.0, 100.5):
        assert plausible_soc(bad) is None
    assert plausible_soc(0.0) == 0.0 and plausible_soc(100.0) == 100.0


def test_progress_counts_what_was_drawn_and_caps_a_long_gap() -> None:
    progress = PlanProgress(target_wh=10000, departure_s=1e9, key=("energy", 10, "07:00", 0))
    reading = LoadReading(draw_a=[10.0, 10.0, None, math.nan, -3.0], active=True)
    progress.record(reading, 230.0, 0.0)  # the first cycle only starts the count
    progress.record(reading, 230.0, 60.0)
    assert progress.delivered_wh == pytest.approx(20 * 230 * 60 / 3600)
    progress.record(reading, 230.0, 60.0 + 3600.0)  # an hour without a cycle
    assert progress.delivered_wh == pytest.approx(20 * 230 * (60 + MAX_GAP_S) / 3600)
