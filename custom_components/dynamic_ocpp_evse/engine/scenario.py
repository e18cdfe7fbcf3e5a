"""Parse and validate a scenario mapping (the YAML schema) into engine models.

Every problem raises :class:`ScenarioError` naming the offending field, e.g.
``loads[2].mode``, so a user (or the CLI) can see exactly what to fix. The
readers of single fields and ``ScenarioError`` itself live in :mod:`.fields`
(``ScenarioError`` is importable from here too).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from .fields import ScenarioError, enum_member, flag, ident, mapping, number, optional_number, whole
from .models import (
    PHASES,
    Battery,
    Distribution,
    Inverter,
    Kind,
    Load,
    Mode,
    Scenario,
    Site,
    ThresholdMode,
)
from .phases import PhaseSwitchingError, parse_phase_switching
from .plan_floor import parse_plan_floors
from .power_load import power_limits
from .scenario_wiring import circuit_tree, parse_chargers, parse_circuits
from .thermal import parse_thermal

DEFAULT_MIN_A = 6.0

__all__ = ["ScenarioError", "parse_scenario"]


def _battery(data: Any, field: str) -> Battery:
    raw = mapping(data, field)
    if "soc" not in raw:
        raise ScenarioError(f"{field}.soc", "is required")
    soc = number(raw["soc"], f"{field}.soc", minimum=0)
    battery = Battery(
        soc=soc,
        power_w=number(raw.get("power_w", 0), f"{field}.power_w"),
        min_soc=number(raw.get("min_soc", 20), f"{field}.min_soc", minimum=0),
        target_soc=number(raw.get("target_soc", 80), f"{field}.target_soc", minimum=0),
        max_charge_w=number(raw.get("max_charge_w", 5000), f"{field}.max_charge_w", minimum=0),
        max_discharge_w=number(
            raw.get("max_discharge_w", 5000), f"{field}.max_discharge_w", minimum=0
        ),
    )
    if battery.min_soc > battery.target_soc:
        raise ScenarioError(f"{field}.min_soc", "must not be above target_soc")
    return battery


def _inverter(data: Any, field: str) -> Inverter:
    raw = mapping(data, field)
    return Inverter(
        max_w=optional_number(raw, "max_w", field, minimum=0),
        max_w_per_phase=optional_number(raw, "max_w_per_phase", field, minimum=0),
        asymmetric=flag(raw.get("asymmetric", False), f"{field}.asymmetric"),
    )


def _site(data: Any) -> Site:
    raw = mapping(data, "site")
    for key in ("voltage", "main_breaker_a", "grid_current_a"):
        if key not in raw:
            raise ScenarioError(f"site.{key}", "is required")
    grid_raw = mapping(raw["grid_current_a"], "site.grid_current_a")
    if not grid_raw:
        raise ScenarioError("site.grid_current_a", "needs at least one phase (A, B or C)")
    grid: dict[str, float] = {}
    for phase, value in grid_raw.items():
        if phase not in PHASES:
            raise ScenarioError(f"site.grid_current_a.{phase}", "unknown phase (use A, B or C)")
        grid[str(phase)] = number(value, f"site.grid_current_a.{phase}")
    allow = raw.get("allow_grid_charging")
    battery = _battery(raw["battery"], "site.battery") if raw.get("battery") is not None else None
    if allow is None and isinstance(raw.get("battery"), Mapping):
        allow = raw["battery"].get("allow_grid_charging")
    return Site(
        voltage=number(raw["voltage"], "site.voltage", strictly_positive=True),
        main_breaker_a=number(raw["main_breaker_a"], "site.main_breaker_a", minimum=0),
        grid_current_a=grid,
        max_import_w=optional_number(raw, "max_import_w", "site", minimum=0),
        solar_w=optional_number(raw, "solar_w", "site", minimum=0),
        excess_threshold_w=number(
            raw.get("excess_threshold_w", 13000), "site.excess_threshold_w", minimum=0
        ),
        excess_threshold_mode=enum_member(
            ThresholdMode,
            raw.get("excess_threshold_mode", "offset"),
            "site.excess_threshold_mode",
        ),
        distribution=enum_member(
            Distribution, raw.get("distribution", "priority"), "site.distribution"
        ),
        allow_grid_charging=True if allow is None else flag(allow, "site.allow_grid_charging"),
        battery=battery,
        inverter=_inverter(raw["inverter"], "site.inverter")
        if raw.get("inverter") is not None
        else None,
    )


def _phases(value: Any, site: Site, field: str) -> tuple[str, ...]:
    if value is None:
        return site.phases
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence) or not 1 <= len(value) <= 3:
        raise ScenarioError(field, "must list 1 to 3 phases")
    phases = tuple(str(p) for p in value)
    for phase in phases:
        if phase not in site.phases:
            raise ScenarioError(field, f"phase {phase!r} is not present at this site")
    if len(set(phases)) != len(phases):
        raise ScenarioError(field, "lists a phase twice")
    return phases


_KINDS = {member.value: member for member in Kind}
_MODES = {member.value: member for member in Mode}


def _load(data: Any, index: int, site: Site, site_phases: tuple[str, ...]) -> Load:
    """Load number ``index`` (``site_phases``: the site's, every load's default)."""
    field = f"loads[{index}]"
    raw = mapping(data, field)
    if "id" not in raw:
        raise ScenarioError(f"{field}.id", "is required")
    # Each field read directly when it is already what it must be (the common
    # case, without building the field's name), else by its checking reader.
    load_id = raw["id"]
    if type(load_id) is not str or not load_id:
        load_id = ident(load_id, f"{field}.id")
    value = raw.get("kind", "evse")
    kind = _KINDS.get(value) if type(value) is str else None
    if kind is None:
        kind = enum_member(Kind, value, f"{field}.kind")
    value = raw.get("mode", "standard" if kind is Kind.EVSE else "continuous")
    mode = _MODES.get(value) if type(value) is str else None
    if mode is None:
        mode = enum_member(Mode, value, f"{field}.mode")
    priority = raw.get("priority", 1)
    if type(priority) is not int or priority < 0:
        priority = whole(priority, f"{field}.priority")
    value = raw.get("phases")
    phases = site_phases if value is None else _phases(value, site, f"{field}.phases")
    binary = kind is Kind.PLUG or raw.get("power_w") is not None
    step_a = 0.0
    if not binary and ("max_w" in raw or "min_w" in raw):
        min_a, max_a, step_a = power_limits(raw, field, site.voltage * len(phases))
    elif binary:
        if "power_w" not in raw:
            raise ScenarioError(f"{field}.power_w", "is required for a plug")
        power = number(raw["power_w"], f"{field}.power_w", strictly_positive=True)
        min_a = max_a = power / (site.voltage * len(phases))
    else:
        if "max_a" not in raw:
            raise ScenarioError(f"{field}.max_a", "is required")
        max_a = _amps(raw["max_a"], field, "max_a")
        min_a = _amps(raw.get("min_a", min(DEFAULT_MIN_A, max_a)), field, "min_a")
        if min_a > max_a:
            raise ScenarioError(f"{field}.min_a", f"min_a {min_a:g} is above max_a {max_a:g}")
        # Currents are commanded in steps of 0.1 A: keep the minimum on that grid.
        min_a = math.ceil(round(min_a * 10, 6)) / 10
        if min_a > max_a:
            raise ScenarioError(f"{field}.min_a", "must round to 0.1 A at or below max_a")
    draw_raw = raw.get("draw_a")
    if draw_raw is None:
        draw: tuple[float, ...] = tuple(0.0 for _ in phases)
    else:
        if isinstance(draw_raw, int | float) and not isinstance(draw_raw, bool):
            draw_raw = [draw_raw]
        if type(draw_raw) is not list and (
            not isinstance(draw_raw, Sequence) or isinstance(draw_raw, str)
        ):
            raise ScenarioError(f"{field}.draw_a", "must be a list of currents, one per phase")
        if len(draw_raw) != len(phases):
            raise ScenarioError(
                f"{field}.draw_a", f"has {len(draw_raw)} values for {len(phases)} phases"
            )
        draw = _currents(draw_raw, f"{field}.draw_a")
    charger = raw.get("charger")
    if charger is not None and (type(charger) is not str or not charger):
        charger = ident(charger, f"{field}.charger")
    active = raw.get("active", True)
    if type(active) is not bool:
        active = flag(active, f"{field}.active")
    thermal = None
    if kind is Kind.THERMAL or raw.get("thermal") is not None:
        thermal = parse_thermal(raw.get("thermal"), f"{field}.thermal")
    return Load(
        id=load_id,
        kind=kind,
        mode=mode,
        priority=priority,
        min_a=min_a,
        max_a=max_a,
        phases=phases,
        draw_a=draw,
        active=active,
        binary=binary,
        charger=charger,
        index=index,
        thermal=thermal,
        step_a=step_a,
    )


def _currents(values: Sequence[Any], field: str) -> tuple[float, ...]:
    """Finite currents of at least 0 A, one per phase (``field[i]`` names a bad one)."""
    for v in values:
        if type(v) is not float or not 0.0 <= v < math.inf:  # nan fails too
            break
    else:
        return tuple(values)  # the common case: plain floats in range
    return tuple(number(v, f"{field}[{i}]", minimum=0) for i, v in enumerate(values))


def _amps(value: Any, field: str, key: str) -> float:
    """A current of at least 0 A (``field.key`` names a bad one)."""
    if (type(value) is float or type(value) is int) and 0 <= value <= 1e12:
        return float(value)  # the common case (nan fails the comparison)
    return number(value, f"{field}.{key}", minimum=0)


def parse_scenario(data: Mapping[str, Any]) -> Scenario:
    """Validate ``data`` (the YAML schema, already parsed) and build a Scenario."""
    root = mapping(data, "scenario")
    if "site" not in root:
        raise ScenarioError("site", "is required")
    site = _site(root["site"])
    raw_loads = root.get("loads") or []
    if not isinstance(raw_loads, Sequence) or isinstance(raw_loads, str):
        raise ScenarioError("loads", "must be a list")
    site_phases = site.phases
    loads = tuple(_load(item, i, site, site_phases) for i, item in enumerate(raw_loads))
    seen: set[str] = set()
    for load in loads:
        if load.id in seen:
            raise ScenarioError(f"loads[{load.index}].id", f"duplicate load id {load.id!r}")
        seen.add(load.id)
    chargers = parse_chargers(root.get("chargers"))
    unit_ids = {u.id for u in chargers}
    for load in loads:
        if load.charger is not None and load.charger not in unit_ids:
            raise ScenarioError(f"loads[{load.index}].charger", f"unknown charger {load.charger!r}")
    circuits = parse_circuits(root.get("circuits"), site, seen)
    try:
        switching = parse_phase_switching(raw_loads, loads)
    except PhaseSwitchingError as err:
        raise ScenarioError(err.field, err.message) from None
    return Scenario(
        site=site,
        loads=loads,
        chargers=chargers,
        circuits=circuits,
        circuit_loads=circuit_tree(circuits),
        phase_switching=switching,
        plan_floors=parse_plan_floors(raw_loads, loads),
    )
