"""The charger flow's shared half: its helpers, the ``details`` form and saving.

``details`` is the same for adding and reconfiguring: name, wiring, currents,
priority, mode and (several connectors) the unit limit, with the OCPP charging
profile settings, phase switching, the connector's timing and plans by state of
charge (the car's SoC sensor and battery capacity) in collapsed sections. Saving
keeps the unit-wide settings (connector count, unit limit and concurrency, the
built-in password) equal on every connector of one charger. The steps that
reach ``details`` (choosing the backend, the connection, reconfiguring it) are
in ``charger.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigSubentry,
    ConfigSubentryFlow,
    SubentryFlowResult,
)

from ..adapters.charger_settings import rate_unit_option
from ..const import (
    BACKEND_BUILTIN,
    BACKEND_OCPP_INTEGRATION,
    CONF_BACKEND,
    CONF_CHARGE_POINT_ID,
    CONF_CONNECTOR_COUNT,
    CONF_CONNECTOR_ID,
    CONF_MAX_CURRENT_A,
    CONF_MIN_CURRENT_A,
    CONF_MODE,
    CONF_NAME,
    CONF_PASSWORD,
    CONF_PHASE_SWITCHING,
    CONF_PHASES,
    CONF_PRIORITY,
    CONF_PROFILE_KIND,
    CONF_RATE_UNIT,
    CONF_TRANSACTION_ENTITY,
    CONF_UNIT_CONCURRENT,
    CONF_UNIT_MAX_A,
    DEFAULT_MAX_CURRENT_A,
    DEFAULT_MIN_CURRENT_A,
    DEFAULT_MODE_CHARGER,
    DEFAULT_PRIORITY,
    LOAD_MODES_CHARGER,
    SUBENTRY_CHARGER,
)
from ..validation import (
    ERR_NAME_EXISTS,
    check_min_max,
    check_ranges,
    check_soc_form,
    site_phases,
    subentry_name_taken,
)
from .charger_forms import (
    SECTION_ADVANCED,
    SECTION_PHASES,
    SECTION_PLAN_SOC,
    SECTION_PROFILE,
    phase_switching_errors,
    phase_switching_fields,
    plan_soc_fields,
    profile_fields,
)
from .helpers import (
    boolean,
    choice,
    clean_input,
    merge_step,
    missing_required,
    number,
    text,
    wiring_options,
    wiring_value,
)
from .sections import collapsed, nest, place_errors
from .timing import LOAD_TIMING_FIELDS, load_timing_fields, store_timing, timing_values


class ChargerDetailsFlow(ConfigSubentryFlow):
    """Helpers, the details step and saving of the charger flow (its base class)."""

    _data: dict[str, Any]
    _prefill: dict[str, Any]

    # -- helpers -------------------------------------------------------------
    def _own_id(self) -> str | None:
        return self._reconfigure_subentry_id if self.source == SOURCE_RECONFIGURE else None

    def _form(
        self,
        step_id: str,
        schema: vol.Schema,
        values: Mapping[str, Any],
        errors: dict[str, str] | None = None,
        placeholders: Mapping[str, str] | None = None,
    ) -> SubentryFlowResult:
        if CONF_RATE_UNIT in values:  # "A"/"W" of older entries and of discovery
            values = {**values, CONF_RATE_UNIT: rate_unit_option(values[CONF_RATE_UNIT])}
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, nest(schema, values)),
            errors=place_errors(schema, errors or {}),
            description_placeholders=placeholders,
        )

    def _configured_keys(self) -> set[str]:
        return {
            sub.unique_id
            for sub in self._get_entry().subentries.values()
            if sub.subentry_type == SUBENTRY_CHARGER and sub.unique_id
        }

    def _siblings(self) -> list[ConfigSubentry]:
        """Other connectors of the same physical charger in this hub."""
        return [
            sub
            for sid, sub in self._get_entry().subentries.items()
            if sub.subentry_type == SUBENTRY_CHARGER
            and sid != self._own_id()
            and sub.data.get(CONF_BACKEND) == self._data.get(CONF_BACKEND)
            and sub.data.get(CONF_CHARGE_POINT_ID) == self._data.get(CONF_CHARGE_POINT_ID)
        ]

    # -- shared: details, with the profile and timing in collapsed sections ----------
    def _details_schema(self) -> vol.Schema:
        phases = site_phases(self._get_entry().data)
        fields: dict[Any, Any] = {
            vol.Required(CONF_NAME): text(),
            vol.Required(CONF_PHASES, default=wiring_value(phases)): choice(wiring_options(phases)),
            vol.Required(CONF_MIN_CURRENT_A, default=DEFAULT_MIN_CURRENT_A): number(
                "A", 0.1, CONF_MIN_CURRENT_A
            ),
            vol.Required(CONF_MAX_CURRENT_A, default=DEFAULT_MAX_CURRENT_A): number(
                "A", 0.1, CONF_MAX_CURRENT_A
            ),
            vol.Required(CONF_PRIORITY, default=DEFAULT_PRIORITY): number(None, 1, CONF_PRIORITY),
            vol.Required(CONF_MODE, default=DEFAULT_MODE_CHARGER): choice(
                LOAD_MODES_CHARGER, "charger_mode"
            ),
        }
        if int(self._data.get(CONF_CONNECTOR_COUNT, 1)) > 1:
            fields[vol.Required(CONF_UNIT_MAX_A, default=DEFAULT_MAX_CURRENT_A)] = number(
                "A", 0.1, CONF_UNIT_MAX_A
            )
            fields[vol.Optional(CONF_UNIT_CONCURRENT, default=True)] = boolean()
        fields |= collapsed(SECTION_PROFILE, profile_fields())
        fields |= collapsed(SECTION_PHASES, phase_switching_fields())
        fields |= collapsed(SECTION_ADVANCED, load_timing_fields())
        fields |= collapsed(SECTION_PLAN_SOC, plan_soc_fields())
        return vol.Schema(fields)

    def _details_values(self) -> dict[str, Any]:
        values = {**self._data, **timing_values(self._data), **self._prefill}
        if CONF_PHASES in values:
            values[CONF_PHASES] = wiring_value(values[CONF_PHASES])
        siblings = self._siblings()
        if siblings and self.source != SOURCE_RECONFIGURE:
            for key in (CONF_UNIT_MAX_A, CONF_UNIT_CONCURRENT):
                if key in siblings[0].data:
                    values[key] = siblings[0].data[key]
        return values

    async def async_step_details(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Name, wiring, currents, priority, initial mode, unit limit; profile; timing."""
        schema = self._details_schema()
        if user_input is None:
            return self._form("details", schema, self._details_values())
        answers = clean_input(user_input)
        errors = missing_required(schema, answers)
        if not answers.get(CONF_NAME):
            errors[CONF_NAME] = "required"
        elif subentry_name_taken(self._get_entry(), answers[CONF_NAME], self._own_id()):
            errors[CONF_NAME] = ERR_NAME_EXISTS
        check_ranges(answers, errors)
        check_min_max(answers, CONF_MIN_CURRENT_A, CONF_MAX_CURRENT_A, errors)
        check_min_max(answers, CONF_MAX_CURRENT_A, CONF_UNIT_MAX_A, errors, "above_unit_max")
        phase_switching_errors(answers, errors)
        check_soc_form(self.hass, answers, errors)
        if (
            answers.get(CONF_PROFILE_KIND) == "tx"
            and self._data.get(CONF_BACKEND) == BACKEND_OCPP_INTEGRATION
            and not self._data.get(CONF_TRANSACTION_ENTITY)
        ):
            errors[CONF_PROFILE_KIND] = "transaction_entity_required"
        if errors:
            return self._form("details", schema, answers, errors)
        answers[CONF_PHASES] = answers[CONF_PHASES].split(",")
        data = merge_step(self._data, schema, answers)
        if data.get(CONF_PHASE_SWITCHING, "none") == "none":  # nothing to keep of switching
            for key in phase_switching_fields():
                data.pop(str(key), None)
        self._data = store_timing(data, answers, LOAD_TIMING_FIELDS, drop_defaults=False)
        if CONF_UNIT_MAX_A not in answers:
            self._data[CONF_UNIT_MAX_A] = self._data[CONF_MAX_CURRENT_A]
            self._data[CONF_UNIT_CONCURRENT] = True
        return self._finish()

    def _finish(self) -> SubentryFlowResult:
        data = dict(self._data)
        title = data[CONF_NAME]
        self._sync_siblings(data)
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_and_abort(
                self._get_entry(), self._get_reconfigure_subentry(), title=title, data=data
            )
        unique_id = f"{data[CONF_CHARGE_POINT_ID]}-{data[CONF_CONNECTOR_ID]}"
        return self.async_create_entry(title=title, data=data, unique_id=unique_id)

    def _sync_siblings(self, data: Mapping[str, Any]) -> None:
        """Keep the unit-wide settings equal on every connector of one charger."""
        shared = {k: data[k] for k in (CONF_CONNECTOR_COUNT, CONF_UNIT_MAX_A, CONF_UNIT_CONCURRENT)}
        if data.get(CONF_BACKEND) == BACKEND_BUILTIN:
            shared[CONF_PASSWORD] = data.get(CONF_PASSWORD)  # the charge point's, not a connector's
        entry = self._get_entry()
        for sibling in self._siblings():
            if any(sibling.data.get(k) != v for k, v in shared.items()):
                self.hass.config_entries.async_update_subentry(
                    entry, sibling, data={**sibling.data, **shared}
                )
