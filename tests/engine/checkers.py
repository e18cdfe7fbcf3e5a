"""What a correct allocation looks like: checkers shared by the engine suites.

``assert_hard_limits`` re-derives each site limit from the raw scenario mapping
(independently of the engine's own bookkeeping) and checks a result against it;
the reason, fairness and order checkers do the same for the distribution rules.
``assert_available_is_what_woken_gets`` checks an inactive load's ``available_a``
against waking it. Used by the property tests and the scenario suite.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import strategies as st

TOL_A = 1e-6
TOL_W = 1e-6
STANDARD_LIKE = {"standard", "continuous"}
TIER = {"standard": 0, "continuous": 0, "eco": 1, "solar": 2, "excess": 3, "off": 4}
THERMAL_REST = {"safety_limit", "comfort_kept", "boost_reached", "temperature_unknown"}
Limit = tuple[str, str | None]  # (reason name, phase or None)
BINDING_PREFIXES = (
    "breaker_phase_",
    "import_limit",
    "circuit:",
    "charger:",
    "sequential:",
    "reserved_for_",
    "waiting_for:",
)


@dataclass
class LoadView:
    """One load as the issue's schema describes it."""

    id: str
    mode: str
    binary: bool
    min_a: float
    max_a: float
    phases: tuple[str, ...]
    active: bool
    charger: str | None
    priority: int
    index: int
    step_a: float = 0.0
    rank: int = 0
    """Urgency rank of a thermal load (its result's report)."""

    @property
    def legs(self) -> int:
        return len(self.phases)


@dataclass
class SiteView:
    """The site limits re-derived from the raw scenario mapping."""

    voltage: float
    phases: tuple[str, ...]
    house_a: dict[str, float]
    headroom_a: dict[str, float]
    loads: list[LoadView]
    import_cap_w: float | None
    boost_w: float
    surplus_w: float
    excess_w: float
    circuit_limits: dict[str, dict[str, float]] = field(default_factory=dict)
    circuit_loads: dict[str, set[str]] = field(default_factory=dict)
    units: dict[str, tuple[float, bool]] = field(default_factory=dict)

    @property
    def house_w(self) -> float:
        return self.voltage * sum(self.house_a.values())


def _circuit_members(circuits: list[Mapping[str, Any]], load_ids: set[str]) -> dict[str, set[str]]:
    children: dict[str, set[str]] = {str(c["id"]): set() for c in circuits}
    direct: dict[str, set[str]] = {str(c["id"]): set() for c in circuits}
    for c in circuits:
        cid = str(c["id"])
        for m in c.get("members") or []:
            (children if str(m) in children else direct)[cid].add(str(m))
        if c.get("parent") is not None:
            children[str(c["parent"])].add(cid)
    out: dict[str, set[str]] = {}

    def walk(cid: str) -> set[str]:
        if cid not in out:
            found = set(direct[cid]) & load_ids
            for child in children[cid]:
                found |= walk(child)
            out[cid] = found
        return out[cid]

    for cid in children:
        walk(cid)
    return out


def _effective_phases(
    raw: Mapping[str, Any], wired: tuple[str, ...], result: Mapping[str, Any] | None
) -> tuple[str, ...]:
    """The phases a load draws from in ``result``: a switching load on one phase uses
    only its ``one_phase`` leg (default: its L1)."""
    block = raw.get("phase_switching")
    if not block or result is None:
        return wired
    if result["loads"][str(raw["id"])].get("phases") != 1:
        return wired
    one = block.get("one_phase", wired[0]) if isinstance(block, Mapping) else wired[0]
    return (str(one),)


