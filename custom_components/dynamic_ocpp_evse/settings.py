"""User-set runtime values of one hub: what the select/number/switch entities own.

Defaults come from the hub entry and its subentries; entities and services
write here and then ask the coordinator to recompute. Values the user changed
are remembered in ``hass.data`` so that reloading the entry (for example after
a subentry was added or reconfigured) keeps them; after a restart the entities
restore them from their last state.

One owner per value, the latest change: a value changed on an entity (or by a
service) applies until the same value is changed in the entry's form; changing
it in the form applies the form's value and the entity follows. To tell the two
apart, each user-set value remembers the configured value it replaced (its
*base*): when the configuration no longer holds that base, the form was changed
after the entity and the user-set value is dropped. See docs/configuration.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from .const import (
    CONF_ALLOW_GRID_CHARGING,
    CONF_BATTERY_MIN_SOC,
    CONF_BATTERY_TARGET_SOC,
    CONF_DISTRIBUTION,
    CONF_GRID_SENSOR_A,
    CONF_GRID_SENSOR_B,
    CONF_GRID_SENSOR_C,
    CONF_IMPORT_LIMIT_W,
    CONF_MAIN_BREAKER_A,
    CONF_MAX_CURRENT_A,
    CONF_MIN_CURRENT_A,
    CONF_MODE,
    CONF_PHASE_MODE,
    CONF_PRIORITY,
    CONF_VOLTAGE,
    DEFAULT_BATTERY_MIN_SOC,
    DEFAULT_BATTERY_TARGET_SOC,
    DEFAULT_DEPARTURE,
    DEFAULT_DISTRIBUTION,
    DEFAULT_MAIN_BREAKER_A,
    DEFAULT_MAX_CURRENT_A,
    DEFAULT_MIN_CURRENT_A,
    DEFAULT_PRIORITY,
    DEFAULT_VOLTAGE,
    DISTRIBUTION_MODES,
    DOMAIN,
    LOAD_MODES_CHARGER,
    LOAD_MODES_GENERIC,
    LOAD_MODES_PLUG,
    PHASE_MODES,
    PLAN_ENERGY_MAX_KWH,
    SUBENTRY_CHARGER,
    SUBENTRY_LOAD,
    SUBENTRY_PLUG,
    SUBENTRY_THERMAL,
)

LOAD_SUBENTRY_TYPES = (SUBENTRY_CHARGER, SUBENTRY_PLUG, SUBENTRY_LOAD, SUBENTRY_THERMAL)
_DATA_KEY = f"{DOMAIN}_user_settings"


def load_modes(subentry_type: str) -> tuple[str, ...]:
    """The operating modes a load of this subentry type may use."""
    if subentry_type in (SUBENTRY_LOAD, SUBENTRY_THERMAL):
        return LOAD_MODES_GENERIC
    return LOAD_MODES_CHARGER if subentry_type == SUBENTRY_CHARGER else LOAD_MODES_PLUG


@dataclass(slots=True)
class HubSettings:
    """Site-wide values the user may change at runtime."""

    distribution: str
    allow_grid_charging: bool
    battery_min_soc: float
    battery_target_soc: float
    import_limit_w: float | None


@dataclass(slots=True)
class LoadSettings:
    """One load's values the user may change at runtime."""

    mode: str
    min_current_a: float
    max_current_a: float
    priority: int
    dynamic_control: bool = True
    phase_mode: str = "auto"
    """Switching chargers: auto (the engine chooses), or 1 / 3 phases fixed."""
    plan_energy_kwh: float = 0.0
    """Plan target (chargers): this much energy by the departure; 0: no plan."""
    departure: str = DEFAULT_DEPARTURE
    """Plan departure time of day, ``HH:MM:SS`` (the next occurrence when set)."""
    plan_soc: float = 0.0
    """Plan target as a state of charge (%; chargers with a SoC sensor); 0: none."""


