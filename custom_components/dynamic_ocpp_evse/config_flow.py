"""Config flow of the hub (one config entry per electrical site).

Creating and reconfiguring a hub are the same: ``user``/``reconfigure`` asks for
the site (name, grid sensors, main breaker, voltage) with everything optional in
collapsed sections (import limit, solar, battery sensor, inverter, built-in OCPP
server, advanced controller settings); ``battery`` follows only when a battery
state-of-charge sensor was chosen. The forms are in ``flows/hub_forms.py``; the
load and circuit subentry flows and the discovery of chargers in ``flows/``.
The stored data is flat (one key per setting); timings go to its ``timing``.
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
    CONF_BATTERY_MIN_SOC,
    CONF_BATTERY_POWER_ENTITY,
    CONF_BATTERY_SOC_ENTITY,
    CONF_BATTERY_TARGET_SOC,
    CONF_DISTRIBUTION,
    CONF_GRID_SENSOR_A,
    CONF_IMPORT_LIMIT_ENTITY,
    CONF_IMPORT_LIMIT_W,
    CONF_INVERTER_MAX_W,
    CONF_INVERTER_MAX_W_PER_PHASE,
    CONF_NAME,
    CONF_OCPP_SERVER_CERTFILE,
    CONF_OCPP_SERVER_ENABLED,
    CONF_OCPP_SERVER_HOST,
    CONF_OCPP_SERVER_KEYFILE,
    CONF_OCPP_SERVER_PORT,
    CONF_PHASES,
    CONF_PRICE_AREA,
    CONF_PRICE_ENTITY,
    CONF_PRICE_NORDPOOL_ENTRY,
    CONF_PRICE_SOURCE,
    CONF_SOLAR_ENTITY,
    DEFAULT_PRICE_SOURCE,
    DOMAIN,
    SUBENTRY_CHARGER,
    SUBENTRY_CIRCUIT,
    SUBENTRY_LOAD,
    SUBENTRY_PLUG,
    SUBENTRY_THERMAL,
)
from .flows.charger import ChargerSubentryFlow
from .flows.circuit import CircuitSubentryFlow
from .flows.discovery import ChargerDiscoveryFlow
from .flows.helpers import clean_input, merge_step, missing_required
from .flows.hub_forms import GRID_KEYS, battery_schema, site_schema
from .flows.load import LoadSubentryFlow
from .flows.plug import PlugSubentryFlow
from .flows.sections import nest, place_errors
from .flows.thermal import ThermalSubentryFlow
from .flows.timing import HUB_TIMING_FIELDS, store_timing, timing_values
from .ocpp_server.tls import TlsSetupError, server_ssl_context, tls_wanted
from .plan_inputs import NORDPOOL, TIBBER
from .prices import from_attributes
from .settings import user_values
from .validation import (
    CURRENT_OR_POWER_UNITS,
    ERR_ENTITY_NOT_FOUND,
    ERR_NAME_EXISTS,
    PERCENT_UNITS,
    POWER_UNITS,
    check_entities,
    check_min_max,
    check_ranges,
    name_taken,
    site_phases,
)

_AREA = re.compile(r"^[A-Z][A-Z0-9]{1,5}$")
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


# settings that an entity also changes: a reconfigure form shows the value in force
ENTITY_OWNED_HUB_KEYS = frozenset(
    {
        CONF_DISTRIBUTION,
        CONF_ALLOW_GRID_CHARGING,
        CONF_BATTERY_MIN_SOC,
        CONF_BATTERY_TARGET_SOC,
        CONF_IMPORT_LIMIT_W,
    }
)


class DynamicOcppEvseConfigFlow(ChargerDiscoveryFlow, domain=DOMAIN):
    """Create or reconfigure a hub."""

    VERSION = 3  # 2 was upstream's (Dynamic OCPP EVSE 2.x): see migration/
    MINOR_VERSION = 1

    def __init__(self) -> None:
        """Start with no answers."""
        self._data: dict[str, Any] = {}
        self._suggested: dict[str, Any] = {}  # pre-fill for a new hub
        self._in_force: dict[str, Any] = {}  # values the user changed on entities

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Chargers, plugs, generic and thermal loads and circuits are added under a hub."""
        return {
            SUBENTRY_CHARGER: ChargerSubentryFlow,
            SUBENTRY_PLUG: PlugSubentryFlow,
            SUBENTRY_LOAD: LoadSubentryFlow,
            SUBENTRY_THERMAL: ThermalSubentryFlow,
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
        errors: Mapping[str, str] | None = None,
    ) -> ConfigFlowResult:
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, nest(schema, values)),
            errors=place_errors(schema, errors or {}),
        )

    # -- the site --------------------------------------------------------------
    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """A new hub: the site, with the optional parts in collapsed sections."""
        if not self._suggested:
            self._suggested = suggest_inputs(self.hass)
        return await self._site_step("user", user_input, self._suggested)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """The same form, pre-filled with the hub's current settings."""
        if not self._data:
            entry = self._get_reconfigure_entry()
            self._data = dict(entry.data)
            self._in_force = {
                key: value
                for key, value in user_values(self.hass, entry.entry_id, "hub").items()
                if key in ENTITY_OWNED_HUB_KEYS and value is not None
            }
        values = {**self._data, **timing_values(self._data), **self._in_force}
        return await self._site_step("reconfigure", user_input, values)

    async def _site_step(
        self, step_id: str, user_input: dict[str, Any] | None, values: Mapping[str, Any]
    ) -> ConfigFlowResult:
        schema = site_schema()
        if user_input is None:
            return self._form(step_id, schema, values)
        answers = clean_input(user_input)
        errors = missing_required(schema, answers) | self._validate_site(answers)
        await self._check_tls(answers, errors)
        if errors:
            return self._form(step_id, schema, answers, errors)
        data = merge_step(self._data, schema, answers)
        self._data = store_timing(data, answers, HUB_TIMING_FIELDS, drop_defaults=True)
        if self._data.get(CONF_PRICE_SOURCE) == DEFAULT_PRICE_SOURCE:
            self._data.pop(CONF_PRICE_SOURCE)  # the default is stored as no value
        if self._data.get(CONF_BATTERY_SOC_ENTITY):
            return await self.async_step_battery()
        self._data.pop(CONF_BATTERY_POWER_ENTITY, None)  # no battery: its power is unused
        return self._finish()

    def _validate_site(self, answers: dict[str, Any]) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not answers.get(CONF_NAME):
            errors[CONF_NAME] = "required"
        elif name_taken((e.title for e in self._other_hubs()), answers[CONF_NAME]):
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
        check_entities(
            self.hass,
            answers,
            {
                CONF_IMPORT_LIMIT_ENTITY: (POWER_UNITS, True),
                CONF_SOLAR_ENTITY: (POWER_UNITS, True),
                CONF_BATTERY_SOC_ENTITY: (PERCENT_UNITS, True),
            },
            errors,
        )
        if answers.get(CONF_IMPORT_LIMIT_W) is not None and answers.get(CONF_IMPORT_LIMIT_ENTITY):
            errors.setdefault(CONF_IMPORT_LIMIT_ENTITY, "import_limit_both")
        check_ranges(answers, errors)
        check_min_max(answers, CONF_INVERTER_MAX_W_PER_PHASE, CONF_INVERTER_MAX_W, errors)
        self._check_server(answers, errors)
        self._check_prices(answers, errors)
        if self.source == SOURCE_RECONFIGURE:
            self._check_phases_in_use(answers, errors)
        return errors

    def _check_prices(self, answers: dict[str, Any], errors: dict[str, str]) -> None:
        """The price source can be used: its entity lists prices, or its action exists."""
        source = answers.get(CONF_PRICE_SOURCE, "entity")
        if source == "entity":
            entity_id = answers.get(CONF_PRICE_ENTITY)
            state = self.hass.states.get(str(entity_id)) if entity_id else None
            if entity_id and state is None and er.async_get(self.hass).async_get(entity_id) is None:
                errors[CONF_PRICE_ENTITY] = ERR_ENTITY_NOT_FOUND
            elif state is not None and state.attributes and not from_attributes(state.attributes):
                errors[CONF_PRICE_ENTITY] = "price_entity_unreadable"
            return
        domain, service = NORDPOOL if source == "nordpool" else TIBBER
        if not self.hass.services.has_service(domain, service):
            errors[CONF_PRICE_SOURCE] = "price_action_missing"
        if source != "nordpool":
            return
        entry_id = answers.get(CONF_PRICE_NORDPOOL_ENTRY)
        entry = self.hass.config_entries.async_get_entry(entry_id) if entry_id else None
        if not entry_id:
            errors[CONF_PRICE_NORDPOOL_ENTRY] = "required"
        elif entry is None or entry.domain != "nordpool":
            errors[CONF_PRICE_NORDPOOL_ENTRY] = "price_entry_not_nordpool"
        area = answers.get(CONF_PRICE_AREA)
        if area is None:
            return
        known = entry.data.get("areas") if entry is not None else None
        if not isinstance(area, str) or not _AREA.match(area.upper()):
            errors[CONF_PRICE_AREA] = "price_area_invalid"
            return
        answers[CONF_PRICE_AREA] = area = area.upper()
        if isinstance(known, list) and area not in {str(a).upper() for a in known}:
            errors[CONF_PRICE_AREA] = "price_area_not_in_entry"

    def _check_server(self, answers: dict[str, Any], errors: dict[str, str]) -> None:
        if not answers.get(CONF_OCPP_SERVER_ENABLED):
            return
        if not answers.get(CONF_OCPP_SERVER_HOST):
            errors.setdefault(CONF_OCPP_SERVER_HOST, "required")
        if CONF_OCPP_SERVER_PORT in errors:
            return
        port = answers.get(CONF_OCPP_SERVER_PORT)
        if any(
            e.data.get(CONF_OCPP_SERVER_ENABLED) and e.data.get(CONF_OCPP_SERVER_PORT) == port
            for e in self._other_hubs()
        ):
            errors[CONF_OCPP_SERVER_PORT] = "port_in_use"

    async def _check_tls(self, answers: dict[str, Any], errors: dict[str, str]) -> None:
        """The certificate and key files (both or neither) load as a TLS server."""
        certfile = answers.get(CONF_OCPP_SERVER_CERTFILE) or None
        keyfile = answers.get(CONF_OCPP_SERVER_KEYFILE) or None
        if not answers.get(CONF_OCPP_SERVER_ENABLED) or (certfile is None and keyfile is None):
            return
        try:
            if tls_wanted(certfile, keyfile) and certfile and keyfile:
                await self.hass.async_add_executor_job(server_ssl_context, certfile, keyfile)
        except TlsSetupError as err:
            field = CONF_OCPP_SERVER_KEYFILE if keyfile is None else CONF_OCPP_SERVER_CERTFILE
            errors.setdefault(field, err.reason)

    def _check_phases_in_use(self, answers: dict[str, Any], errors: dict[str, str]) -> None:
        """Refuse to drop a phase that a load of this hub is wired to."""
        remaining = set(site_phases(answers))
        entry = self._get_reconfigure_entry()
        used = {p for sub in entry.subentries.values() for p in sub.data.get(CONF_PHASES, [])}
        for phase, key in zip(("A", "B", "C"), GRID_KEYS, strict=True):
            if phase in used and phase not in remaining:
                errors.setdefault(key, "phase_in_use")

    # -- the battery (only with a battery SOC sensor) ------------------------------
    async def async_step_battery(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Battery power sensor, state-of-charge thresholds, power limits, grid charging."""
        schema = battery_schema()
        if user_input is None:
            return self._form("battery", schema, {**self._data, **self._in_force})
        answers = clean_input(user_input)
        errors = missing_required(schema, answers)
        check_entities(self.hass, answers, {CONF_BATTERY_POWER_ENTITY: (POWER_UNITS, True)}, errors)
        check_ranges(answers, errors)
        check_min_max(answers, CONF_BATTERY_MIN_SOC, CONF_BATTERY_TARGET_SOC, errors)
        if errors:
            return self._form("battery", schema, answers, errors)
        self._data = merge_step(self._data, schema, answers)
        return self._finish()

    def _finish(self) -> ConfigFlowResult:
        title = self._data[CONF_NAME]
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_reload_and_abort(
                self._get_reconfigure_entry(), title=title, data=self._data
            )
        return self.async_create_entry(title=title, data=self._data)
