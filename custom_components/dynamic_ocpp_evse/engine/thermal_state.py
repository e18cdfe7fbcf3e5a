"""What the controller remembers of thermal loads and of switching times.

Owns, per load: the latest plausible temperature (and ambient) reading, the
heat-up rate learned online from readings while it ran (see
:func:`.thermal.learn_rate`), and the switching times behind minimum on and
off times (relay and compressor protection). The controller asks this module
for each thermal load as it stands now and whether a minimum time holds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .models import Load, Thermal
from .plausibility import TEMPERATURE_RANGE_C
from .thermal import LEARN_MIN_DT_H, learn_rate


def plausible_temperature(value: Any) -> float | None:
    """A temperature in degrees C, or None (missing, text, NaN, infinite, absurd).

    The controller's readings pass :mod:`.plausibility` first; this repeats the
    check for anybody calling :func:`read_thermal` directly."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    temp = float(value)
    if not math.isfinite(temp) or not TEMPERATURE_RANGE_C[0] <= temp <= TEMPERATURE_RANGE_C[1]:
        return None
    return temp


@dataclass(slots=True)
class ThermalMemory:
    """One thermal load's readings and learned rate."""

    temperature_c: float | None = None
    ambient_c: float | None = None
    rate_c_per_h: float | None = None
    learn_from: tuple[float, float, float] | None = None
    """(time, temperature, share of rated power commanded since) of the last
    reading the next rate observation starts from."""


@dataclass(slots=True)
class SwitchMemory:
    """When a load's command last went from off to on and from on to off."""

    on_since: float = -math.inf
    off_since: float = -math.inf


def read_thermal(memory: ThermalMemory, raw: Mapping[str, Any]) -> None:
    """Take one load's temperature readings (a key present but unusable clears it)."""
    if "temperature_c" in raw:
        memory.temperature_c = plausible_temperature(raw["temperature_c"])
    if "ambient_c" in raw:
        memory.ambient_c = plausible_temperature(raw["ambient_c"])


def thermal_now(load: Load, memory: ThermalMemory, running: bool) -> Thermal | None:
    """The load's thermal block with the latest readings and the learned rate."""
    th = load.thermal
    if th is None:
        return None
    return replace(
        th,
        temperature_c=memory.temperature_c,
        heating_now=running,
        ambient_c=th.ambient_c if memory.ambient_c is None else memory.ambient_c,
        rate_c_per_h=th.rate_c_per_h if memory.rate_c_per_h is None else memory.rate_c_per_h,
    )


def learn(load: Load, memory: ThermalMemory, power_share: float, now: float) -> None:
    """Update the learned heat-up rate from the readings since the last observation.

    ``power_share`` is the share of rated power commanded over the interval
    (the controller's command over the load's maximum). A change of command
    starts a new observation, so each one covers a constant power."""
    temp = memory.temperature_c
    th = load.thermal
    if th is None or temp is None:
        memory.learn_from = None
        return
    start = memory.learn_from
    if start is None or abs(start[2] - power_share) > 1e-6:
        memory.learn_from = (now, temp, power_share)
        return
    hours = (now - start[0]) / 3600.0
    if hours < LEARN_MIN_DT_H:
        return
    current = thermal_now(load, memory, running=power_share > 0)
    assert current is not None
    rate = learn_rate(current, start[1], temp, hours, power_share)
    if rate is not None:
        memory.rate_c_per_h = rate
    memory.learn_from = (now, temp, power_share)


def in_min_off(switch: SwitchMemory, min_off_s: float, now: float) -> bool:
    """Whether a load that is off must stay off a while yet."""
    return min_off_s > 0 and now < switch.off_since + min_off_s


def in_min_on(switch: SwitchMemory, min_on_s: float, now: float) -> bool:
    """Whether a load that runs must keep running a while yet (hard limits apart)."""
    return min_on_s > 0 and now < switch.on_since + min_on_s


def note_switch(switch: SwitchMemory, before_a: float, after_a: float, now: float) -> None:
    """Record an on or off transition of the command."""
    if before_a <= 0 < after_a:
        switch.on_since = now
    elif after_a <= 0 < before_a:
        switch.off_since = now
