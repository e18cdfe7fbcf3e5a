"""Turn OCPP 1.6 MeterValues samples into connector state (A per phase, W, Wh).

Input is the ``meter_value`` list as the ``ocpp`` library hands it to a handler
(snake_case keys: ``timestamp``, ``sampled_value`` -> ``value``, ``measurand``,
``phase``, ``unit``, ``format``, ``location``). Defaults follow the spec: a sample
without measurand is ``Energy.Active.Import.Register`` in Wh.

Every sample is distrusted: a value that is not a finite number, that carries a unit
which does not fit its measurand, or that lies outside physical bounds (a negative
import, a current above ``MAX_CURRENT_A``, ...) is **missing**, never a reading. When
a MeterValues entry only had implausible samples for a measurand, that measurand
becomes ``None`` (not the previous value): a charger that meters garbage is not
metering. Small negative noise (``NEGATIVE_NOISE``) reads as 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .state import ConnectorState

CURRENT = "Current.Import"
OFFERED = "Current.Offered"  # the limit the charger says it offers the car
POWER = "Power.Active.Import"
ENERGY = "Energy.Active.Import.Register"

_PHASE_INDEX = {"L1": 0, "L2": 1, "L3": 2, "L1-N": 0, "L2-N": 1, "L3-N": 2}
_IGNORED_LOCATIONS = {"EV", "Body", "Cable"}


@dataclass(frozen=True, slots=True)
class Bounds:
    """What a measurand may be: its units (scale to A/W/Wh) and plausible range."""

    units: dict[str | None, float]
    maximum: float
    noise: float  # values in [-noise, 0) are meter noise and read as 0


# Far above any charger (DC fast chargers stay below 600 A and 400 kW), far below what
# would make a headroom computation overflow.
MAX_CURRENT_A = 1000.0
MAX_POWER_W = 1_000_000.0
MAX_ENERGY_WH = 1e10
BOUNDS = {
    CURRENT: Bounds({None: 1.0, "A": 1.0}, MAX_CURRENT_A, 0.5),
    OFFERED: Bounds({None: 1.0, "A": 1.0}, MAX_CURRENT_A, 0.0),
    POWER: Bounds({None: 1.0, "W": 1.0, "kW": 1000.0}, MAX_POWER_W, 50.0),
    ENERGY: Bounds({None: 1.0, "Wh": 1.0, "kWh": 1000.0}, MAX_ENERGY_WH, 0.0),
}


def plausible(measurand: str, raw: Any, unit: Any = None) -> float | None:
    """The value in A/W/Wh when ``raw`` is a believable reading of ``measurand``."""
    bounds = BOUNDS.get(measurand)
    if bounds is None or unit not in bounds.units:
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        return None
    try:
        value = float(raw) * bounds.units[unit]
    except (TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(value) or value > bounds.maximum:
        return None
    if value < 0:
        return 0.0 if value >= -bounds.noise else None
    return value


def apply_meter_values(
    conn: ConnectorState,
    meter_value: list[dict[str, Any]],
    now: datetime,
    rejected: list[str] | None = None,
) -> bool:
    """Apply the samples to ``conn``; return True when its state changed.

    ``last_meter_at`` moves only when a believable value arrived. Implausible samples
    are skipped and described (``"Current.Import L1 = '1e308'"``) in ``rejected``
    when a list is given.
    """
    changed = believed = False
    for entry in meter_value:
        samples = entry.get("sampled_value") if isinstance(entry, dict) else None
        phased_current: list[float | None] = [None, None, None]
        total_current: float | None = None
        phased_power: list[float] = []
        total_power: float | None = None
        energy: float | None = None
        phased_energy: list[float] = []
        offered: list[float] = []
        seen: set[str] = set()  # measurands present, plausible or not
        for sample in samples if isinstance(samples, list) else []:
            if not isinstance(sample, dict) or sample.get("location") in _IGNORED_LOCATIONS:
                continue
            if sample.get("format") == "SignedData":
                continue
            measurand = sample.get("measurand", ENERGY)
            if measurand not in BOUNDS:
                continue
            phase = sample.get("phase")
            index = _PHASE_INDEX.get(phase) if phase else None
            if phase and index is None:
                continue  # N, L1-L2, ...: not a load current/power
            seen.add(measurand)
            value = plausible(measurand, sample.get("value"), sample.get("unit"))
            if value is None:
                if rejected is not None:
                    where = f" {phase}" if phase else ""
                    rejected.append(f"{measurand}{where} = {sample.get('value')!r:.40}")
                continue
            if measurand == CURRENT:
                if index is None:
                    total_current = value
                else:
                    phased_current[index] = value
            elif measurand == OFFERED:
                offered.append(value)
            elif measurand == POWER:
                if index is None:
                    total_power = value
                else:
                    phased_power.append(value)
            elif index is None:
                energy = value
            else:
                phased_energy.append(value)
        if any(v is not None for v in phased_current):
            conn.current_a = phased_current
            changed = believed = True
        elif total_current is not None:
            conn.current_a = [total_current, None, None]
            changed = believed = True
        elif CURRENT in seen and conn.current_a != [None, None, None]:
            conn.current_a = [None, None, None]  # metered, but nothing believable
            changed = True
        if offered:  # per phase or total: the charger offers the same on every leg
            conn.reported_offered_a = max(offered)
            changed = True
        if total_power is not None or phased_power:
            conn.power_w = total_power if total_power is not None else sum(phased_power)
            changed = believed = True
        elif POWER in seen and conn.power_w is not None:
            conn.power_w = None
            changed = True
        if energy is not None or phased_energy:
            conn.energy_wh = energy if energy is not None else sum(phased_energy)
            conn.update_session_energy()
            changed = believed = True
    if believed:
        conn.last_meter_at = now
    return changed
