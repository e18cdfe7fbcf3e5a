"""Subentry flow of a charger connector (one subentry per connector).

Adding: ``user`` (menu: through the OCPP integration or the built-in server) ->
``ocpp_integration`` (pick a discovered connector or manual) -> ``connection``
(charge point id, connector, entities; pre-filled from discovery) -- or
``builtin_server`` (charge point id, password, connectors) -- then ``details``
(in ``charger_details.py``, with saving). Reconfiguring: ``reconfigure``
(connection fields of the chosen backend) -> ``details``.
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.config_entries import (
    SubentryFlowResult,
)
from homeassistant.helpers.selector import SelectOptionDict

from ..adapters.ocpp_unit import clear_unsupported_issue, raise_unsupported_issue
from ..const import (
    BACKEND_BUILTIN,
    BACKEND_OCPP_INTEGRATION,
    CONF_BACKEND,
    CONF_CHARGE_POINT_ID,
    CONF_CONNECTOR_COUNT,
    CONF_CONNECTOR_ID,
    CONF_CURRENT_ENTITY,
    CONF_MIN_CURRENT_A,
    CONF_MODE,
    CONF_NAME,
    CONF_OCPP_SERVER_CERTFILE,
    CONF_OCPP_SERVER_ENABLED,
    CONF_OCPP_SERVER_PORT,
    CONF_OFFERED_ENTITY,
    CONF_PASSWORD,
    CONF_PRIORITY,
    CONF_RATE_UNIT,
    CONF_STATUS_ENTITY,
    CONF_TRANSACTION_ENTITY,
    DEFAULT_OCPP_SERVER_PORT,
)
from ..ocpp_discovery import (
    DiscoveredConnector,
    async_probe_charger,
    discover_connectors,
    ocpp_loaded,
    ocpp_support,
    supported_protocol,
)
from ..settings import user_values
from ..validation import (
    CURRENT_OR_POWER_UNITS,
    CURRENT_UNITS,
    check_entities,
    check_min_max,
    check_ranges,
)
from .charger_details import ChargerDetailsFlow
from .charger_forms import (
    BUILTIN_SCHEMA,
    CONF_TARGET,
    CONNECTION_SCHEMA,
    MANUAL,
    RECONFIGURE_BUILTIN_SCHEMA,
    RECONFIGURE_OCPP_SCHEMA,
    connection_values,
)
from .helpers import (
    choice,
    clean_input,
    merge_step,
    missing_required,
    new_password,
)


class ChargerSubentryFlow(ChargerDetailsFlow):
    """Add or reconfigure one charger connector."""

    def __init__(self) -> None:
        """Start with no answers."""
        self._data: dict[str, Any] = {}
        self._found: dict[str, DiscoveredConnector] = {}
        self._prefill: dict[str, Any] = {}
        self._new_password = new_password()  # suggested for a new built-in charger

    def _check_connector(self, answers: dict[str, Any], errors: dict[str, str]) -> None:
        check_ranges(answers, errors)
        if CONF_CONNECTOR_COUNT not in errors:
            check_min_max(
                answers, CONF_CONNECTOR_ID, CONF_CONNECTOR_COUNT, errors, "connector_above_count"
            )
        cpid = answers.get(CONF_CHARGE_POINT_ID)
        if cpid is not None and (not cpid or any(c in cpid for c in "/ \t#?")):
            errors[CONF_CHARGE_POINT_ID] = "invalid_charge_point_id"

    # -- adding: backend choice ----------------------------------------------
    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Choose how the charger is reached."""
        return self.async_show_menu(
            step_id="user", menu_options=[BACKEND_OCPP_INTEGRATION, BACKEND_BUILTIN]
        )

    async def async_step_ocpp_integration(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Pick one of the OCPP integration's connectors, or enter it by hand."""
        if not ocpp_loaded(self.hass):
            return self.async_abort(reason="ocpp_not_installed")
        support = ocpp_support(self.hass)
        if support is not None and not support.custom_profiles:
            return self.async_abort(reason="ocpp_too_old")
        if not self._found:
            self._found = {c.key: c for c in discover_connectors(self.hass)}
            if not self._found:
                return self.async_abort(reason="ocpp_not_installed")
        self._data[CONF_BACKEND] = BACKEND_OCPP_INTEGRATION
        errors: dict[str, str] = {}
        placeholders = {"charger": "", "protocol": ""}
        if user_input is not None:
            target = user_input[CONF_TARGET]
            if target not in self._found:
                return await self.async_step_connection()
            found = self._found[target]
            probe = await async_probe_charger(self.hass, found.cpid)
            if supported_protocol(probe.protocol):
                clear_unsupported_issue(self.hass, found.cpid)
                self._prefill = connection_values(found)
                self._prefill[CONF_NAME] = found.title
                if probe.rate_unit:
                    self._prefill[CONF_RATE_UNIT] = probe.rate_unit
                return await self.async_step_connection()
            raise_unsupported_issue(self.hass, found.cpid, probe.protocol)
            errors["base"] = "ocpp_protocol_unsupported"
            placeholders = {"charger": found.cpid, "protocol": str(probe.protocol)}
        configured = self._configured_keys()
        options = [
            SelectOptionDict(
                value=key, label=f"{c.title} ({c.cpid}, {c.connector_id}/{c.connector_count})"
            )
            for key, c in self._found.items()
            if key not in configured
        ]
        options.append(SelectOptionDict(value=MANUAL, label=MANUAL))
        default = options[0]["value"]
        schema = vol.Schema(
            {vol.Required(CONF_TARGET, default=default): choice(options, "charger_target")}
        )
        return self.async_show_form(
            step_id="ocpp_integration",
            data_schema=schema,
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_connection(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Charge point id, connector and the OCPP integration's entities."""
        if user_input is None:
            return self._form("connection", CONNECTION_SCHEMA, self._prefill)
        answers = clean_input(user_input)
        errors = missing_required(CONNECTION_SCHEMA, answers)
        self._check_connector(answers, errors)
        self._check_connection_entities(answers, errors)
        key = f"{answers.get(CONF_CHARGE_POINT_ID)}-{answers.get(CONF_CONNECTOR_ID)}"
        if not errors and key in self._configured_keys():
            return self.async_abort(reason="already_configured")
        if errors:
            return self._form("connection", CONNECTION_SCHEMA, answers, errors)
        self._data = merge_step(self._data, CONNECTION_SCHEMA, answers)
        return await self.async_step_details()

    def _check_connection_entities(self, answers: dict[str, Any], errors: dict[str, str]) -> None:
        check_entities(
            self.hass,
            answers,
            {
                CONF_CURRENT_ENTITY: (CURRENT_UNITS, True),
                CONF_STATUS_ENTITY: (None, False),
                CONF_OFFERED_ENTITY: (CURRENT_OR_POWER_UNITS, True),
                CONF_TRANSACTION_ENTITY: (None, False),
            },
            errors,
        )

    async def async_step_builtin_server(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """A charger that connects to this integration's own OCPP server."""
        if not self._get_entry().data.get(CONF_OCPP_SERVER_ENABLED):
            return self.async_abort(reason="builtin_server_disabled")
        self._data[CONF_BACKEND] = BACKEND_BUILTIN
        port = self._get_entry().data.get(CONF_OCPP_SERVER_PORT, DEFAULT_OCPP_SERVER_PORT)
        scheme = "wss" if self._get_entry().data.get(CONF_OCPP_SERVER_CERTFILE) else "ws"
        url = {"url": f"{scheme}://HOME_ASSISTANT_HOST:{port}/CHARGE_POINT_ID"}  # not in strings
        if user_input is None:
            suggested = {CONF_PASSWORD: self._new_password}  # security profile 1 by default
            return self._form("builtin_server", BUILTIN_SCHEMA, suggested, placeholders=url)
        answers = clean_input(user_input)
        errors = missing_required(BUILTIN_SCHEMA, answers)
        self._check_connector(answers, errors)
        key = f"{answers.get(CONF_CHARGE_POINT_ID)}-{answers.get(CONF_CONNECTOR_ID)}"
        if not errors and key in self._configured_keys():
            return self.async_abort(reason="already_configured")
        if errors:
            return self._form("builtin_server", BUILTIN_SCHEMA, answers, errors, url)
        self._data = merge_step(self._data, BUILTIN_SCHEMA, answers)
        known = next(
            (s.data[CONF_PASSWORD] for s in self._siblings() if s.data.get(CONF_PASSWORD)), None
        )
        if known and answers.get(CONF_PASSWORD) == self._new_password:
            self._data[CONF_PASSWORD] = known  # another connector of it: one charger, one password
        self._prefill[CONF_NAME] = answers[CONF_CHARGE_POINT_ID]
        if answers[CONF_CONNECTOR_COUNT] > 1:
            self._prefill[CONF_NAME] += f" {answers[CONF_CONNECTOR_ID]}"
        return await self.async_step_details()

    # -- reconfiguring ---------------------------------------------------------
    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change the connection fields of the charger's backend."""
        subentry = self._get_reconfigure_subentry()
        if not self._data:
            self._data = dict(subentry.data)
            self._prefill = {CONF_NAME: subentry.title}
            # what the entities changed is what is in force (not the maximum: the
            # form's maximum is the installation's, the entity's only lowers it)
            in_force = user_values(self.hass, self._get_entry().entry_id, subentry.subentry_id)
            self._prefill.update(
                (k, v)
                for k, v in in_force.items()
                if k in (CONF_MODE, CONF_PRIORITY, CONF_MIN_CURRENT_A)
            )
        builtin = self._data.get(CONF_BACKEND) == BACKEND_BUILTIN
        schema = RECONFIGURE_BUILTIN_SCHEMA if builtin else RECONFIGURE_OCPP_SCHEMA
        placeholders = {
            "charge_point_id": str(self._data.get(CONF_CHARGE_POINT_ID)),
            "connector_id": str(self._data.get(CONF_CONNECTOR_ID)),
        }
        if user_input is None:
            return self._form("reconfigure", schema, self._data, placeholders=placeholders)
        answers = clean_input(user_input)
        errors = missing_required(schema, answers)
        self._check_connector(
            {**answers, CONF_CONNECTOR_ID: self._data.get(CONF_CONNECTOR_ID)}, errors
        )
        if CONF_CONNECTOR_ID in errors:
            errors[CONF_CONNECTOR_COUNT] = errors.pop(CONF_CONNECTOR_ID)
        if not builtin:
            self._check_connection_entities(answers, errors)
        if errors:
            return self._form("reconfigure", schema, answers, errors, placeholders)
        self._data = merge_step(self._data, schema, answers)
        return await self.async_step_details()
