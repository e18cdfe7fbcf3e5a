"""Discovery of a charger that knocked at a hub's built-in OCPP server.

The central system refuses an unknown charge point id and ``ocpp_runtime`` starts a
config flow with source ``integration_discovery`` (data: the hub's entry id and the
charge point id). Home Assistant 2025.4 lists such flows under "Discovered" on the
integrations page, titled "New charger found: <id>"; subentry flows cannot be
discovered there. So this hub-level step asks for what the built-in backend needs
(name, number of connectors, optional password, maximum current) and adds one charger
subentry per connector to that hub, with the defaults of the charger subentry flow
(reconfigure a connector to change its details or profile settings). The hub then
reloads and the charger is accepted at its next attempt. The flow ends with an abort
message ("charger_added") because it creates subentries, not a config entry.
"""

from __future__ import annotations

import uuid
from types import MappingProxyType
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import ConfigEntry, ConfigFlow, ConfigFlowResult, ConfigSubentry
from homeassistant.helpers.typing import DiscoveryInfoType

from ..const import (
    BACKEND_BUILTIN,
    CONF_BACKEND,
    CONF_CHARGE_POINT_ID,
    CONF_COMPLIANCE_CYCLES,
    CONF_CONNECTOR_COUNT,
    CONF_CONNECTOR_ID,
    CONF_FAILSAFE_FLOOR,
    CONF_MAX_CURRENT_A,
    CONF_MIN_CURRENT_A,
    CONF_MIN_SEND_INTERVAL_S,
    CONF_MODE,
    CONF_NAME,
    CONF_PASSWORD,
    CONF_PHASES,
    CONF_PRIORITY,
    CONF_PROFILE_KIND,
    CONF_PROFILE_VALIDITY_S,
    CONF_RATE_UNIT,
    CONF_STACK_LEVEL,
    CONF_UNIT_CONCURRENT,
    CONF_UNIT_MAX_A,
    CONF_VALIDITY,
    DEFAULT_COMPLIANCE_CYCLES,
    DEFAULT_FAILSAFE_FLOOR,
    DEFAULT_MAX_CURRENT_A,
    DEFAULT_MIN_CURRENT_A,
    DEFAULT_MIN_SEND_INTERVAL_S,
    DEFAULT_MODE_CHARGER,
    DEFAULT_PRIORITY,
    DEFAULT_PROFILE_KIND,
    DEFAULT_PROFILE_VALIDITY_S,
    DEFAULT_RATE_UNIT,
    DEFAULT_STACK_LEVEL,
    DEFAULT_VALIDITY,
    DOMAIN,
    SUBENTRY_CHARGER,
)
from ..ocpp_runtime import DISCOVERY_HUB, known_chargers
from ..validation import ERR_NAME_EXISTS, check_ranges, site_phases, subentry_name_taken
from .helpers import clean_input, missing_required, new_password, number, text

STEP_DISCOVERED = "discovered_charger"

DISCOVERED_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_NAME): text(),
        vol.Required(CONF_CONNECTOR_COUNT, default=1): number(None, 1, CONF_CONNECTOR_COUNT),
        vol.Optional(CONF_PASSWORD): text(),  # shown: the generated one is read from here
        vol.Required(CONF_MAX_CURRENT_A, default=DEFAULT_MAX_CURRENT_A): number(
            "A", 0.1, CONF_MAX_CURRENT_A
        ),
    }
)

PROFILE_DEFAULTS: dict[str, Any] = {
    CONF_RATE_UNIT: DEFAULT_RATE_UNIT,
    CONF_PROFILE_KIND: DEFAULT_PROFILE_KIND,
    CONF_STACK_LEVEL: DEFAULT_STACK_LEVEL,
    CONF_VALIDITY: DEFAULT_VALIDITY,
    CONF_PROFILE_VALIDITY_S: DEFAULT_PROFILE_VALIDITY_S,
    CONF_MIN_SEND_INTERVAL_S: DEFAULT_MIN_SEND_INTERVAL_S,
    CONF_FAILSAFE_FLOOR: DEFAULT_FAILSAFE_FLOOR,
    CONF_COMPLIANCE_CYCLES: DEFAULT_COMPLIANCE_CYCLES,
}


