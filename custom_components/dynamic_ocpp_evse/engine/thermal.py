"""Thermal loads: a hot water tank or a room, kept in a comfort band, boosted by surplus.

Owns the temperature side of a ``thermal`` load: its scenario block, the
first-order thermal model (heat-up rate at rated power, loss towards ambient
with a time constant), the simple online learning of the heat-up rate, and the
translation of a temperature into what the allocation sees:

- at or past its safety limit: the load may not run (``safety_limit``);
- below its comfort band, or predicted to leave it within ``horizon_h``, or
  still recovering (it ran at the last step and is below the band's top): in
  the modes that keep comfort (``standard``, ``continuous``, ``eco``) it is
  served as a ``continuous`` load, in the first tier;
- otherwise, in ``eco``/``solar`` it may store solar surplus up to its boost
  temperature (served as ``solar``), in ``excess`` the export above the
  threshold (served as ``excess``); in ``continuous`` it rests (``comfort_kept``).

Thermal loads of the same tier and priority are served most urgent first: the
one that would leave its band soonest (see :func:`hours_until_low`).

Everything is mirrored for a cooling load (``cooling``): temperatures are
negated, so "below the band" reads "above the band".
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .fields import ScenarioError, flag, mapping, number
from .models import Load, Mode, Thermal

COMFORT_MODES = frozenset({Mode.STANDARD, Mode.CONTINUOUS, Mode.ECO})
BOOST_MODE: dict[Mode, Mode] = {
    Mode.ECO: Mode.SOLAR,
    Mode.SOLAR: Mode.SOLAR,
    Mode.EXCESS: Mode.EXCESS,
}
REST_REASONS = frozenset({"safety_limit", "comfort_kept", "boost_reached", "temperature_unknown"})
"""Why a thermal load rests: its temperature, not a lack of power."""
MAX_HOURS = 1000.0
"""What "never" is in predictions (a load that does not cool below its band)."""
LEARN_ALPHA = 0.1
"""Weight of one observation in the exponential update of the heat-up rate."""
LEARN_MIN_DT_H = 1.0 / 60.0
"""Observations closer together than a minute are noise, not a rate."""


def parse_thermal(data: Any, field: str) -> Thermal:
    """The ``thermal:`` block of a load (see docs/scenario-format.md)."""
    raw = mapping(data, field)
    for key in ("target_c", "limit_c"):
        if key not in raw:
            raise ScenarioError(f"{field}.{key}", "is required")
    temp = raw.get("temperature_c")
    cooling = flag(raw.get("cooling", False), f"{field}.cooling")
    target = number(raw["target_c"], f"{field}.target_c")
    limit = number(raw["limit_c"], f"{field}.limit_c")
    hyst = number(raw.get("hysteresis_c", 1.0), f"{field}.hysteresis_c", minimum=0)
    boost = number(raw.get("boost_c", target + (-hyst if cooling else hyst)), f"{field}.boost_c")
    sign = -1.0 if cooling else 1.0
    if sign * (target + sign * hyst) > sign * limit:
        side = "below" if cooling else "above"
        raise ScenarioError(f"{field}.limit_c", f"the comfort band must not reach {side} it")
    if sign * boost > sign * limit:
        raise ScenarioError(f"{field}.boost_c", "must not be past limit_c")
    return Thermal(
        temperature_c=None if temp is None else number(temp, f"{field}.temperature_c"),
        target_c=target,
        hysteresis_c=hyst,
        boost_c=boost,
        limit_c=limit,
        cooling=cooling,
        heating_now=flag(raw.get("heating_now", False), f"{field}.heating_now"),
        ambient_c=number(raw.get("ambient_c", 15.0), f"{field}.ambient_c"),
        time_constant_h=number(
            raw.get("time_constant_h", 24.0), f"{field}.time_constant_h", strictly_positive=True
        ),
        rate_c_per_h=number(
            raw.get("rate_c_per_h", 10.0), f"{field}.rate_c_per_h", strictly_positive=True
        ),
        horizon_h=number(raw.get("horizon_h", 0.5), f"{field}.horizon_h", minimum=0),
    )


def _heating_view(th: Thermal) -> Thermal:
    """The same load seen as a heating one (a cooling load with signs flipped)."""
    if not th.cooling:
        return th
    return replace(
        th,
        temperature_c=None if th.temperature_c is None else -th.temperature_c,
        target_c=-th.target_c,
        boost_c=-th.boost_c,
        limit_c=-th.limit_c,
        ambient_c=-th.ambient_c,
        cooling=False,
    )


def hours_until_low(th: Thermal) -> float:
    """With no power, hours until it falls out of its band (0: out already).

    First-order loss: ``T(t) = ambient + (T0 - ambient) exp(-t / tau)``.
    """
    h = _heating_view(th)
    if h.temperature_c is None:
        return 0.0
    low = h.target_c - h.hysteresis_c
    if h.temperature_c <= low:
        return 0.0
    if low <= h.ambient_c:
        return MAX_HOURS  # ambient alone keeps it in its band
    hours = h.time_constant_h * math.log((h.temperature_c - h.ambient_c) / (low - h.ambient_c))
    return min(MAX_HOURS, hours)


def hours_to_reach(th: Thermal, to_c: float, power: float = 1.0) -> float:
    """Hours to bring it to ``to_c`` at ``power`` (share of rated) from now.

    ``dT/dt = rate x power - (T - ambient) / tau``; MAX_HOURS when the steady
    state stays short of ``to_c``.
    """
    h = _heating_view(th)
    goal = -to_c if th.cooling else to_c
    if h.temperature_c is None:
        return MAX_HOURS
    if h.temperature_c >= goal:
        return 0.0
    steady = h.ambient_c + h.rate_c_per_h * power * h.time_constant_h
    if steady <= goal:
        return MAX_HOURS
    hours = h.time_constant_h * math.log((steady - h.temperature_c) / (steady - goal))
    return min(MAX_HOURS, hours)


def learn_rate(
    th: Thermal, before_c: float, after_c: float, hours: float, power: float
) -> float | None:
    """An updated heat-up rate from one observation (None: nothing to learn).

    Only while it ran at (nearly) full power: the observed rise plus the model's
    loss is what the power did. A draw-off (a shower) shows up as a drop and is
    not taken as a property of the heater. The result stays within a factor 4
    of the current rate, so one odd reading cannot derail the model.
    """
    if (
        hours < LEARN_MIN_DT_H
        or power < 0.5
        or not (math.isfinite(before_c) and math.isfinite(after_c))
    ):
        return None
    sign = -1.0 if th.cooling else 1.0
    rise = sign * (after_c - before_c) / hours
    if rise <= 0:
        return None
    mean = sign * (before_c + after_c) / 2.0
    loss = (mean - sign * th.ambient_c) / th.time_constant_h
    observed = (rise + loss) / power
    rate = th.rate_c_per_h
    observed = min(rate * 4.0, max(rate / 4.0, observed))
    return rate + LEARN_ALPHA * (observed - rate)


def serve(load: Load) -> tuple[Load, str | None]:
    """How the allocation sees a thermal load now, and why it rests (if it does)."""
    th = load.thermal
    if th is None or not load.active or load.mode not in COMFORT_MODES | set(BOOST_MODE):
        return load, None
    h = _heating_view(th)
    if h.temperature_c is None:
        return replace(load, active=False), "temperature_unknown"
    temp = h.temperature_c
    if temp >= h.limit_c:
        return replace(load, active=False), "safety_limit"
    low, high = h.target_c - h.hysteresis_c, h.target_c + h.hysteresis_c
    need = temp < low or (h.heating_now and temp < high) or hours_until_low(th) <= h.horizon_h
    if need and load.mode in COMFORT_MODES:
        return replace(load, mode=Mode.CONTINUOUS), None
    boost_mode = BOOST_MODE.get(load.mode)
    if boost_mode is not None:
        ceiling = min(h.boost_c, h.limit_c)
        # Restart a boost only a hysteresis below its ceiling (no short cycles).
        start_below = ceiling if h.heating_now else ceiling - h.hysteresis_c
        if temp < start_below or (temp < ceiling and h.heating_now):
            return replace(load, mode=boost_mode), None
        return replace(load, active=False), "boost_reached"
    return replace(load, active=False), "comfort_kept"


def serve_all(loads: tuple[Load, ...]) -> tuple[tuple[Load, ...], dict[str, str]]:
    """Every load as served now (thermal ones translated and ranked by urgency),
    and the reason of each thermal load that rests."""
    if all(load.thermal is None for load in loads):
        return loads, {}
    served: list[Load] = []
    reasons: dict[str, str] = {}
    urgency = sorted(
        (hours_until_low(load.thermal), load.index) for load in loads if load.thermal is not None
    )
    rank = {index: k for k, (_, index) in enumerate(urgency)}
    for load in loads:
        if load.thermal is None:
            served.append(load)
            continue
        now, reason = serve(load)
        if reason is not None:
            reasons[load.id] = reason
        served.append(replace(now, rank=rank[load.index]))
    return tuple(served), reasons


def thermal_report(load: Load, served: Load) -> Mapping[str, Any]:
    """What the result says about a thermal load (its temperature picture)."""
    th = load.thermal
    assert th is not None
    state = "rest"
    if served.active:
        state = "comfort" if served.mode is Mode.CONTINUOUS else "boost"
    return {
        "state": state,
        "served_as": served.mode.value,
        "hours_until_low": round(hours_until_low(th), 3),
        "rank": served.rank,
    }
