"""Subentry flow of a thermal load: a hot water tank, or a room (heat pump / HVAC).

Adding: ``user`` asks the name and the kind (water or room), ``details`` the
rest with defaults for that kind (water 45 C +- 3 C, boost 70 C, at most 75 C;
room 21 C +- 0.5 C, pre-heat/cool by 2 C, 17 to 25 C): the control entity (a
``water_heater``, a ``climate`` or a switch), the temperature sensor (needed
with a switch; else the device's own reading), an optional outdoor sensor,
rated power, phase(s), optional power sensor, the temperatures, heating or
cooling (rooms: auto from the climate's HVAC mode or the season), priority and
mode; timing in a collapsed section. Reconfiguring shows ``details`` only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import SOURCE_RECONFIGURE, ConfigSubentryFlow, SubentryFlowResult

from ..const import (
    CONF_BOOST_C,
    CONF_CONTROL_ENTITY,
    CONF_COOLING,
    CONF_HYSTERESIS_C,
    CONF_LIMIT_C,
    CONF_MAX_POWER_W,
    CONF_MIN_C,
    CONF_MODE,
    CONF_NAME,
    CONF_OUTDOOR_ENTITY,
    CONF_PHASES,
    CONF_POWER_ENTITY,
    CONF_PRIORITY,
    CONF_TARGET_C,
    CONF_TEMPERATURE_ENTITY,
    CONF_THERMAL_KIND,
    COOLING_CHOICES,
    DEFAULT_LOAD_MAX_W,
    DEFAULT_MODE_THERMAL,
    DEFAULT_PRIORITY,
    DEFAULT_ROOM_MIN_C,
    LOAD_MODES_GENERIC,
    THERMAL_DEFAULTS,
    THERMAL_KINDS,
)
from ..settings import user_values
from ..validation import (
    ERR_NAME_EXISTS,
    POWER_UNITS,
    as_number,
    check_entities,
    check_ranges,
    site_phases,
    subentry_name_taken,
)
from .helpers import choice, clean_input, entity, missing_required, number, text
from .load_common import (
    CONF_PHASE,
    SECTION_ADVANCED,
    phase_options,
    phase_value,
    store_phases,
    store_switching_timing,
    switching_timing_fields,
    switching_timing_values,
)
from .sections import collapsed, nest, place_errors

CONTROL_DOMAINS = ("water_heater", "climate", "switch", "input_boolean")
THERMOSTAT_DOMAINS = ("water_heater", "climate")
ERR_TEMPERATURE_NEEDED = "temperature_needed"
ERR_LIMIT = "band_past_limit"


def kind_defaults(kind: str) -> dict[str, Any]:
    """Suggested temperatures of a new thermal load of this kind."""
    target, hyst, boost, limit = THERMAL_DEFAULTS.get(kind, THERMAL_DEFAULTS["water"])
    values = {CONF_TARGET_C: target, CONF_HYSTERESIS_C: hyst, CONF_BOOST_C: boost}
    values[CONF_LIMIT_C] = limit
    if kind == "room":
        values[CONF_MIN_C] = DEFAULT_ROOM_MIN_C
    return values


def check_temperatures(kind: str, answers: Mapping[str, Any], errors: dict[str, str]) -> None:
    """The comfort band and the boost must stay inside the safety limits."""
    target = as_number(answers.get(CONF_TARGET_C))
    hyst = as_number(answers.get(CONF_HYSTERESIS_C)) or 0.0
    limit = as_number(answers.get(CONF_LIMIT_C))
    if target is None or limit is None or {CONF_TARGET_C, CONF_LIMIT_C} & set(errors):
        return
    if target + hyst > limit:
        errors[CONF_TARGET_C] = ERR_LIMIT
    if kind == "room":
        low = as_number(answers.get(CONF_MIN_C))
        if low is not None and target - hyst < low and CONF_MIN_C not in errors:
            errors[CONF_TARGET_C] = ERR_LIMIT
    else:
        boost = as_number(answers.get(CONF_BOOST_C))
        if boost is not None and boost > limit and CONF_BOOST_C not in errors:
            errors[CONF_BOOST_C] = ERR_LIMIT


class ThermalSubentryFlow(ConfigSubentryFlow):
    """Add or reconfigure one thermal load."""

    def __init__(self) -> None:
        """Nothing chosen yet."""
        self._start: dict[str, Any] = {}

    def _own_id(self) -> str | None:
        return self._reconfigure_subentry_id if self.source == SOURCE_RECONFIGURE else None

    def _kind(self) -> str:
        if self.source == SOURCE_RECONFIGURE:
            kind = self._get_reconfigure_subentry().data.get(CONF_THERMAL_KIND, "water")
        else:
            kind = self._start.get(CONF_THERMAL_KIND, "water")
        return str(kind) if kind in THERMAL_KINDS else "water"

    def _details_schema(self) -> vol.Schema:
        phases = site_phases(self._get_entry().data)
        room = self._kind() == "room"
        fields: dict[Any, Any] = {}
        if self.source == SOURCE_RECONFIGURE:
            fields[vol.Required(CONF_NAME)] = text()
        fields.update(
            {
                vol.Required(CONF_CONTROL_ENTITY): entity(list(CONTROL_DOMAINS)),
                vol.Optional(CONF_TEMPERATURE_ENTITY): entity(["sensor"], ["temperature"]),
                vol.Optional(CONF_OUTDOOR_ENTITY): entity(["sensor"], ["temperature"]),
                vol.Required(CONF_MAX_POWER_W, default=DEFAULT_LOAD_MAX_W): number(
                    "W", 10, CONF_MAX_POWER_W
                ),
                vol.Required(CONF_PHASE, default=phases[0]): choice(phase_options(phases)),
                vol.Optional(CONF_POWER_ENTITY): entity(["sensor"], ["power"]),
            }
        )
        defaults = kind_defaults(self._kind())
        for key, step in ((CONF_TARGET_C, 0.5), (CONF_HYSTERESIS_C, 0.1), (CONF_BOOST_C, 0.5)):
            fields[vol.Required(key, default=defaults[key])] = number("°C", step, key)
        fields[vol.Required(CONF_LIMIT_C, default=defaults[CONF_LIMIT_C])] = number(
            "°C", 0.5, CONF_LIMIT_C
        )
        if room:
            fields[vol.Required(CONF_MIN_C, default=defaults[CONF_MIN_C])] = number(
                "°C", 0.5, CONF_MIN_C
            )
            fields[vol.Required(CONF_COOLING, default="auto")] = choice(
                list(COOLING_CHOICES), "thermal_cooling"
            )
        fields[vol.Required(CONF_PRIORITY, default=DEFAULT_PRIORITY)] = number(
            None, 1, CONF_PRIORITY
        )
        fields[vol.Required(CONF_MODE, default=DEFAULT_MODE_THERMAL)] = choice(
            LOAD_MODES_GENERIC, "generic_mode"
        )
        fields.update(collapsed(SECTION_ADVANCED, switching_timing_fields()))
        return vol.Schema(fields)

    def _form(
        self,
        step_id: str,
        schema: vol.Schema,
        values: Mapping[str, Any],
        errors: dict[str, str] | None = None,
    ) -> SubentryFlowResult:
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, nest(schema, values)),
            errors=place_errors(schema, errors or {}),
            description_placeholders={"kind": self._kind()},
        )

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Add a thermal load: its name and kind first."""
        schema = vol.Schema(
            {
                vol.Required(CONF_NAME): text(),
                vol.Required(CONF_THERMAL_KIND, default="water"): choice(
                    list(THERMAL_KINDS), "thermal_kind"
                ),
            }
        )
        if user_input is None:
            return self._form("user", schema, {})
        answers = clean_input(user_input)
        errors: dict[str, str] = {}
        if not answers.get(CONF_NAME):
            errors[CONF_NAME] = "required"
        elif subentry_name_taken(self._get_entry(), answers[CONF_NAME], None):
            errors[CONF_NAME] = ERR_NAME_EXISTS
        if errors:
            return self._form("user", schema, answers, errors)
        self._start = answers
        return await self.async_step_details()

    async def async_step_details(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """The device, sensors, temperatures and mode of a new thermal load."""
        return await self._step("details", user_input, kind_defaults(self._kind()))

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change a thermal load."""
        subentry = self._get_reconfigure_subentry()
        values = {**kind_defaults(self._kind()), **subentry.data}
        values[CONF_NAME] = subentry.title
        values[CONF_PHASE] = phase_value(subentry.data.get(CONF_PHASES))
        values.update(switching_timing_values(subentry.data))
        in_force = user_values(self.hass, self._get_entry().entry_id, subentry.subentry_id)
        values.update((k, v) for k, v in in_force.items() if k in (CONF_MODE, CONF_PRIORITY))
        return await self._step("reconfigure", user_input, values)

    def _validate(self, answers: dict[str, Any]) -> dict[str, str]:
        errors: dict[str, str] = {}
        if self.source == SOURCE_RECONFIGURE:
            if not answers.get(CONF_NAME):
                errors[CONF_NAME] = "required"
            elif subentry_name_taken(self._get_entry(), answers[CONF_NAME], self._own_id()):
                errors[CONF_NAME] = ERR_NAME_EXISTS
        control = str(answers.get(CONF_CONTROL_ENTITY, ""))
        check_entities(
            self.hass,
            answers,
            {
                CONF_CONTROL_ENTITY: (None, False),
                CONF_TEMPERATURE_ENTITY: (None, True),
                CONF_OUTDOOR_ENTITY: (None, True),
                CONF_POWER_ENTITY: (POWER_UNITS, True),
            },
            errors,
        )
        thermostat = control.partition(".")[0] in THERMOSTAT_DOMAINS
        if not thermostat and not answers.get(CONF_TEMPERATURE_ENTITY):
            errors[CONF_TEMPERATURE_ENTITY] = ERR_TEMPERATURE_NEEDED
        check_ranges(answers, errors)
        check_temperatures(self._kind(), answers, errors)
        return errors

    async def _step(
        self, step_id: str, user_input: dict[str, Any] | None, values: Mapping[str, Any]
    ) -> SubentryFlowResult:
        schema = self._details_schema()
        if user_input is None:
            return self._form(step_id, schema, values)
        answers = clean_input(user_input)
        errors = missing_required(schema, answers) | self._validate(answers)
        if errors:
            return self._form(step_id, schema, answers, errors)
        data = store_phases(answers, site_phases(self._get_entry().data))
        data = store_switching_timing(data, answers, values)
        data[CONF_THERMAL_KIND] = self._kind()
        if self.source == SOURCE_RECONFIGURE:
            title = data[CONF_NAME]
            return self.async_update_and_abort(
                self._get_entry(), self._get_reconfigure_subentry(), title=title, data=data
            )
        data[CONF_NAME] = self._start[CONF_NAME]
        return self.async_create_entry(title=data[CONF_NAME], data=data)
