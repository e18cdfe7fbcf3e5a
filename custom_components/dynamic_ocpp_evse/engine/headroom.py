"""Site budget: what the managed loads may use, before anything is split.

Owns the arithmetic of the site: the non-managed (house) current per phase, the
breaker headroom per phase, the import allowance, the solar surplus, the
export above the excess threshold and what the home battery may add.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from .models import Load, Site, ThresholdMode


@dataclass(frozen=True, slots=True)
class SiteBudget:
    """The site's limits for managed loads, in amps per phase and watts."""

    voltage: float
    house_a: dict[str, float]
    """Non-managed current per phase: grid reading minus managed loads' draw."""
    breaker_headroom_a: dict[str, float]
    """Per phase: main breaker minus non-managed current (may be negative)."""
    import_headroom_w: float | None
    """Net import still allowed over all phases (None: no import cap)."""
    battery_boost_w: float
    """Extra discharge standard loads may count on above the import cap."""
    surplus_w: float
    """Net export plus battery charge and spare discharge when at/above target."""
    excess_w: float
    """For ``excess`` loads (never battery): the export above the threshold
    (offset), or all of it once it exceeds the threshold (gate)."""
    export_w: float
    """Net export over all phases with managed draws added back (negative: import)."""
    solar_w: float
    battery_below_target: bool
    inverter_room_w: float | None


def house_current(site: Site, loads: tuple[Load, ...]) -> dict[str, float]:
    """Grid current per phase minus every managed load's own measured draw."""
    return house_from_grid(site.grid_current_a, loads)


def house_from_grid(grid_a: Mapping[str, float], loads: tuple[Load, ...]) -> dict[str, float]:
    """``grid_a`` per phase minus every managed load's own measured draw on it."""
    # Loads wired alike are read together, column by column (fsum is exactly
    # rounded: the order in which the draws are summed does not matter).
    wired: dict[tuple[str, ...], list[tuple[float, ...]]] = {}
    for load in loads:
        rows = wired.get(load.phases)
        if rows is None:
            wired[load.phases] = [load.draw_a]
        else:
            rows.append(load.draw_a)
    draws: dict[str, list[float]] = {p: [] for p in grid_a}
    for legs, rows in wired.items():
        for phase, column in zip(legs, zip(*rows, strict=True), strict=True):
            draws[phase].extend(column)
    return {p: grid - math.fsum(draws[p]) for p, grid in grid_a.items()}


def _inverter_room(site: Site, solar_w: float) -> float | None:
    """How much more AC power the inverter could deliver now (None: no limit)."""
    inverter = site.inverter
    if inverter is None:
        return None
    battery_w = site.battery.power_w if site.battery is not None else 0.0
    output_now = max(0.0, solar_w + battery_w)
    rooms: list[float] = []
    if inverter.max_w is not None:
        rooms.append(inverter.max_w - output_now)
    if inverter.max_w_per_phase is not None:
        if inverter.asymmetric:
            # All extra power may go to a single phase, no more than its cap.
            rooms.append(inverter.max_w_per_phase)
        else:
            # A symmetric inverter spreads output evenly over its phases.
            rooms.append(inverter.max_w_per_phase * len(site.phases) - output_now)
    if not rooms:
        return None
    return max(0.0, min(rooms))


def site_budget(site: Site, loads: tuple[Load, ...]) -> SiteBudget:
    """Compute the site's budget for the managed loads."""
    voltage = site.voltage
    house = house_current(site, loads)
    breaker = {p: site.main_breaker_a - house[p] for p in site.phases}
    house_w = voltage * sum(house.values())
    export_w = -house_w

    battery = site.battery
    charging_w = max(0.0, -battery.power_w) if battery is not None else 0.0
    solar_w = site.solar_w if site.solar_w is not None else max(0.0, export_w) + charging_w
    room = _inverter_room(site, solar_w)

    def through_inverter(watts: float) -> float:
        return watts if room is None else min(watts, room)

    boost_w = 0.0
    battery_parts_w = 0.0
    withheld_w = 0.0
    below_target = False
    if battery is not None:
        discharging_w = max(0.0, battery.power_w)
        spare_w = max(0.0, battery.max_discharge_w - discharging_w)
        if battery.soc > battery.min_soc:
            boost_w = through_inverter(spare_w)
        below_target = battery.soc < battery.target_soc
        if not below_target:
            offered = spare_w if battery.spare_to_surplus else 0.0
            battery_parts_w = through_inverter(charging_w + offered)
        if not battery.spare_to_surplus:
            # What the battery delivers now looks like export; it is not surplus.
            withheld_w = discharging_w

    exported_w = export_w - withheld_w
    if site.excess_threshold_mode is ThresholdMode.GATE:
        # Gate: past the threshold the whole export (managed draws added back) counts.
        excess_w = exported_w if exported_w > site.excess_threshold_w else 0.0
    else:
        excess_w = max(0.0, exported_w - site.excess_threshold_w)

    import_cap: float | None = site.max_import_w
    if not site.allow_grid_charging:
        import_cap = 0.0 if import_cap is None else min(import_cap, 0.0)
    import_headroom = None if import_cap is None else import_cap - house_w

    return SiteBudget(  # positional (in field order): a keyword call costs more
        voltage,
        house,
        breaker,
        import_headroom,
        boost_w,
        max(0.0, export_w - withheld_w + battery_parts_w),  # surplus_w
        excess_w,
        export_w,
        solar_w,
        below_target,
        room,
    )