def _float(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def hub_defaults(data: Mapping[str, Any]) -> HubSettings:
    """The hub's settings as configured in the entry."""
    distribution = data.get(CONF_DISTRIBUTION, DEFAULT_DISTRIBUTION)
    limit = data.get(CONF_IMPORT_LIMIT_W)
    return HubSettings(
        distribution=distribution if distribution in DISTRIBUTION_MODES else DEFAULT_DISTRIBUTION,
        allow_grid_charging=bool(data.get(CONF_ALLOW_GRID_CHARGING, True)),
        battery_min_soc=_float(data.get(CONF_BATTERY_MIN_SOC), DEFAULT_BATTERY_MIN_SOC),
        battery_target_soc=_float(data.get(CONF_BATTERY_TARGET_SOC), DEFAULT_BATTERY_TARGET_SOC),
        import_limit_w=None if limit in (None, "") else _float(limit, 0.0),
    )


def load_defaults(subentry: ConfigSubentry) -> LoadSettings:
    """A load's settings as configured in its subentry."""
    data = subentry.data
    modes = load_modes(subentry.subentry_type)
    mode = data.get(CONF_MODE, modes[0])
    priority = data.get(CONF_PRIORITY, DEFAULT_PRIORITY)
    return LoadSettings(
        mode=mode if mode in modes else modes[0],
        min_current_a=_float(data.get(CONF_MIN_CURRENT_A), DEFAULT_MIN_CURRENT_A),
        max_current_a=_float(data.get(CONF_MAX_CURRENT_A), DEFAULT_MAX_CURRENT_A),
        priority=int(_float(priority, DEFAULT_PRIORITY)),
        phase_mode=str(data.get(CONF_PHASE_MODE, "auto"))
        if str(data.get(CONF_PHASE_MODE, "auto")) in PHASE_MODES
        else "auto",
    )


@dataclass
class Settings:
    """All user-set values of one hub, and which of them the user changed."""

    hub: HubSettings
    loads: dict[str, LoadSettings]
    user_set: dict[tuple[str, str], Any] = field(default_factory=dict)
    bases: dict[tuple[str, str], Any] = field(default_factory=dict)
    """The configured value each user-set value replaced (see the module docstring)."""
    configured: dict[tuple[str, str], Any] = field(default_factory=dict)
    """The values the entry and its subentries configure now."""

    def base_of(self, scope: str, key: str) -> Any:
        """The configured value that a user-set value replaced (None when not user-set)."""
        return self.bases.get((scope, key))

    def configured_value(self, scope: str, key: str) -> Any:
        """The value the entry (or subentry) configures for this setting."""
        return self.configured.get((scope, key))

    def get_load(self, load_id: str) -> LoadSettings | None:
        """Settings of one load, or None when the load does not exist."""
        return self.loads.get(load_id)

    def is_user_set(self, scope: str, key: str) -> bool:
        """Whether the user changed this value (scope: "hub" or a load id)."""
        return (scope, key) in self.user_set

    def set_value(self, scope: str, key: str, value: Any) -> None:
        """Change one value and remember it as set by the user."""
        target: HubSettings | LoadSettings | None = (
            self.hub if scope == "hub" else self.loads.get(scope)
        )
        if target is None or key not in {f.name for f in fields(target)}:
            raise KeyError(f"{scope}.{key}")
        setattr(target, key, value)
        self.user_set[(scope, key)] = value
        self.bases.setdefault((scope, key), self.configured.get((scope, key)))


def _configured(hub: HubSettings, loads: Mapping[str, LoadSettings]) -> dict[tuple[str, str], Any]:
    values = {("hub", f.name): getattr(hub, f.name) for f in fields(hub)}
    for load_id, load in loads.items():
        values.update({(load_id, f.name): getattr(load, f.name) for f in fields(load)})
    return values


def build_settings(hass: HomeAssistant, entry: ConfigEntry) -> Settings:
    """Settings from the entry's configuration, with the user's earlier changes on top.

    A remembered change whose base is no longer what the entry configures is
    dropped: the form changed that value after the entity did.
    """
    stores: dict[str, dict[tuple[str, str], Any]] = hass.data.setdefault(_DATA_KEY, {}).setdefault(
        entry.entry_id, {"values": {}, "bases": {}}
    )
    remembered: dict[tuple[str, str], Any] = stores["values"]
    bases: dict[tuple[str, str], Any] = stores["bases"]
    hub = hub_defaults(entry.data)
    loads = {
        sub_id: load_defaults(sub)
        for sub_id, sub in entry.subentries.items()
        if sub.subentry_type in LOAD_SUBENTRY_TYPES
    }
    settings = Settings(
        hub=hub,
        loads=loads,
        user_set=remembered,  # shared: changes survive a reload of the entry
        bases=bases,
        configured=_configured(hub, loads),
    )
    for (scope, key), value in list(remembered.items()):
        target = settings.hub if scope == "hub" else settings.loads.get(scope)
        stale = (scope, key) in bases and bases[(scope, key)] != settings.configured_value(
            scope, key
        )
        if target is None or stale:
            del remembered[(scope, key)]  # the load was removed, or the form changed it
            bases.pop((scope, key), None)
            continue
        setattr(target, key, value)
    _clamp(settings, entry)
    return settings


def user_values(hass: HomeAssistant, entry_id: str, scope: str) -> dict[str, Any]:
    """The values of ``scope`` ("hub" or a subentry id) the user changed on entities.

    The reconfigure forms show these instead of the stored ones, so a form shows
    what is in force.
    """
    stores = hass.data.get(_DATA_KEY, {}).get(entry_id)
    if not stores:
        return {}
    return {key: value for (where, key), value in stores["values"].items() if where == scope}


def _clamp(settings: Settings, entry: ConfigEntry) -> None:
    """Keep remembered values within a possibly changed configuration."""
    for sub_id, load in settings.loads.items():
        top = configured_max_current(entry.subentries[sub_id])
        load.max_current_a = min(load.max_current_a, top)
        load.min_current_a = min(load.min_current_a, load.max_current_a)


def forget_settings(hass: HomeAssistant, entry_id: str) -> None:
    """Drop remembered changes (the entry was removed)."""
    hass.data.get(_DATA_KEY, {}).pop(entry_id, None)


def copy_settings(settings: Settings) -> Settings:
    """A deep-enough copy for diagnostics and comparisons."""
    return Settings(
        hub=replace(settings.hub),
        loads={k: replace(v) for k, v in settings.loads.items()},
        user_set=dict(settings.user_set),
        bases=dict(settings.bases),
        configured=dict(settings.configured),
    )


PRIORITY_RANGE = (1.0, 99.0)
SOC_RANGE = (0.0, 100.0)


def configured_max_current(subentry: ConfigSubentry) -> float:
    """The installation's maximum for a charger connector (upper end of its numbers)."""
    return max(0.0, _float(subentry.data.get(CONF_MAX_CURRENT_A), DEFAULT_MAX_CURRENT_A))


def configured_min_current(subentry: ConfigSubentry) -> float:
    """The installation's minimum for a charger connector (below it the car pauses)."""
    low = max(0.0, _float(subentry.data.get(CONF_MIN_CURRENT_A), DEFAULT_MIN_CURRENT_A))
    return min(low, configured_max_current(subentry))


CURRENT_KEYS = ("min_current_a", "max_current_a")


def current_gap_error(value: float, low: float, high: float) -> ServiceValidationError:
    """The translated refusal of a current between 0 and the charger's minimum."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="current_below_minimum",
        translation_placeholders={"value": f"{value:g}", "min": f"{low:g}", "max": f"{high:g}"},
    )


def current_gap(entry: ConfigEntry, scope: str, value: float) -> tuple[float, float] | None:
    """(min, max) when ``value`` lies in the gap a current setting may not take.

    A charger's current numbers accept 0 (no charging) or its configured
    minimum..maximum: between 0 and the minimum a car cannot charge."""
    sub = entry.subentries.get(scope)
    if sub is None:
        return None
    low, high = configured_min_current(sub), configured_max_current(sub)
    return (low, high) if 0 < value < low else None


def import_limit_range(data: Mapping[str, Any]) -> tuple[float, float]:
    """Allowed import limit (W): up to what the main breaker can carry on every phase."""
    keys = (CONF_GRID_SENSOR_A, CONF_GRID_SENSOR_B, CONF_GRID_SENSOR_C)
    phases = sum(1 for key in keys if data.get(key))
    breaker = _float(data.get(CONF_MAIN_BREAKER_A), DEFAULT_MAIN_BREAKER_A)
    volts = _float(data.get(CONF_VOLTAGE), DEFAULT_VOLTAGE)
    return 0.0, max(1000.0, round(breaker * volts * max(1, phases)))


def value_range(entry: ConfigEntry, scope: str, key: str) -> tuple[float, float]:
    """The allowed range of one numeric setting."""
    if key in ("min_current_a", "max_current_a"):
        sub = entry.subentries.get(scope)
        return 0.0, configured_max_current(sub) if sub is not None else DEFAULT_MAX_CURRENT_A
    if key == "priority":
        return PRIORITY_RANGE
    if key in ("battery_min_soc", "battery_target_soc"):
        return SOC_RANGE
    if key == "plan_energy_kwh":
        return 0.0, PLAN_ENERGY_MAX_KWH
    if key == "plan_soc":
        return SOC_RANGE
    if key == "import_limit_w":
        return import_limit_range(entry.data)
    raise KeyError(key)