def site_view(scenario: Mapping[str, Any], result: Mapping[str, Any] | None = None) -> SiteView:
    """Re-derive every limit of ``scenario`` from the issue's rules (with ``result``:
    phase-switching loads on the phase count the result chose, thermal loads in the
    mode their temperature serves them in now: see the result's ``thermal`` report)."""
    site = scenario["site"]
    volts = float(site["voltage"])
    grid = {p: float(a) for p, a in site["grid_current_a"].items()}
    phases = tuple(p for p in "ABC" if p in grid)
    loads: list[LoadView] = []
    house = dict(grid)
    for index, raw in enumerate(scenario.get("loads") or []):
        lphases = raw.get("phases") or list(phases)
        lphases = (lphases,) if isinstance(lphases, str) else tuple(lphases)
        binary = raw.get("kind", "evse") == "plug" or raw.get("power_w") is not None
        if binary:
            min_a = max_a = float(raw["power_w"]) / (volts * len(lphases))
        elif "max_w" in raw:
            max_a = float(raw["max_w"]) / (volts * len(lphases))
            min_w = float(raw.get("min_w", 0))
            min_a = min_w / (volts * len(lphases))
            if not (raw.get("step_w") or raw.get("step_a")):  # else steps start at min_w
                min_a = math.ceil(round(min_a * 10, 6)) / 10
        else:
            max_a = float(raw["max_a"])
            min_a = math.ceil(round(float(raw.get("min_a", min(6.0, max_a))) * 10, 6)) / 10
        default_mode = "standard" if raw.get("kind", "evse") == "evse" else "continuous"
        draw = raw.get("draw_a") or [0.0] * len(lphases)
        draw = [draw] if isinstance(draw, int | float) else draw
        for p, a in zip(lphases, draw, strict=True):
            house[p] -= float(a)
        mode, active, rank = raw.get("mode", default_mode), raw.get("active", True), 0
        step_a = float(raw.get("step_a", 0.0))
        if raw.get("step_w") is not None:
            step_a = float(raw["step_w"]) / (volts * len(lphases))
        report = (result or {}).get("loads", {}).get(str(raw["id"]), {}).get("thermal")
        if report is not None:
            mode, active, rank = report["served_as"], report["state"] != "rest", report["rank"]
        lphases = _effective_phases(raw, lphases, result)
        loads.append(
            LoadView(
                id=str(raw["id"]),
                mode=mode,
                binary=binary,
                min_a=min_a,
                max_a=max_a,
                phases=lphases,
                active=active,
                charger=raw.get("charger"),
                priority=int(raw.get("priority", 1)),
                index=index,
                step_a=step_a,
                rank=rank,
            )
        )
    breaker = float(site["main_breaker_a"])
    export_w = -volts * sum(house.values())
    battery = site.get("battery")
    inverter = site.get("inverter")
    power_w = float(battery.get("power_w", 0)) if battery else 0.0
    charging_w = max(0.0, -power_w)
    solar_w = site.get("solar_w")
    solar_w = max(0.0, export_w) + charging_w if solar_w is None else float(solar_w)
    room: float | None = None
    if inverter:
        out_w = max(0.0, solar_w + power_w)
        rooms = []
        if inverter.get("max_w") is not None:
            rooms.append(inverter["max_w"] - out_w)
        per_phase = inverter.get("max_w_per_phase")
        if per_phase is not None:
            asym = inverter.get("asymmetric", False)
            rooms.append(per_phase if asym else per_phase * len(phases) - out_w)
        room = max(0.0, min(rooms)) if rooms else None
    boost_w = 0.0
    battery_surplus_w = 0.0
    if battery:
        spare_w = max(0.0, battery.get("max_discharge_w", 5000) - max(0.0, power_w))
        if battery["soc"] > battery.get("min_soc", 20):
            boost_w = spare_w if room is None else min(spare_w, room)
        if battery["soc"] >= battery.get("target_soc", 80):
            part = charging_w + spare_w
            battery_surplus_w = part if room is None else min(part, room)
    cap = site.get("max_import_w")
    allow = site.get("allow_grid_charging")
    if allow is None and battery:
        allow = battery.get("allow_grid_charging")
    if allow is False:
        cap = 0.0 if cap is None else min(float(cap), 0.0)
    load_ids = {lv.id for lv in loads}
    circuits = list(scenario.get("circuits") or [])
    limits: dict[str, dict[str, float]] = {}
    for c in circuits:
        lim = c["limit_a"]
        limits[str(c["id"])] = (
            {p: float(a) for p, a in lim.items()}
            if isinstance(lim, Mapping)
            else dict.fromkeys(phases, float(lim))
        )
    units = {
        str(u["id"]): (float(u["max_a"]), bool(u.get("concurrent", True)))
        for u in scenario.get("chargers") or []
    }
    return SiteView(
        voltage=volts,
        phases=phases,
        house_a=house,
        headroom_a={p: breaker - house[p] for p in phases},
        loads=loads,
        import_cap_w=None if cap is None else float(cap),
        boost_w=boost_w,
        surplus_w=max(0.0, export_w + battery_surplus_w),
        excess_w=_excess(export_w, site),
        circuit_limits=limits,
        circuit_loads=_circuit_members(circuits, load_ids),
        units=units,
    )