def connector_subentries(
    hub: ConfigEntry, cpid: str, answers: dict[str, Any]
) -> list[ConfigSubentry]:
    """One built-in charger subentry per connector, with the subentry flow's defaults."""
    count = int(answers[CONF_CONNECTOR_COUNT])
    max_a = float(answers[CONF_MAX_CURRENT_A])
    name = str(answers[CONF_NAME])
    subentries = []
    for connector in range(1, count + 1):
        title = name if count == 1 else f"{name} {connector}"
        data: dict[str, Any] = {
            CONF_BACKEND: BACKEND_BUILTIN,
            CONF_CHARGE_POINT_ID: cpid,
            CONF_CONNECTOR_ID: connector,
            CONF_CONNECTOR_COUNT: count,
            CONF_NAME: title,
            CONF_PHASES: site_phases(hub.data),
            CONF_MIN_CURRENT_A: min(DEFAULT_MIN_CURRENT_A, max_a),
            CONF_MAX_CURRENT_A: max_a,
            CONF_PRIORITY: DEFAULT_PRIORITY,
            CONF_MODE: DEFAULT_MODE_CHARGER,
            CONF_UNIT_MAX_A: max_a,
            CONF_UNIT_CONCURRENT: True,
            **PROFILE_DEFAULTS,
        }
        if answers.get(CONF_PASSWORD):
            data[CONF_PASSWORD] = answers[CONF_PASSWORD]
        subentries.append(
            ConfigSubentry(
                data=MappingProxyType(data),
                subentry_type=SUBENTRY_CHARGER,
                title=title,
                unique_id=f"{cpid}-{connector}",
                subentry_id=uuid.uuid4().hex,
            )
        )
    return subentries


class ChargerDiscoveryFlow(ConfigFlow):
    """The hub flow's steps for a charger found by the built-in server (a mixin)."""

    _found_cpid: str
    _found_hub_id: str
    _new_password: str | None = None

    def _found_hub(self) -> ConfigEntry | None:
        entry = self.hass.config_entries.async_get_entry(self._found_hub_id)
        return entry if entry is not None and entry.domain == DOMAIN else None

    async def async_step_integration_discovery(
        self, discovery_info: DiscoveryInfoType
    ) -> ConfigFlowResult:
        """A charger with an unknown id knocked at a hub's built-in server."""
        self._found_cpid = str(discovery_info[CONF_CHARGE_POINT_ID])
        self._found_hub_id = str(discovery_info[DISCOVERY_HUB])
        await self.async_set_unique_id(f"ocpp_charger_{self._found_hub_id}_{self._found_cpid}")
        self._abort_if_unique_id_configured()
        hub = self._found_hub()
        if hub is None:
            return self.async_abort(reason="hub_not_found")
        if self._found_cpid in known_chargers(hub):
            return self.async_abort(reason="charger_already_configured")
        self.context["title_placeholders"] = {"cpid": self._found_cpid, "hub": hub.title}
        return await self.async_step_discovered_charger()

    async def async_step_discovered_charger(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Name, connectors, password and current of the new charger; then add it."""
        hub = self._found_hub()
        if hub is None:
            return self.async_abort(reason="hub_not_found")
        placeholders = {"cpid": self._found_cpid, "hub": hub.title}
        if self._new_password is None:
            self._new_password = new_password()  # security profile 1 by default
        values: dict[str, Any] = {CONF_NAME: self._found_cpid, CONF_PASSWORD: self._new_password}
        errors: dict[str, str] = {}
        if user_input is not None:
            values = clean_input(user_input)
            errors = missing_required(DISCOVERED_SCHEMA, values)
            check_ranges(values, errors)
            name = values.get(CONF_NAME, "")
            if not name:
                errors[CONF_NAME] = "required"
            elif CONF_CONNECTOR_COUNT not in errors:  # a checked whole number of 1..10
                count = int(values.get(CONF_CONNECTOR_COUNT, 1))
                names = [name] if count == 1 else [f"{name} {n}" for n in range(1, count + 1)]
                if any(subentry_name_taken(hub, each, None) for each in names):
                    errors[CONF_NAME] = ERR_NAME_EXISTS
            if self._found_cpid in known_chargers(hub):
                return self.async_abort(reason="charger_already_configured")
            if not errors:
                for subentry in connector_subentries(hub, self._found_cpid, values):
                    self.hass.config_entries.async_add_subentry(hub, subentry)
                return self.async_abort(
                    reason="charger_added", description_placeholders=placeholders
                )
        return self.async_show_form(
            step_id=STEP_DISCOVERED,
            data_schema=self.add_suggested_values_to_schema(DISCOVERED_SCHEMA, values),
            errors=errors,
            description_placeholders=placeholders,
        )
