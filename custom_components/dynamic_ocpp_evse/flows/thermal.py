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
from homeassistant.config_entries import SOURCE_RECONFIGURE, SubentryFlowResult

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
from ..validation import (
    POWER_UNITS,
    as_number,
    check_entities,
    check_ranges,
    site_phases,
)
from .helpers import choice, clean_input, entity, number, text
from .load_common import (
    CONF_PHASE,
    SECTION_ADVANCED,
    phase_options,
    switching_timing_fields,
)
from .load_form import LoadFormFlow
from .sections import collapsed

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


class ThermalSubentryFlow(LoadFormFlow):
    """Add or reconfigure one thermal load."""

    def __init__(self) -> None:
        """Nothing chosen yet."""
        self._start: dict[str, Any] = {}

    def _kind(self) -> str:
        if self.source == SOURCE_RECONFIGURE:
            kind = self._get_reconfigure_subentry().data.get(CONF_THERMAL_KIND, "water")
        else:
            kind = self._start.get(CONF_THERMAL_KIND, "water")
        return str(kind) if kind in THERMAL_KINDS else "water"

    def _schema(self) -> vol.Schema:
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

    def _placeholders(self) -> dict[str, str]:
        return {"kind": self._kind()}

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
            return self._form("user", {}, schema=schema)
        answers = clean_input(user_input)
        if errors := self._name_errors(answers):
            return self._form("user", answers, errors, schema=schema)
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
        values = self._reconfigure_values(kind_defaults(self._kind()))
        return await self._step("reconfigure", user_input, values)

    def _validate(self, answers: dict[str, Any]) -> dict[str, str]:
        errors = self._name_errors(answers) if self.source == SOURCE_RECONFIGURE else {}
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

    def _store(self, answers: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
        data = super()._store(answers, values)
        data[CONF_THERMAL_KIND] = self._kind()
        if self.source != SOURCE_RECONFIGURE:
            data[CONF_NAME] = self._start[CONF_NAME]
        return data