def _excess(export_w: float, site: Mapping[str, Any]) -> float:
    """Offset: the export above the threshold; gate: all of it once past the threshold."""
    threshold = float(site.get("excess_threshold_w", 13000))
    if site.get("excess_threshold_mode", "offset") == "gate":
        return export_w if export_w > threshold else 0.0
    return max(0.0, export_w - threshold)


def phase_sums(
    view: SiteView, amps: Mapping[str, float], ids: set[str] | None = None
) -> dict[str, float]:
    """Allocated current per phase, over ``ids`` (default: every load)."""
    sums = dict.fromkeys(view.phases, 0.0)
    for lv in view.loads:
        if ids is None or lv.id in ids:
            for p in lv.phases:
                sums[p] += amps[lv.id]
    return sums


def watts(view: SiteView, amps: Mapping[str, float], keep: Any = None) -> float:
    """Power of the loads selected by ``keep`` (default: all), in W."""
    return sum(
        view.voltage * lv.legs * amps[lv.id] for lv in view.loads if keep is None or keep(lv)
    )


def assert_hard_limits(scenario: Mapping[str, Any], result: Mapping[str, Any]) -> None:
    """Every hard limit of the issue holds for ``result`` (an ``allocate`` output)."""
    view = site_view(scenario, result)
    amps = {i: r["current_a"] for i, r in result["loads"].items()}
    assert set(amps) == {lv.id for lv in view.loads}
    for lv in view.loads:
        x = amps[lv.id]
        if not lv.active:
            assert x == 0, f"{lv.id}: inactive load got {x} A"
        if lv.binary:
            assert x == 0 or abs(x - lv.max_a) < 1e-9, f"{lv.id}: plug must be 0 or {lv.max_a}"
        else:
            assert x == 0 or lv.min_a - 1e-9 <= x <= lv.max_a + 1e-9, f"{lv.id}: {x} A"
            if lv.step_a > 0:  # a setpoint: min + k x step, or its max
                k = (x - lv.min_a) / lv.step_a
                on_grid = x == 0 or abs(k - round(k)) < 1e-6 or abs(x - lv.max_a) < 1e-9
                assert on_grid, f"{lv.id}: {x} A is not on its setpoint steps"
            else:
                assert abs(x * 10 - round(x * 10)) < 1e-6, f"{lv.id}: {x} A is not a 0.1 A step"
    # Main breaker, per phase.
    for p, used in phase_sums(view, amps).items():
        room = view.headroom_a[p]
        if room >= 0:
            assert used <= room + TOL_A, f"phase {p}: {used} A > headroom {room} A"
        else:
            assert used == 0, f"phase {p} is overloaded by the house, yet loads got {used} A"
    # Circuit groups, per phase.
    for cid, members in view.circuit_loads.items():
        sums = phase_sums(view, amps, members)
        for p, limit in view.circuit_limits[cid].items():
            assert sums[p] <= limit + TOL_A, f"circuit {cid} phase {p}: {sums[p]} > {limit}"
    # Charger units.
    for uid, (max_a, concurrent) in view.units.items():
        members = {lv.id for lv in view.loads if lv.charger == uid}
        for p, used in phase_sums(view, amps, members).items():
            assert used <= max_a + TOL_A, f"unit {uid} phase {p}: {used} > {max_a}"
        if not concurrent:
            running = [m for m in members if amps[m] > 0]
            assert len(running) <= 1, f"sequential unit {uid} runs {running}"
    # A planned minimum (plan_floor_a) is served like a standard load: only what a load
    # gets above it counts as its mode's (import, surplus pools).
    loads = scenario.get("loads") or []
    planned = {str(raw["id"]): float(raw.get("plan_floor_a") or 0.0) for raw in loads}
    # the engine raises a floor below the load's minimum to that minimum
    floors = {lv.id: max(planned[lv.id], lv.min_a) if planned[lv.id] else 0.0 for lv in view.loads}
    pooled = {i: max(0.0, a - floors.get(i, 0.0)) for i, a in amps.items()}
    # Net import: standard loads may add the battery boost, the others may not.
    if view.import_cap_w is not None:
        allowed = max(0.0, view.import_cap_w - view.house_w)
        total = watts(view, amps)
        assert total <= allowed + view.boost_w + TOL_W, f"import: {total} W > {allowed} + boost"
        others = watts(view, pooled, lambda lv: lv.mode not in STANDARD_LIKE)
        assert others <= allowed + TOL_W, f"import: non-standard loads use {others} W > {allowed}"
    # available_a: 0 or a current the load may really run at; never below what it has.
    for lv in view.loads:
        avail = result["loads"][lv.id]["available_a"]
        if lv.binary:
            assert avail == 0 or abs(avail - lv.max_a) < 1e-9, f"{lv.id}: available {avail}"
        else:
            assert avail == 0 or lv.min_a - 1e-9 <= avail <= lv.max_a + 1e-9, f"{lv.id}: {avail}"
        if lv.active:
            assert avail >= amps[lv.id] - 1e-9, f"{lv.id}: available {avail} < {amps[lv.id]}"
    # Surplus-only modes: once they run, everything of a higher or equal tier fits the pool.
    # A planned minimum (plan_floor_a) is served like a standard load: a load runs on its
    # mode's pool only above it, and all it takes counts against the pools as a standard
    # load's would.
    if any(pooled[lv.id] > 0 for lv in view.loads if lv.mode == "solar"):
        used = watts(view, amps, lambda lv: TIER[lv.mode] <= TIER["solar"] or floors[lv.id] > 0)
        assert used <= view.surplus_w + TOL_W, f"solar runs on {used} W > surplus {view.surplus_w}"
    if any(pooled[lv.id] > 0 for lv in view.loads if lv.mode == "excess"):
        used = watts(view, amps)
        assert used <= view.excess_w + TOL_W, f"excess runs on {used} W > {view.excess_w}"


