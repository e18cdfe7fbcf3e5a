"""Solar production forecast from Home Assistant's energy platform shape, as W intervals.

An energy platform (Forecast.Solar, Solcast, ...) answers
``async_get_solar_forecast(hass, config_entry_id)`` with
``{"wh_hours": {iso_timestamp: wh}}``: the energy expected in the period that
starts at the timestamp (an hour; a finer forecast has shorter periods). Here it
becomes ``(start_s, end_s, watts)`` intervals: a period ends at the next timestamp
(at most an hour later; the last one lasts an hour) and its power is its energy
over its length. Several forecasts (one per solar array) are added up.

Every value is distrusted: an entry whose time cannot be read, or whose energy is
no finite number within 0..``PLAUSIBLE_W`` (as average power), is left out; a
forecast that is no mapping is none. Pure: no Home Assistant import.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import Any

from .prices import HOUR_S, Interval, epoch

PLAUSIBLE_W = 1_000_000.0
"""No forecast for a site this integration runs is beyond 1 MW: beyond is garbage."""


def from_wh_hours(forecast: Any) -> list[Interval]:
    """One energy platform's forecast as W intervals in time order ([] when unreadable)."""
    hours = forecast.get("wh_hours") if isinstance(forecast, Mapping) else None
    if not isinstance(hours, Mapping):
        return []
    found: list[tuple[float, float]] = []
    for stamp, wh in hours.items():
        start = epoch(stamp)
        if start is None or isinstance(wh, bool) or not isinstance(wh, int | float):
            continue
        if math.isfinite(wh) and wh >= 0:
            found.append((start, float(wh)))
    found.sort()
    out: list[Interval] = []
    for k, (start, wh) in enumerate(found):
        following = found[k + 1][0] if k + 1 < len(found) else start + HOUR_S
        length = min(HOUR_S, following - start)
        if length <= 0:
            continue  # the same time twice: the first one counts
        watts = wh * HOUR_S / length
        if watts <= PLAUSIBLE_W:
            out.append((start, start + length, watts))
    return out


def add_up(forecasts: Iterable[list[Interval]]) -> list[Interval]:
    """Several forecasts as one: in each stretch the sum of those that cover it."""
    parts = [i for forecast in forecasts for i in forecast]
    edges = sorted({t for start, end, _ in parts for t in (start, end)})
    starts = sorted(range(len(parts)), key=lambda k: parts[k][0])
    active: dict[int, float] = {}
    out: list[Interval] = []
    nxt = 0
    for begin, end in pairwise(edges):
        while nxt < len(starts) and parts[starts[nxt]][0] <= begin:
            active[starts[nxt]] = parts[starts[nxt]][2]
            nxt += 1
        for k in [k for k in active if parts[k][1] <= begin]:
            del active[k]
        if active:
            out.append((begin, end, sum(active.values())))
    return out
