"""Turn OCPP 1.6 MeterValues samples into connector state (A per phase, W, Wh).

Input is the ``meter_value`` list as the ``ocpp`` library hands it to a handler
(snake_case keys: ``timestamp``, ``sampled_value`` -> ``value``, ``measurand``,
``phase``, ``unit``, ``format``, ``location``). Defaults follow the spec: a sample
without measurand is ``Energy.Active.Import.Register`` in Wh.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from .state import ConnectorState

CURRENT = "Current.Import"
OFFERED = "Current.Offered"
MAX_OFFERED_A = 1000.0  # above this a reported offer is nonsense
POWER = "Power.Active.Import"
ENERGY = "Energy.Active.Import.Register"

_PHASE_INDEX = {"L1": 0, "L2": 1, "L3": 2, "L1-N": 0, "L2-N": 1, "L3-N": 2}
_SCALE = {"W": 1.0, "kW": 1000.0, "Wh": 1.0, "kWh": 1000.0, "A": 1.0}
_IGNORED_LOCATIONS = {"EV", "Body", "Cable"}


def _number(sample: dict[str, Any]) -> float | None:
    if sample.get("format") == "SignedData":
        return None
    try:
        value = float(sample["value"])
    except (KeyError, TypeError, ValueError):
        return None
    unit = sample.get("unit")
    return value * _SCALE.get(unit, 1.0) if unit else value


def apply_meter_values(
    conn: ConnectorState, meter_value: list[dict[str, Any]], now: datetime
) -> bool:
    """Apply the samples to ``conn``; return True when anything was recognised."""
    changed = False
    for entry in meter_value:
        phased_current: list[float | None] = [None, None, None]
        total_current: float | None = None
        phased_power: list[float] = []
        total_power: float | None = None
        energy: float | None = None
        phased_energy: list[float] = []
        offered: list[float] = []
        for sample in entry.get("sampled_value", []):
            if sample.get("location") in _IGNORED_LOCATIONS:
                continue
            value = _number(sample)
            if value is None:
                continue
            measurand = sample.get("measurand", ENERGY)
            phase = sample.get("phase")
            index = _PHASE_INDEX.get(phase) if phase else None
            if phase and index is None:
                continue  # N, L1-L2, ...: not a load current/power
            if measurand == CURRENT:
                if index is None:
                    total_current = value
                else:
                    phased_current[index] = value
            elif measurand == OFFERED:
                if math.isfinite(value) and 0 <= value <= MAX_OFFERED_A:  # else: not a limit
                    offered.append(value)
            elif measurand == POWER:
                if index is None:
                    total_power = value
                else:
                    phased_power.append(value)
            elif measurand == ENERGY:
                if index is None:
                    energy = value
                else:
                    phased_energy.append(value)
        if any(v is not None for v in phased_current):
            conn.current_a = phased_current
            changed = True
        elif total_current is not None:
            conn.current_a = [total_current, None, None]
            changed = True
        if offered:  # per phase or total: the charger offers the same on every leg
            conn.reported_offered_a = max(offered)
            changed = True
        if total_power is not None or phased_power:
            conn.power_w = total_power if total_power is not None else sum(phased_power)
            changed = True
        if energy is not None or phased_energy:
            conn.energy_wh = energy if energy is not None else sum(phased_energy)
            conn.update_session_energy()
            changed = True
    if changed:
        conn.last_meter_at = now
    return changed
