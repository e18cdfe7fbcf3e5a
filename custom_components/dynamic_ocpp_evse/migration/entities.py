"""Which upstream entities live on as ours (same meaning), by unique id (pure).

Upstream's unique ids are ``<entry's entity_id>_<suffix>``; ours are
``<entry or subentry id>_<key>``. An entity is carried over only where the
meaning is the same and our hub creates that entity for the migrated
configuration (for example the battery thresholds only with a battery); its
entity id, history and dashboard cards then stay. The others are removed and
listed in the migration's repair issue.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..const import CONF_BATTERY_SOC_ENTITY, CONF_IMPORT_LIMIT_ENTITY, CONF_IMPORT_LIMIT_W
from .upstream import KIND_CHARGER, KIND_HUB, KIND_PLUG, site_phases

Condition = Callable[[Mapping[str, Any]], bool]


def _always(_data: Mapping[str, Any]) -> bool:
    return True


def _battery(data: Mapping[str, Any]) -> bool:
    return bool(data.get(CONF_BATTERY_SOC_ENTITY))


def _fixed_import(data: Mapping[str, Any]) -> bool:
    return data.get(CONF_IMPORT_LIMIT_W) is not None and not data.get(CONF_IMPORT_LIMIT_ENTITY)


def _phase(phase: str) -> Condition:
    return lambda data: phase in site_phases(data)


# (platform domain, upstream suffix) -> (our key, exists for this hub data?)
HUB_ENTITIES: dict[tuple[str, str], tuple[str, Condition]] = {
    ("select", "distribution_mode"): ("distribution_mode", _always),
    ("switch", "allow_grid_charging"): ("allow_grid_charging", _battery),
    ("number", "home_battery_soc_min"): ("battery_min_soc", _battery),
    ("number", "home_battery_soc_target"): ("battery_target_soc", _battery),
    ("number", "battery_soc_target"): ("battery_target_soc", _battery),  # 1.x
    ("number", "max_import_power"): ("import_limit", _fixed_import),
    ("sensor", "site_info"): ("available_power", _always),
    ("sensor", "net_site_consumption"): ("grid_power", _always),
    ("sensor", "total_evse_power"): ("managed_power", _always),
    **{
        ("sensor", f"site_available_current_phase_{p.lower()}"): (
            f"headroom_phase_{p.lower()}",
            _phase(p),
        )
        for p in ("A", "B", "C")
    },
}
_LOAD_COMMON: dict[tuple[str, str], str] = {
    ("select", "operating_mode"): "operating_mode",
    ("switch", "dynamic_control"): "dynamic_control",
    ("sensor", "allocated_current"): "allocated_current",
    ("sensor", "available_current"): "available_current",
}
CHARGER_ENTITIES: dict[tuple[str, str], str] = {
    **_LOAD_COMMON,
    ("number", "min_current"): "min_current",
    ("number", "max_current"): "max_current",
    ("button", "reset_button"): "reset",
}
PLUG_ENTITIES: dict[tuple[str, str], str] = dict(_LOAD_COMMON)


def suffix_of(unique_id: str, prefix: str | None) -> str | None:
    """Upstream's suffix of a unique id (None when it is not of that entry)."""
    if prefix and unique_id.startswith(f"{prefix}_"):
        return unique_id[len(prefix) + 1 :]
    return None


def our_key(kind: str, domain: str, suffix: str, hub_data: Mapping[str, Any]) -> str | None:
    """Our entity key for an upstream entity, or None when it has no equivalent."""
    if kind == KIND_HUB:
        found = HUB_ENTITIES.get((domain, suffix))
        return found[0] if found is not None and found[1](hub_data) else None
    if kind == KIND_CHARGER:
        return CHARGER_ENTITIES.get((domain, suffix))
    if kind == KIND_PLUG:
        return PLUG_ENTITIES.get((domain, suffix))
    return None
