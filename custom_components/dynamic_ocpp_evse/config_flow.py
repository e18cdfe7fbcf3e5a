"""Config flow of the hub (one config entry per electrical site).

Three steps, the same for creating and reconfiguring a hub:
``user``/``reconfigure`` (name, grid sensors, breaker, voltage) -> ``control``
(import limit, distribution, timing, built-in OCPP server) -> ``energy``
(optional solar, battery and inverter). The load and circuit subentry flows
live in ``flow_charger.py``, ``flow_plug.py`` and ``flow_circuit.py``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigFlowResult,
    ConfigSubentryFlow,
)
from homeassistant.const import ATTR_DEVICE_CLASS, ATTR_UNIT_OF_MEASUREMENT
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from .const import (
    CONF_ALLOW_GRID_CHARGING,
    CONF_BATTERY_MAX_CHARGE_W,
    CONF_BATTERY_MAX_DISCHARGE_W,
    CONF_BATTERY_MIN_SOC,
    CONF_BATTERY_POWER_ENTITY,
    CONF_BATTERY_SOC_ENTITY,
    CONF_BATTERY_TARGET_SOC,
    CONF_DISTRIBUTION,
    CONF_EXCESS_THRESHOLD_W,
    CONF_GRID_INVERT,
    CONF_GRID_SENSOR_A,
    CONF_GRID_SENSOR_B,
    CONF_GRID_SENSOR_C,
    CONF_IMPORT_LIMIT_ENTITY,
    CONF_IMPORT_LIMIT_W,
    CONF_INVERTER_ASYMMETRIC,
    CONF_INVERTER_MAX_W,
    CONF_INVERTER_MAX_W_PER_PHASE,
    CONF_MAIN_BREAKER_A,
    CONF_NAME,
    CONF_OCPP_SERVER_ENABLED,
    CONF_OCPP_SERVER_HOST,
    CONF_OCPP_SERVER_PORT,
    CONF_PHASES,
    CONF_SOLAR_ENTITY,
    CONF_UPDATE_INTERVAL_S,
    CONF_VOLTAGE,
    DEFAULT_BATTERY_MAX_W,
    DEFAULT_BATTERY_MIN_SOC,
    DEFAULT_BATTERY_TARGET_SOC,
    DEFAULT_DISTRIBUTION,
    DEFAULT_EXCESS_THRESHOLD_W,
    DEFAULT_MAIN_BREAKER_A,
    DEFAULT_OCPP_SERVER_HOST,
    DEFAULT_OCPP_SERVER_PORT,
    DEFAULT_UPDATE_INTERVAL_S,
    DEFAULT_VOLTAGE,
    DISTRIBUTION_MODES,
    DOMAIN,
    SUBENTRY_CHARGER,
    SUBENTRY_CIRCUIT,
    SUBENTRY_PLUG,
)
from .flows.charger import ChargerSubentryFlow
from .flows.circuit import CircuitSubentryFlow
from .flows.discovery import ChargerDiscoveryFlow
from .flows.helpers import boolean, choice, clean_input, entity, merge_step, number, text
from .flows.plug import PlugSubentryFlow
from .validation import (
    CURRENT_OR_POWER_UNITS,
    ERR_NAME_EXISTS,
    PERCENT_UNITS,
    POWER_UNITS,
    check_entities,
    check_min_max,
    check_ranges,
    name_taken,
    site_phases,
)

GRID_KEYS = (CONF_GRID_SENSOR_A, CONF_GRID_SENSOR_B, CONF_GRID_SENSOR_C)
_SENSOR = ["sensor"]
_LIMIT_DOMAINS = ["sensor", "number", "input_number"]

SITE_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_NAME): text(),
        vol.Required(CONF_GRID_SENSOR_A): entity(_SENSOR),
        vol.Optional(CONF_GRID_SENSOR_B): entity(_SENSOR),
        vol.Optional(CONF_GRID_SENSOR_C): entity(_SENSOR),
        vol.Optional(CONF_GRID_INVERT, default=False): boolean(),
        vol.Required(CONF_MAIN_BREAKER_A, default=DEFAULT_MAIN_BREAKER_A): number("A"),
        vol.Required(CONF_VOLTAGE, default=DEFAULT_VOLTAGE): number("V"),
    }
)

CONTROL_SCHEMA = vol.Schema(
    {
        vol.Optional(CONF_IMPORT_LIMIT_W): number("W", 100),
        vol.Optional(CONF_IMPORT_LIMIT_ENTITY): entity(_LIMIT_DOMAINS),
        vol.Required(CONF_DISTRIBUTION, default=DEFAULT_DISTRIBUTION): choice(
            DISTRIBUTION_MODES, "distribution"
        ),
        vol.Required(CONF_EXCESS_THRESHOLD_W, default=DEFAULT_EXCESS_THRESHOLD_W): number("W", 100),
        vol.Optional(CONF_ALLOW_GRID_CHARGING, default=True): boolean(),
        vol.Required(CONF_UPDATE_INTERVAL_S, default=DEFAULT_UPDATE_INTERVAL_S): number("s"),
        vol.Optional(CONF_OCPP_SERVER_ENABLED, default=False): boolean(),
        vol.Required(CONF_OCPP_SERVER_HOST, default=DEFAULT_OCPP_SERVER_HOST): text(),
        vol.Required(CONF_OCPP_SERVER_PORT, default=DEFAULT_OCPP_SERVER_PORT): number(),
    }
)

ENERGY_SCHEMA = vol.Schema(
    {
        vol.Optional(CONF_SOLAR_ENTITY): entity(_SENSOR),
        vol.Optional(CONF_BATTERY_SOC_ENTITY): entity(_SENSOR),
        vol.Optional(CONF_BATTERY_POWER_ENTITY): entity(_SENSOR),
        vol.Required(CONF_BATTERY_MIN_SOC, default=DEFAULT_BATTERY_MIN_SOC): number("%"),
        vol.Required(CONF_BATTERY_TARGET_SOC, default=DEFAULT_BATTERY_TARGET_SOC): number("%"),
        vol.Required(CONF_BATTERY_MAX_CHARGE_W, default=DEFAULT_BATTERY_MAX_W): number("W", 100),
        vol.Required(CONF_BATTERY_MAX_DISCHARGE_W, default=DEFAULT_BATTERY_MAX_W): number("W", 100),
        vol.Optional(CONF_INVERTER_MAX_W): number("W", 100),
        vol.Optional(CONF_INVERTER_MAX_W_PER_PHASE): number("W", 100),
        vol.Optional(CONF_INVERTER_ASYMMETRIC, default=False): boolean(),
    }
)

_PHASE_PATTERNS = tuple(re.compile(rf"(?:^|[._])(?:l|phase_?|p){n}(?:$|[._])") for n in (1, 2, 3))


def suggest_inputs(hass: HomeAssistant) -> dict[str, Any]:
    """Pre-fill the grid sensors and the solar entity from device classes and units."""
    registry = er.async_get(hass)
    currents: list[str] = []
    solar: list[str] = []
    for state in sorted(hass.states.async_all("sensor"), key=lambda s: s.entity_id):
        reg_entry = registry.async_get(state.entity_id)
        if reg_entry is not None and reg_entry.platform in ("ocpp", DOMAIN):
            continue
        device_class = state.attributes.get(ATTR_DEVICE_CLASS)
        unit = state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)
        if device_class == "current" and unit == "A":
            currents.append(state.entity_id)
        elif (
            device_class == "power"
            and unit in POWER_UNITS
            and any(word in state.entity_id for word in ("solar", "pv"))
        ):
            solar.append(state.entity_id)
    by_phase = [
        next((e for e in currents if pattern.search(e.split(".", 1)[1])), None)
        for pattern in _PHASE_PATTERNS
    ]
    picked = by_phase if by_phase[0] else [*currents[:3], None, None, None][:3]
    suggested: dict[str, Any] = {k: v for k, v in zip(GRID_KEYS, picked, strict=True) if v}
    if solar:
        suggested[CONF_SOLAR_ENTITY] = solar[0]
    return suggested


class DynamicOcppEvseConfigFlow(ChargerDiscoveryFlow, domain=DOMAIN):
    """Create or reconfigure a hub."""

    VERSION = 3  # 2 was upstream's (Dynamic OCPP EVSE 2.x): see migration/
    MINOR_VERSION = 1

    def __init__(self) -> None:
        """Start with no answers."""
        self._data: dict[str, Any] = {}
        self._suggested: dict[str, Any] = {}  # pre-fill for a new hub

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Chargers, plugs and circuits are added under a hub."""
        return {
            SUBENTRY_CHARGER: ChargerSubentryFlow,
            SUBENTRY_PLUG: PlugSubentryFlow,
            SUBENTRY_CIRCUIT: CircuitSubentryFlow,
        }

    # -- helpers -------------------------------------------------------------
    def _own_entry_id(self) -> str | None:
        return self._reconfigure_entry_id if self.source == SOURCE_RECONFIGURE else None

    def _other_hubs(self) -> list[ConfigEntry]:
        own = self._own_entry_id()
        return [e for e in self._async_current_entries() if e.entry_id != own]

    def _form(
        self,
        step_id: str,
        schema: vol.Schema,
        values: Mapping[str, Any],
        errors: dict[str, str] | None = None,
    ) -> ConfigFlowResult:
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, values),
            errors=errors or {},
        )

    # -- step 1: the site ----------------------------------------------------
    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Name, grid sensors, main breaker and voltage of a new hub."""
        if not self._suggested:
            self._suggested = suggest_inputs(self.hass)
        return await self._site_step("user", user_input, self._suggested)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The same three steps, pre-filled with the hub's current settings."""
        if not self._data:
            self._data = dict(self._get_reconfigure_entry().data)
        return await self._site_step("reconfigure", user_input, self._data)

    async def _site_step(
        self, step_id: str, user_input: dict[str, Any] | None, values: Mapping[str, Any]
    ) -> ConfigFlowResult:
        if user_input is None:
            return self._form(step_id, SITE_SCHEMA, values)
        answers = clean_input(user_input)
        errors = self._validate_site(answers)
        if errors:
            return self._form(step_id, SITE_SCHEMA, answers, errors)
        self._data = merge_step(self._data, SITE_SCHEMA, answers)
        return await self.async_step_control()

    def _validate_site(self, answers: dict[str, Any]) -> dict[str, str]:
        errors: dict[str, str] = {}
        if name_taken((e.title for e in self._other_hubs()), answers.get(CONF_NAME, "")):
            errors[CONF_NAME] = ERR_NAME_EXISTS
        check_entities(
            self.hass, answers, dict.fromkeys(GRID_KEYS, (CURRENT_OR_POWER_UNITS, True)), errors
        )
        seen: set[str] = set()
        for key in GRID_KEYS:
            if (entity_id := answers.get(key)) and key not in errors:
                if entity_id in seen:
                    errors[key] = "duplicate_entity"
                seen.add(entity_id)
        if CONF_GRID_SENSOR_A not in errors and any(
            e.data.get(CONF_GRID_SENSOR_A) == answers.get(CONF_GRID_SENSOR_A)
            for e in self._other_hubs()
        ):
            errors[CONF_GRID_SENSOR_A] = "grid_sensor_in_use"
        check_ranges(answers, errors)
        if self.source == SOURCE_RECONFIGURE:
            self._check_phases_in_use(answers, errors)
        return errors

    def _check_phases_in_use(self, answers: dict[str, Any], errors: dict[str, str]) -> None:
        """Refuse to drop a phase that a load of this hub is wired to."""
        remaining = set(site_phases(answers))
        entry = self._get_reconfigure_entry()
        used = {p for sub in entry.subentries.values() for p in sub.data.get(CONF_PHASES, [])}
        for phase, key in zip(("A", "B", "C"), GRID_KEYS, strict=True):
            if phase in used and phase not in remaining:
                errors.setdefault(key, "phase_in_use")

    # -- step 2: limits and control -----------------------------------------
    async def async_step_control(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Import limit, distribution mode, timing and the built-in OCPP server."""
        if user_input is None:
            return self._form("control", CONTROL_SCHEMA, {**self._suggested, **self._data})
        answers = clean_input(user_input)
        errors: dict[str, str] = {}
        check_entities(self.hass, answers, {CONF_IMPORT_LIMIT_ENTITY: (POWER_UNITS, True)}, errors)
        if answers.get(CONF_IMPORT_LIMIT_W) is not None and answers.get(CONF_IMPORT_LIMIT_ENTITY):
            errors.setdefault(CONF_IMPORT_LIMIT_ENTITY, "import_limit_both")
        check_ranges(answers, errors)
        if answers.get(CONF_OCPP_SERVER_ENABLED) and CONF_OCPP_SERVER_PORT not in errors:
            port = answers.get(CONF_OCPP_SERVER_PORT)
            if any(
                e.data.get(CONF_OCPP_SERVER_ENABLED) and e.data.get(CONF_OCPP_SERVER_PORT) == port
                for e in self._other_hubs()
            ):
                errors[CONF_OCPP_SERVER_PORT] = "port_in_use"
            if not answers.get(CONF_OCPP_SERVER_HOST):
                errors[CONF_OCPP_SERVER_HOST] = "required"
        if errors:
            return self._form("control", CONTROL_SCHEMA, answers, errors)
        self._data = merge_step(self._data, CONTROL_SCHEMA, answers)
        return await self.async_step_energy()

    # -- step 3: solar, battery, inverter ------------------------------------
    async def async_step_energy(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Optional solar production, home battery and inverter limits."""
        if user_input is None:
            return self._form("energy", ENERGY_SCHEMA, {**self._suggested, **self._data})
        answers = clean_input(user_input)
        errors: dict[str, str] = {}
        check_entities(
            self.hass,
            answers,
            {
                CONF_SOLAR_ENTITY: (POWER_UNITS, True),
                CONF_BATTERY_SOC_ENTITY: (PERCENT_UNITS, True),
                CONF_BATTERY_POWER_ENTITY: (POWER_UNITS, True),
            },
            errors,
        )
        check_ranges(answers, errors)
        check_min_max(answers, CONF_BATTERY_MIN_SOC, CONF_BATTERY_TARGET_SOC, errors)
        check_min_max(answers, CONF_INVERTER_MAX_W_PER_PHASE, CONF_INVERTER_MAX_W, errors)
        if errors:
            return self._form("energy", ENERGY_SCHEMA, answers, errors)
        self._data = merge_step(self._data, ENERGY_SCHEMA, answers)
        title = self._data[CONF_NAME]
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_reload_and_abort(
                self._get_reconfigure_entry(), title=title, data=self._data
            )
        return self.async_create_entry(title=title, data=self._data)
