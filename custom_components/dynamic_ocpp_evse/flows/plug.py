"""Subentry flow of a smart plug (a switched load of known rated power).

One form for adding (``user``) and changing (``reconfigure``): name, switch
entity, rated power, the site phase(s) it is on (one, two or three), an optional
power sensor with its idle threshold and time (an appliance that has finished
stops reserving its rated power), priority and the initial operating mode;
the plug's own pause and grace times in a collapsed section (empty: as the hub).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigSubentryFlow,
    SubentryFlowResult,
)

from ..const import (
    CONF_IDLE_S,
    CONF_IDLE_W,
    CONF_MODE,
    CONF_NAME,
    CONF_PHASES,
    CONF_POWER_ENTITY,
    CONF_POWER_W,
    CONF_PRIORITY,
    CONF_SWITCH_ENTITY,
    CONF_TIMING,
    DEFAULT_MODE_PLUG,
    DEFAULT_PLUG_POWER_W,
    DEFAULT_PRIORITY,
    LOAD_MODES_PLUG,
    SUBENTRY_PLUG,
)
from ..settings import user_values
from ..validation import (
    ERR_NAME_EXISTS,
    POWER_UNITS,
    check_entities,
    check_ranges,
    site_phases,
    subentry_name_taken,
)
from .helpers import choice, clean_input, entity, missing_required, number, text
from .load_common import CONF_PHASE, phase_options, phase_value, store_phases
from .sections import collapsed, nest, place_errors
from .timing import LOAD_TIMING_FIELDS, load_timing_fields, store_timing, timing_values

SECTION_ADVANCED = "advanced"  # the plug's own timing (collapsed)
_SWITCH_DOMAINS = ["switch", "input_boolean"]


class PlugSubentryFlow(ConfigSubentryFlow):
    """Add or reconfigure one plug."""

    def _own_id(self) -> str | None:
        return self._reconfigure_subentry_id if self.source == SOURCE_RECONFIGURE else None

    def _schema(self) -> vol.Schema:
        phases = site_phases(self._get_entry().data)
        return vol.Schema(
            {
                vol.Required(CONF_NAME): text(),
                vol.Required(CONF_SWITCH_ENTITY): entity(_SWITCH_DOMAINS),
                vol.Required(CONF_POWER_W, default=DEFAULT_PLUG_POWER_W): number(
                    "W", 10, CONF_POWER_W
                ),
                vol.Required(CONF_PHASE, default=phases[0]): choice(phase_options(phases)),
                vol.Optional(CONF_POWER_ENTITY): entity(["sensor"], ["power"]),
                vol.Optional(CONF_IDLE_W): number("W", 1, CONF_IDLE_W),
                vol.Optional(CONF_IDLE_S): number("s", 1, CONF_IDLE_S),
                vol.Required(CONF_PRIORITY, default=DEFAULT_PRIORITY): number(
                    None, 1, CONF_PRIORITY
                ),
                vol.Required(CONF_MODE, default=DEFAULT_MODE_PLUG): choice(
                    LOAD_MODES_PLUG, "plug_mode"
                ),
                **collapsed(SECTION_ADVANCED, load_timing_fields()),
            }
        )

    def _form(
        self, step_id: str, values: Mapping[str, Any], errors: dict[str, str] | None = None
    ) -> SubentryFlowResult:
        schema = self._schema()
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, nest(schema, values)),
            errors=place_errors(schema, errors or {}),
        )

    def _validate(self, answers: dict[str, Any]) -> dict[str, str]:
        errors: dict[str, str] = {}
        entry = self._get_entry()
        if not answers.get(CONF_NAME):
            errors[CONF_NAME] = "required"
        elif subentry_name_taken(entry, answers[CONF_NAME], self._own_id()):
            errors[CONF_NAME] = ERR_NAME_EXISTS
        check_entities(
            self.hass,
            answers,
            {CONF_SWITCH_ENTITY: (None, False), CONF_POWER_ENTITY: (POWER_UNITS, True)},
            errors,
        )
        if CONF_SWITCH_ENTITY not in errors and any(
            sub.data.get(CONF_SWITCH_ENTITY) == answers.get(CONF_SWITCH_ENTITY)
            for sid, sub in entry.subentries.items()
            if sub.subentry_type == SUBENTRY_PLUG and sid != self._own_id()
        ):
            errors[CONF_SWITCH_ENTITY] = "entity_in_use"
        check_ranges(answers, errors)
        return errors

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Add a plug."""
        return await self._step("user", user_input, {})

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change a plug."""
        subentry = self._get_reconfigure_subentry()
        values = dict(subentry.data)
        values[CONF_NAME] = subentry.title
        values[CONF_PHASE] = phase_value(subentry.data.get(CONF_PHASES))
        values.update(timing_values(subentry.data))
        in_force = user_values(self.hass, self._get_entry().entry_id, subentry.subentry_id)
        values.update((k, v) for k, v in in_force.items() if k in (CONF_MODE, CONF_PRIORITY))
        return await self._step("reconfigure", user_input, values)

    async def _step(
        self, step_id: str, user_input: dict[str, Any] | None, values: Mapping[str, Any]
    ) -> SubentryFlowResult:
        if user_input is None:
            return self._form(step_id, values)
        answers = clean_input(user_input)
        errors = missing_required(self._schema(), answers) | self._validate(answers)
        if errors:
            return self._form(step_id, answers, errors)
        data = store_phases(answers, site_phases(self._get_entry().data))
        if CONF_TIMING in values:  # keys of ``timing`` the form does not show stay
            data[CONF_TIMING] = values[CONF_TIMING]
        data = store_timing(data, answers, LOAD_TIMING_FIELDS, drop_defaults=False)
        title = data[CONF_NAME]
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_and_abort(
                self._get_entry(), self._get_reconfigure_subentry(), title=title, data=data
            )
        return self.async_create_entry(title=title, data=data)
