"""Phase switching: loads that may run on one phase or on three, and the choice.

A charger that can switch (OCPP ``numberPhases`` or a vendor's switch entity) is
wired on three phases; on one phase it uses only its ``one_phase`` leg. A 3-phase
car needs ``min_a x 3 x V`` (6 A: 4.1 kW at 230 V) to charge at all, on one phase
``min_a x V`` (1.4 kW), so most winter surplus can only be used on one phase.

The choice is the load's own benefit, judged with everything else as it is: the
power it would get on one phase and on three (its current times the phase count
times the voltage), each from a full solve under every hard limit. ``eco`` loads
are judged on surplus alone (as a ``solar`` load would be), since their intent is
"minimum now, more from surplus": below the 3-phase minimum of surplus they run on
one phase. A difference smaller than one 0.1 A step on three legs is no
difference: the load keeps the phase count it uses now (``active_phases``), so the
engine never asks for a switch that gains nothing. Loads are decided in serving
order (tier, priority, input order), each seeing the choices made before it.

A 1-phase variant only consumes the headroom of its one phase. What the load
draws on its other legs moves into the grid reading, which is exactly the
engine's "draw added back" rule whatever legs the car draws on now: the house
current is the same in every variant.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from .models import MODE_TIER, Kind, Load, Mode, PhaseMode, PhaseSwitching, Scenario

ONE, THREE = 1, 3
STEP_A = 0.1


class PhaseSwitchingError(ValueError):
    """Invalid ``phase_switching`` block: ``field`` names the key to fix."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _count(value: Any, field: str) -> int:
    if isinstance(value, bool) or str(value) not in ("1", "3"):
        raise PhaseSwitchingError(field, f"must be 1 or 3, got {value!r}")
    return int(str(value))


def parse_phase_switching(
    raw_loads: Sequence[Any], loads: tuple[Load, ...]
) -> dict[str, PhaseSwitching]:
    """Read every load's optional ``phase_switching`` (``true`` or a mapping)."""
    found: dict[str, PhaseSwitching] = {}
    for load, raw in zip(loads, raw_loads, strict=True):
        block = raw.get("phase_switching")  # every raw load is a mapping (parsed before)
        if block is None or block is False:
            continue
        field = f"loads[{load.index}].phase_switching"
        if block is True:
            block = {}
        if not isinstance(block, Mapping):
            raise PhaseSwitchingError(field, "must be true, false or a mapping")
        if load.kind not in (Kind.EVSE, Kind.LOAD) or load.binary:
            raise PhaseSwitchingError(field, "only a charger or a variable load can switch phases")
        if len(load.phases) != THREE:
            raise PhaseSwitchingError(field, "needs a load wired on three phases")
        one_phase = str(block.get("one_phase", load.phases[0]))
        if one_phase not in load.phases:
            raise PhaseSwitchingError(
                f"{field}.one_phase", f"phase {one_phase!r} is not one of the load's phases"
            )
        mode_raw = str(block.get("mode", PhaseMode.AUTO.value))
        try:
            mode = PhaseMode(mode_raw)
        except ValueError:
            raise PhaseSwitchingError(
                f"{field}.mode", f"unknown value {mode_raw!r} (expected one of: auto, 1, 3)"
            ) from None
        active = _count(block.get("active_phases", THREE), f"{field}.active_phases")
        found[load.id] = PhaseSwitching(one_phase=one_phase, mode=mode, active_phases=active)
    return found


Allocator = Callable[[Scenario], dict[str, Any]]


def with_phase_counts(scenario: Scenario, counts: Mapping[str, int]) -> Scenario:
    """The scenario with each switching load on the given phase count (no choice left).

    A load on three phases is unchanged. A load on one phase keeps only its
    ``one_phase`` leg and the draw on it; what it draws on its other legs moves
    into the grid reading, so the house current is the same as before.
    """
    switching = scenario.phase_switching
    grid = dict(scenario.site.grid_current_a)
    loads: list[Load] = []
    for load in scenario.loads:
        spec = switching.get(load.id)
        if spec is None or counts.get(load.id, spec.active_phases) != ONE:
            loads.append(load)
            continue
        kept = 0.0
        for phase, amps in zip(load.phases, load.draw_a, strict=True):
            if phase == spec.one_phase:
                kept = amps
            else:
                grid[phase] -= amps
        loads.append(replace(load, phases=(spec.one_phase,), draw_a=(kept,)))
    site = replace(scenario.site, grid_current_a=grid)
    return replace(scenario, site=site, loads=tuple(loads), phase_switching={})


def _power_w(result: Mapping[str, Any], load: Load, count: int, voltage: float) -> float:
    got = result["loads"][load.id]
    amps = float(got["current_a"] if load.active else got["available_a"])
    return amps * count * voltage


def _judged(scenario: Scenario, load_id: str) -> Scenario:
    """The scenario in which a load's options are compared (eco: on surplus only)."""
    loads = tuple(
        replace(x, mode=Mode.SOLAR) if x.id == load_id and x.mode is Mode.ECO else x
        for x in scenario.loads
    )
    return replace(scenario, loads=loads)


def choose_phase_counts(
    scenario: Scenario, allocate_plain: Allocator
) -> tuple[dict[str, int], dict[str, dict[str, Any]]]:
    """Phase count per switching load, and why (with the power of each option)."""
    switching = scenario.phase_switching
    counts = {
        i: (spec.active_phases if spec.mode is PhaseMode.AUTO else int(spec.mode.value))
        for i, spec in switching.items()
    }
    why: dict[str, dict[str, Any]] = {
        i: {"phase_reason": "fixed"} for i, s in switching.items() if s.mode is not PhaseMode.AUTO
    }
    voltage = scenario.site.voltage
    tolerance_w = STEP_A * THREE * voltage
    order = sorted(
        (x for x in scenario.loads if x.id in switching and switching[x.id].mode is PhaseMode.AUTO),
        key=lambda x: (MODE_TIER[x.mode], x.priority, x.index),
    )
    for load in order:
        judged = _judged(scenario, load.id)
        power = {
            n: _power_w(
                allocate_plain(with_phase_counts(judged, {**counts, load.id: n})), load, n, voltage
            )
            for n in (ONE, THREE)
        }
        if power[THREE] > power[ONE] + tolerance_w:
            counts[load.id], reason = THREE, "more_power_on_three_phases"
        elif power[ONE] > power[THREE] + tolerance_w:
            counts[load.id], reason = ONE, "more_power_on_one_phase"
        elif load.mode is Mode.ECO and power[THREE] <= tolerance_w:
            counts[load.id], reason = ONE, "eco_minimum_on_one_phase"
        else:
            reason = "no_difference"
        why[load.id] = {
            "phase_reason": reason,
            "power_one_phase_w": round(power[ONE], 1),
            "power_three_phases_w": round(power[THREE], 1),
        }
    return counts, why


def allocate_switching(scenario: Scenario, allocate_plain: Allocator) -> dict[str, Any]:
    """Allocate with every switching load on its best phase count, reported per load."""
    counts, why = choose_phase_counts(scenario, allocate_plain)
    result = allocate_plain(with_phase_counts(scenario, counts))
    for load_id, count in counts.items():
        result["loads"][load_id].update({"phases": count, **why[load_id]})
    return result
