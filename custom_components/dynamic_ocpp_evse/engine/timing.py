"""Timing configuration of the controller and the per-load memory it keeps.

Owns the timing keys of a scenario (``stale_after_s``, ``refresh_s``,
``pause_s``, ``grace_s``, ``ramp_up_a_per_s``, ``deadband_a`` ...), their
defaults and validation, and the small mutable records the controller updates
every step (last command, pause and grace deadlines, battery hysteresis state).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .models import Load
from .scenario import ScenarioError
from .thermal_state import SwitchMemory, ThermalMemory

SITE_DEFAULTS: dict[str, float] = {
    "stale_after_s": 60.0,
    "refresh_s": 60.0,
    "smoothing_s": 10.0,
    "soc_hysteresis": 3.0,
    "margin_a": 1.0,
    "overload_hold_s": 300.0,
    "raise_hold_s": 120.0,
}
LOAD_DEFAULTS: dict[str, float] = {
    "pause_s": 180.0,
    "grace_s": 300.0,
    "ramp_up_a_per_s": 1.0,
    "deadband_a": 0.5,
    "surplus_deadband_a": 0.2,
    "min_on_s": 0.0,
    "min_off_s": 0.0,
}


@dataclass(frozen=True, slots=True)
class SiteTiming:
    """Site-wide timing: stale inputs, profile refresh, smoothing, SOC hysteresis."""

    stale_after_s: float
    refresh_s: float
    smoothing_s: float
    soc_hysteresis: float
    margin_a: float
    overload_hold_s: float
    raise_hold_s: float
    """Headroom for increases is judged on the highest house current of this window."""
    """After an overload, the house current then seen is a floor for this long."""
    """Kept free below the main breaker and every circuit limit (noise, delays)."""


@dataclass(frozen=True, slots=True)
class LoadTiming:
    """Per-load stability settings."""

    pause_s: float
    grace_s: float
    ramp_up_a_per_s: float
    deadband_a: float
    surplus_deadband_a: float
    min_on_s: float
    """Once switched on, keep it on this long (hard limits apart)."""
    min_off_s: float
    """Once switched off, keep it off this long."""
    restart_margin_a: float


@dataclass(slots=True)
class LoadMemory:
    """What the controller remembers about one load between steps."""

    commanded_a: float = 0.0
    last_sent_a: float | None = None
    last_sent_at: float | None = None
    pause_until: float = -math.inf
    grace_until: float | None = None
    stopped_for_power: bool = False
    draw_a: tuple[float, ...] | None = None
    draw_at: float | None = None
    """When ``draw_a`` was last read complete; an older one than ``stale_after_s`` counts 0."""
    active: bool | None = None
    mode_key: str = ""
    measured: Load | None = None
    """The configured load with the draw and state above (reused while they hold)."""
    thermal: ThermalMemory = field(default_factory=ThermalMemory)
    switch: SwitchMemory = field(default_factory=SwitchMemory)


@dataclass(slots=True)
class BatteryMemory:
    """Hysteresis state of the battery thresholds."""

    above_min: bool = False
    at_target: bool = False
    spare_ok: bool = False
    soc: float | None = None
    power_w: float | None = None


def _value(raw: Mapping[str, Any], key: str, default: float, field: str) -> float:
    value = raw.get(key, default)
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ScenarioError(f"{field}.{key}", f"must be a number of 0 or more, got {value!r}")
    return float(value)


def site_timing(site: Mapping[str, Any]) -> SiteTiming:
    """Read the site's timing keys (with defaults)."""
    values = {k: _value(site, k, d, "site") for k, d in SITE_DEFAULTS.items()}
    return SiteTiming(**values)


def load_timings(
    loads: Sequence[Mapping[str, Any]], parsed: Mapping[str, Load]
) -> dict[str, LoadTiming]:
    """Read every load's timing keys (with defaults), keyed by load id."""
    timings: dict[str, LoadTiming] = {}
    for index, raw in enumerate(loads):
        field = f"loads[{index}]"
        values = {k: _value(raw, k, d, field) for k, d in LOAD_DEFAULTS.items()}
        load_id = str(raw["id"])
        load = parsed[load_id]
        default_margin = 0.1 * load.min_a if load.binary else max(0.5, 0.1 * load.min_a)
        margin = _value(raw, "restart_margin_a", default_margin, field)
        timings[load_id] = LoadTiming(restart_margin_a=margin, **values)
    return timings