def assert_mode_rules(scenario: Mapping[str, Any], result: Mapping[str, Any]) -> None:
    """Mode rules that need no solver: inactive loads say so; solar waits for the battery."""
    view = site_view(scenario, result)
    battery = scenario["site"].get("battery")
    below_target = bool(battery) and battery["soc"] < battery.get("target_soc", 80)
    for lv in view.loads:
        got = result["loads"][lv.id]
        if lv.mode == "off":
            # Switched off by the user: nothing, whatever else holds, and it says so.
            assert got["current_a"] == 0, f"{lv.id}: off but gets {got['current_a']} A"
            assert got["available_a"] == 0, f"{lv.id}: off but may take {got['available_a']} A"
            assert got["reason"] == "off", f"{lv.id}: off, reason {got['reason']!r}"
        elif not lv.active:
            resting = {"inactive"} | (THERMAL_REST if "thermal" in got else set())
            assert got["reason"] in resting, f"{lv.id}: inactive, reason {got['reason']!r}"
        elif lv.mode == "solar" and below_target:
            assert got["current_a"] == 0, f"{lv.id}: solar runs while the battery is below target"
            assert got["reason"] == "battery_below_target", f"{lv.id}: {got['reason']!r}"


def assert_available_is_what_woken_gets(
    allocate: Callable[[dict[str, Any]], Mapping[str, Any]], scenario: dict[str, Any], data: Any
) -> None:
    """An inactive load's ``available_a`` is exactly the current it gets once it becomes
    active (up to two inactive loads, drawn from hypothesis ``data``, each woken alone)."""
    result = allocate(scenario)
    inactive = [i for i, load in enumerate(scenario["loads"]) if not load["active"]]
    if not inactive:
        return
    for index in data.draw(st.lists(st.sampled_from(inactive), max_size=2, unique=True)):
        load_id = scenario["loads"][index]["id"]
        woken = copy.deepcopy(scenario)
        woken["loads"][index]["active"] = True
        got = allocate(woken)["loads"][load_id]["current_a"]
        assert result["loads"][load_id]["available_a"] == pytest.approx(got, abs=1e-9), load_id
