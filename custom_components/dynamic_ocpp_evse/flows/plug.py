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
from homeassistant.config_entries import SubentryFlowResult

from ..const import (
    CONF_IDLE_S,
    CONF_IDLE_W,
    CONF_MODE,
    CONF_NAME,
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
from ..validation import POWER_UNITS, check_entities, check_ranges, site_phases
from .helpers import choice, entity, number, text
from .load_common import CONF_PHASE, phase_options, store_phases
from .load_form import LoadFormFlow
from .sections import collapsed
from .timing import LOAD_TIMING_FIELDS, load_timing_fields, store_timing, timing_values

SECTION_ADVANCED = "advanced"  # the plug's own timing (collapsed)
_SWITCH_DOMAINS = ["switch", "input_boolean"]


class PlugSubentryFlow(LoadFormFlow):
    """Add or reconfigure one plug."""

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

    def _validate(self, answers: dict[str, Any]) -> dict[str, str]:
        errors = self._name_errors(answers)
        entry = self._get_entry()
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
        return await self._step("reconfigure", user_input, self._reconfigure_values())

    def _timing_values(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return timing_values(data)

    def _store(self, answers: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
        data = store_phases(answers, site_phases(self._get_entry().data))
        if CONF_TIMING in values:  # keys of ``timing`` the form does not show stay
            data[CONF_TIMING] = values[CONF_TIMING]
        return store_timing(data, answers, LOAD_TIMING_FIELDS, drop_defaults=False)
