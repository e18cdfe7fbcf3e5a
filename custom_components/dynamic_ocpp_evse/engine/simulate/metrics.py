"""Figures of merit of a simulated day, computed from its :class:`Trace`.

Definitions (the same as in issue 3 and ``docs/simulator.md``):

- Overloads (seconds over, worst excess, episodes and their causes) are
  computed in ``safety.py``.
- Surplus captured = energy the ``solar``/``eco``/``excess`` loads took from
  surplus / surplus energy that was available while such a load was plugged in,
  not yet full, and the surplus was at least its minimum power. The surplus at
  an instant is solar minus the house minus every ``standard``/``continuous``
  load's draw, minus the battery's maximum charge power while the battery is
  below its target SOC (the battery charges first); for ``excess``-only
  moments, minus the excess threshold too. A load's take counts up to that
  surplus.
- Thermal loads (tank, room): energy turned into heat, comfort-band violations
  (seconds below the band while the mode keeps comfort; above it when cooling),
  seconds past the safety limit, lowest/highest temperature; a thermal load counts
  as "plugged in, not yet full" for the surplus while it is below its boost ceiling.
- Energy balance: grid import - export = house + managed loads + battery charge
  - battery discharge - solar, each integrated over the day.
- A start (stop) is the charger's offered current going from 0 to above 0
  (above 0 to 0) while a car that wants charge is plugged in.
- A send is "on change" when the commanded current differs from the last one
  sent, "on refresh" when it is the same but the last send is at least
  ``refresh_s`` old, and "unjustified" otherwise (the first send is on change).
"""

from __future__ import annotations

from typing import Any

from ..models import Load, Mode
from .plant import WANTS_CHARGE
from .safety import safety
from .series import format_time
from .trace import Trace

J_PER_KWH = 3.6e6
SURPLUS_MODES = frozenset({Mode.SOLAR, Mode.ECO, Mode.EXCESS})


def _r(value: float, digits: int = 3) -> float:
    return round(value, digits)


def _load_watts(trace: Trace, load: Load, k: int) -> float:
    """What ``load`` draws at substep ``k`` (W), on the legs it uses then."""
    return trace.draw_a[load.id][k] * len(trace.legs(load, k)) * trace.day.scenario.site.voltage


def _min_watts(trace: Trace, load: Load) -> float:
    """The least a load can run at: on one phase if it may switch."""
    legs = 1 if load.id in trace.day.scenario.phase_switching else load.leg_count
    return load.min_a * legs * trace.day.scenario.site.voltage


def energy(trace: Trace) -> dict[str, float]:
    """Integrated energies (kWh) and how well the balance closes."""
    voltage = trace.day.scenario.site.voltage
    scale = trace.dt / J_PER_KWH
    net = [voltage * sum(values) for values in zip(*trace.grid_a.values(), strict=True)]
    grid_import = sum(w for w in net if w > 0) * scale
    grid_export = -sum(w for w in net if w < 0) * scale
    house = sum(sum(column) for column in trace.house_w.values()) * scale
    managed = sum(
        _load_watts(trace, load, k) * scale
        for load in trace.day.scenario.loads
        for k in range(len(trace.t))
    )
    charge = -sum(w for w in trace.battery_w if w < 0) * scale
    discharge = sum(w for w in trace.battery_w if w > 0) * scale
    solar = sum(trace.solar_w) * scale
    error = (grid_import - grid_export) - (house + managed + charge - discharge - solar)
    consumption = house + managed + charge
    return {
        "solar_kwh": solar,
        "house_kwh": house,
        "managed_kwh": managed,
        "battery_charge_kwh": charge,
        "battery_discharge_kwh": discharge,
        "grid_import_kwh": grid_import,
        "grid_export_kwh": grid_export,
        "balance_error_kwh": error,
        "balance_error_share": abs(error) / consumption if consumption > 0 else 0.0,
    }


