"""Planned minimums: a floor under a load's mode, from its plan (``plan.py``).

A load with a plan gets at least its planned minimum (``plan_floor_a``) in the
current slot whatever its mode says, as if that much were asked in `standard`
mode (served first, under every hard limit); what its mode gives on top
(surplus) still flows. Exact: the site is solved as it is; only when a planned
load got less than its floor is it solved again with that load asking for its
floor in the first tier, and that split stands.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from .models import Load, Mode, Scenario

Allocator = Callable[[Scenario], dict[str, Any]]


def parse_plan_floors(raw_loads: Sequence[Any], loads: tuple[Load, ...]) -> dict[str, float]:
    """Each load's ``plan_floor_a`` (a finite amount above 0; anything else: none)."""
    floors: dict[str, float] = {}
    for load, raw in zip(loads, raw_loads, strict=True):
        value = raw.get("plan_floor_a")  # every raw load is a mapping (parsed before)
        if value is None or isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if 0 < value < float("inf") and not load.binary:
            floors[load.id] = float(value)
    return floors


def allocate_with_floors(scenario: Scenario, allocate_plain: Allocator) -> dict[str, Any]:
    """Allocate; raise every planned load that got less than its floor to it if the
    hard limits allow (reason ``planned_minimum``)."""
    first = allocate_plain(scenario)
    short = {
        load.id: scenario.plan_floors[load.id]
        for load in scenario.loads
        if load.active
        and load.id in scenario.plan_floors
        and first["loads"][load.id]["current_a"] < scenario.plan_floors[load.id]
    }
    if not short:
        return first
    loads = tuple(
        _floored(load, short[load.id]) if load.id in short else load for load in scenario.loads
    )
    result = allocate_plain(replace(scenario, loads=loads))
    for load_id in short:
        got = result["loads"][load_id]
        if got["current_a"] > first["loads"][load_id]["current_a"]:
            got["reason"] = "planned_minimum"
    return result


def _floored(load: Load, floor_a: float) -> Load:
    """The load asking for its planned floor (at least its minimum) in the first tier."""
    floor = min(load.max_a, max(load.min_a, floor_a))
    return replace(load, mode=Mode.STANDARD, max_a=floor)
