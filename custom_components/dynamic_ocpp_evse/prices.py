"""Electricity prices from the shapes Home Assistant users have, as intervals for plans.

Supported (each with recorded sample data in ``tests/ha/test_prices.py``):

- Nord Pool custom integration: sensor attributes ``raw_today`` / ``raw_tomorrow``,
  entries ``{start, end, value}``;
- ENTSO-e custom integration: sensor attributes ``prices_today`` /
  ``prices_tomorrow`` (or ``prices``), entries ``{time, price}``;
- Octopus Energy custom integration: event attributes ``rates``, entries
  ``{start, end, value_inc_vat}``;
- core Nord Pool action ``nordpool.get_prices_for_date``: response
  ``{AREA: [{start, end, price}]}``, price per MWh;
- core Tibber action ``tibber.get_prices``: response
  ``{"prices": {HOME: [{start_time, price, level}]}}``.

The actions are called by :mod:`.plan_inputs`; a response holds several areas or
homes, the one picked (or else the first with prices) is read.

Entries without an end last until the next entry starts (the last one: as long as
the one before it, else one hour). Every value is distrusted: an entry whose time
cannot be read or whose price is not a finite number within +-``PLAUSIBLE`` per kWh
is left out (a gap is an unknown price). Core Nord Pool prices come per MWh and
are divided by 1000. Pure: no Home Assistant import, times as epoch seconds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

Interval = tuple[float, float, float]  # (start_s, end_s, price per kWh)
PLAUSIBLE = 100.0
"""No retail price per kWh is beyond this (any currency in use): beyond is garbage."""
HOUR_S = 3600.0


def epoch(value: Any) -> float | None:
    """Epoch seconds from a datetime or ISO text (naive: UTC); None when unreadable."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _price(value: Any, divisor: float = 1.0) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value) / divisor
    except ValueError:
        return None
    return number if math.isfinite(number) and abs(number) <= PLAUSIBLE else None


def _entries(
    items: Any, start_key: str, end_key: str | None, price_key: str, divisor: float = 1.0
) -> list[Interval]:
    """Intervals from a list of mappings; entries without an end get one."""
    if not isinstance(items, Iterable) or isinstance(items, str | bytes | Mapping):
        return []
    found: list[tuple[float, float | None, float]] = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        start = epoch(item.get(start_key))
        price = _price(item.get(price_key), divisor)
        end = epoch(item.get(end_key)) if end_key else None
        if start is None or price is None or (end is not None and end <= start):
            continue
        found.append((start, end, price))
    found.sort(key=lambda e: e[0])
    out: list[Interval] = []
    for k, (start, given_end, price) in enumerate(found):
        end = given_end
        if end is None:
            if k + 1 < len(found):
                end = found[k + 1][0]
            elif out:
                end = start + (out[-1][1] - out[-1][0])
            else:
                end = start + HOUR_S
        out.append((start, end, price))
    return out


def from_attributes(attributes: Mapping[str, Any]) -> list[Interval]:
    """Prices from a price sensor's (or event's) attributes; [] when none is found."""
    if "raw_today" in attributes or "raw_tomorrow" in attributes:
        return merge(
            _entries(attributes.get(key), "start", "end", "value")
            for key in ("raw_today", "raw_tomorrow")
        )
    if "prices_today" in attributes or "prices_tomorrow" in attributes:
        return merge(
            _entries(attributes.get(key), "time", None, "price")
            for key in ("prices_today", "prices_tomorrow")
        )
    if "prices" in attributes:
        return _entries(attributes.get("prices"), "time", None, "price")
    if "rates" in attributes:
        return _entries(attributes.get("rates"), "start", "end", "value_inc_vat")
    return []


def from_response(response: Any, pick: str | None = None) -> list[Interval]:
    """Prices from a price action's response (core Tibber or core Nord Pool).

    ``pick`` names the Tibber home or the Nord Pool area to read (any case); without
    it (or when it is not in the response) the first one with prices is read.
    """
    if not isinstance(response, Mapping):
        return []
    homes = response.get("prices")
    if isinstance(homes, Mapping):  # tibber.get_prices: {"prices": {HOME: [...]}}
        return _first(homes, pick, lambda e: _entries(e, "start_time", None, "price"))
    # nordpool.get_prices_for_date: {AREA: [...]}, per MWh
    return _first(response, pick, lambda e: _entries(e, "start", "end", "price", divisor=1000.0))


def _first(
    groups: Mapping[Any, Any], pick: str | None, read: Callable[[Any], list[Interval]]
) -> list[Interval]:
    if pick:
        for name, entries in groups.items():
            if str(name).casefold() == pick.casefold():
                return read(entries)
    for entries in groups.values():
        found = read(entries)
        if found:
            return found
    return []


def merge(parts: Iterable[list[Interval]]) -> list[Interval]:
    """Several interval lists as one, in time order, overlaps resolved for the earlier."""
    merged: list[Interval] = []
    for begin, end, price in sorted((i for part in parts for i in part), key=lambda i: i[0]):
        start = max(begin, merged[-1][1]) if merged else begin
        if end > start:
            merged.append((start, end, price))
    return merged
