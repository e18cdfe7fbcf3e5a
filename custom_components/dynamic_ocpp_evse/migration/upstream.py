"""Upstream's vocabulary and the small rules every mapping shares (pure functions).

Upstream (Dynamic OCPP EVSE 2.x / Load Juggler) stores a setting in the entry's
``options`` once it was edited and in ``data`` before, so the effective value is
options over data. Every value is distrusted: missing, non-numeric, NaN or out
of our range counts as missing (our default applies) or is clamped into range
and reported. A setting with no equivalent here is reported unless it still
holds upstream's own default (a default carries no choice of the user);
bookkeeping keys (generated entity ids, entry links, versions) are ignored.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..const import (
    CONF_GRID_SENSOR_A,
    CONF_GRID_SENSOR_B,
    CONF_GRID_SENSOR_C,
    SUBENTRY_CHARGER,
    SUBENTRY_CIRCUIT,
    SUBENTRY_PLUG,
)
from ..validation import RANGES

# --- upstream's vocabulary (facts about their stored entries) -----------------
UP_ENTRY_TYPE = "entry_type"
UP_HUB_ENTRY_ID = "hub_entry_id"
UP_DEVICE_TYPE = "device_type"
UP_ENTITY_ID = "entity_id"  # prefix of every unique id of that entry's entities
KIND_HUB, KIND_CHARGER, KIND_PLUG, KIND_GROUP = "hub", "charger", "plug", "group"

UP_DISTRIBUTION = {
    "shared": "shared",
    "priority": "priority",
    "sequential - optimized": "optimized",
    "sequential - strict": "strict",
}
UP_MODES = {  # upstream mode (v2.0 hub-level or 2.0.5 per load) -> ours
    "standard": "standard",
    "eco": "eco",
    "solar priority": "eco",
    "solar": "solar",
    "solar only": "solar",
    "excess": "excess",
    "continuous": "continuous",
}

# Keys with no meaning of their own: links, generated entity ids, versions.
_BOOKKEEPING = frozenset(
    {
        UP_ENTRY_TYPE,
        UP_HUB_ENTRY_ID,
        UP_DEVICE_TYPE,
        UP_ENTITY_ID,
        "name",
        "charger_id",
        "integration_version",
        "charging_mode_entity_id",
        "charger_charging_mode_entity_id",
        "battery_soc_target_entity_id",
        "allow_grid_charging_entity_id",
        "power_buffer_entity_id",
        "min_current_entity_id",
        "max_current_entity_id",
    }
)
CHARGER_KEYS = (  # what a charger entry holds that we carry over
    "ocpp_device_id",
    "evse_current_import_entity_id",
    "evse_current_offered_entity_id",
    "evse_power_offered_entity_id",
    "evse_minimum_charge_current",
    "evse_maximum_charge_current",
    "charger_priority",
    "charger_l1_phase",
    "charger_l2_phase",
    "charger_l3_phase",
    "charge_rate_unit",
    "profile_validity_mode",
    "ocpp_profile_timeout",
    "update_frequency",
    "stack_level",
    "charge_pause_duration",
    "solar_grace_period",
    "operating_mode",
)

# Settings we have no equivalent for -> upstream's default (None: any value counts).
NO_EQUIVALENT_HUB: dict[str, Any] = {
    "inverter_output_phase_a_entity_id": None,
    "inverter_output_phase_b_entity_id": None,
    "inverter_output_phase_c_entity_id": None,
    "wiring_topology": "parallel",
    "auto_detect_phase_mapping": True,
    "power_buffer": 0,
}
NO_EQUIVALENT_CHARGER: dict[str, Any] = {
    "evse_current_import_l1_entity_id": None,
    "evse_current_import_l2_entity_id": None,
    "evse_current_import_l3_entity_id": None,
    "evse_power_import_entity_id": None,
}
NO_EQUIVALENT_PLUG: dict[str, Any] = {"update_frequency": 15}


@dataclass
class Mapped:
    """Our data for one entry or subentry, and what could not be carried over."""

    data: dict[str, Any]
    dropped: list[str] = field(default_factory=list)
    title: str = ""


def effective(data: Mapping[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
    """Upstream's effective settings: options over data, "None"/"" read as unset."""
    merged = {**data, **options}
    return {k: (None if v in ("", "None") else v) for k, v in merged.items()}


def is_upstream_single_entry(data: Mapping[str, Any]) -> bool:
    """An upstream 1.x entry (version 1 like ours, but with upstream's keys)."""
    return "grid_sensor_a" not in data and "phase_a_current_entity_id" in data


def kind(up: Mapping[str, Any]) -> str:
    """hub, charger, plug or group (legacy entries without a type are hubs)."""
    entry_type = up.get(UP_ENTRY_TYPE) or KIND_HUB
    if entry_type == KIND_CHARGER:
        return KIND_PLUG if up.get(UP_DEVICE_TYPE) == "plug" else KIND_CHARGER
    return str(entry_type)


def number(value: Any) -> float | None:
    """A finite number, or None (booleans, text, NaN and infinity are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        result = float(value)
    except ValueError:
        return None
    return result if math.isfinite(result) else None


def ranged(key: str, value: Any, default: float | None, dropped: list[str]) -> float | None:
    """A number within our range for ``key`` (clamped, and reported when clamped)."""
    found = number(value)
    if found is None:
        return default
    low, high = RANGES[key]
    clamped = min(max(found, low), high)
    if clamped != found:
        dropped.append(f"{key}: {found:g} is outside {low:g}..{high:g}, {clamped:g} is used")
    return clamped


def entity_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and "." in value else None


def unlisted(
    up: Mapping[str, Any], known: Iterable[str], no_equivalent: Mapping[str, Any], label: str
) -> list[str]:
    """Settings with no equivalent that hold a value other than upstream's default."""
    notes = []
    for key, default in no_equivalent.items():
        value = up.get(key)
        if value is not None and value != default:
            notes.append(f"{label}: {key} = {value}")
    handled = set(known) | set(no_equivalent) | _BOOKKEEPING
    notes += [
        f"{label}: {key} = {value}"
        for key, value in up.items()
        if key not in handled and value not in (None, "", [], {})
    ]
    return notes


def load_mode(raw: Any, allowed: tuple[str, ...], default: str) -> str:
    mode = UP_MODES.get(str(raw).strip().lower()) if raw is not None else None
    if mode == "continuous" and "continuous" not in allowed:
        mode = "standard"
    if mode in ("standard", "eco") and "standard" not in allowed:
        mode = "continuous" if mode == "standard" else "solar"
    return mode if mode in allowed else default


def on_off(raw: Any, default: bool) -> bool:
    return {"on": True, "off": False}.get(str(raw), default)


def site_phases(data: Mapping[str, Any]) -> list[str]:
    """The phases of our hub: those with a grid sensor (A at least)."""
    keys = {"A": CONF_GRID_SENSOR_A, "B": CONF_GRID_SENSOR_B, "C": CONF_GRID_SENSOR_C}
    return [p for p, key in keys.items() if data.get(key)] or ["A"]


SUBENTRY_TYPES = {
    KIND_CHARGER: SUBENTRY_CHARGER,
    KIND_PLUG: SUBENTRY_PLUG,
    KIND_GROUP: SUBENTRY_CIRCUIT,
}


def unique_title(title: str, taken: set[str]) -> str:
    """The title, with " 2", " 3"... added when another subentry already has it."""
    candidate, n = title, 2
    while candidate.casefold() in taken:
        candidate, n = f"{title} {n}", n + 1
    taken.add(candidate.casefold())
    return candidate