def surplus(trace: Trace) -> dict[str, float | None]:
    """Surplus available to solar/eco/excess loads and the part they took (kWh)."""
    scenario = trace.day.scenario
    battery = trace.day.battery
    flexible = [load for load in scenario.loads if load.mode in SURPLUS_MODES]
    fixed = [load for load in scenario.loads if load.mode not in SURPLUS_MODES]
    available = captured = 0.0
    for k in range(len(trace.t) if flexible else 0):
        eligible = [x for x in flexible if trace.car_state[x.id][k] == WANTS_CHARGE]
        if not eligible:
            continue
        watts = trace.solar_w[k] - sum(column[k] for column in trace.house_w.values())
        watts -= sum(_load_watts(trace, x, k) for x in fixed)
        if battery is not None and trace.soc[k] < battery.target_soc:
            watts -= battery.max_charge_w
        if all(x.mode is Mode.EXCESS for x in eligible):
            watts -= scenario.site.excess_threshold_w
        if watts < min(_min_watts(trace, x) for x in eligible):
            continue
        taken = sum(_load_watts(trace, x, k) for x in eligible)
        available += watts
        captured += min(watts, taken)
    scale = trace.dt / J_PER_KWH
    return {
        "available_kwh": _r(available * scale),
        "captured_kwh": _r(captured * scale),
        "captured_share": _r(captured / available, 4) if available > 0 else None,
    }


def _transitions(trace: Trace, load_id: str) -> tuple[int, int]:
    starts = stops = 0
    on = False
    states, offered = trace.car_state[load_id], trace.setpoint_a[load_id]
    for k in range(len(trace.t)):
        if states[k] != WANTS_CHARGE:
            on = False
            continue
        now_on = offered[k] > 0
        if now_on and not on:
            starts += 1
        elif on and not now_on:
            stops += 1
        on = now_on
    return starts, stops


def _sends(trace: Trace, load_id: str) -> dict[str, int]:
    refresh_s = float(trace.day.config["site"].get("refresh_s", 60.0))
    counts = {"sends_on_change": 0, "sends_on_refresh": 0, "sends_unjustified": 0}
    last_a: float | None = None
    last_t = 0.0
    for k, sent in enumerate(trace.send[load_id]):
        if not sent:
            continue
        amps, t = trace.command_a[load_id][k], trace.step_t[k]
        if last_a is None or abs(amps - last_a) > 1e-9:
            counts["sends_on_change"] += 1
        elif t - last_t >= refresh_s - 1e-6:
            counts["sends_on_refresh"] += 1
        else:
            counts["sends_unjustified"] += 1
        last_a, last_t = amps, t
    return counts


def per_load(trace: Trace) -> dict[str, dict[str, Any]]:
    """Energy, need, start/stop transitions and commands of every load."""
    result: dict[str, dict[str, Any]] = {}
    for load in trace.day.scenario.loads:
        visits = [v for v in trace.visits if v.car.load == load.id]
        starts, stops = _transitions(trace, load.id)
        kwh = sum(_load_watts(trace, load, k) for k in range(len(trace.t))) * trace.dt / J_PER_KWH
        result[load.id] = {
            "mode": load.mode.value,
            "energy_kwh": _r(kwh),
            "need_kwh": _r(sum(v.car.need_kwh for v in visits)),
            "need_met": bool(visits) and all(v.full for v in visits),
            "starts": starts,
            "stops": stops,
            "transitions": starts + stops,
            "commands_sent": sum(trace.send[load.id]),
            "phase_switches": len(trace.phase_commands[load.id]),
            **_sends(trace, load.id),
        }
    return result


def compute_metrics(trace: Trace) -> dict[str, Any]:
    """Every figure of the day as a JSON-ready mapping."""
    day = trace.day
    totals = energy(trace)
    solar = totals["solar_kwh"]
    self_consumption = (solar - totals["grid_export_kwh"]) / solar if solar > 0 else None
    return {
        "day": day.name,
        "window": [format_time(day.start_s), format_time(day.end_s)],
        "step_s": day.step_s,
        "seed": day.options.seed,
        "noise_std_a": day.options.noise_std_a,
        "grid_import_kwh": _r(totals["grid_import_kwh"]),
        "grid_export_kwh": _r(totals["grid_export_kwh"]),
        "solar_kwh": _r(solar),
        "solar_self_consumption": None
        if self_consumption is None
        else _r(min(1.0, max(0.0, self_consumption)), 4),
        "surplus": surplus(trace),
        "safety": safety(trace),
        "loads": per_load(trace),
        "energy_balance": {key: _r(value, 6) for key, value in totals.items()},
        "stale_steps": sum(trace.stale),
        **({"thermal": trace.thermal} if trace.thermal else {}),
    }
