"""Subentry flow of a generic load (described in watts).

One form for adding (``user``) and changing (``reconfigure``): name, how it is
controlled (a switch, or a ``number``/``input_number`` setpoint in W or A with
its step), the control entity, minimum and maximum power, the site phase(s),
an optional power sensor (its real draw), priority and the initial operating
mode; pause, grace, minimum on and off time in a collapsed section.
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.config_entries import SubentryFlowResult

from ..const import (
    CONF_CONTROL,
    CONF_CONTROL_ENTITY,
    CONF_MAX_POWER_W,
    CONF_MIN_POWER_W,
    CONF_MODE,
    CONF_NAME,
    CONF_POWER_ENTITY,
    CONF_PRIORITY,
    CONF_SETPOINT_STEP,
    CONF_SETPOINT_UNIT,
    CONTROL_SETPOINT,
    CONTROL_SWITCH,
    DEFAULT_LOAD_MAX_W,
    DEFAULT_MODE_GENERIC,
    DEFAULT_PRIORITY,
    LOAD_MODES_GENERIC,
    SETPOINT_UNITS,
)
from ..validation import (
    POWER_UNITS,
    check_entities,
    check_min_max,
    check_ranges,
    site_phases,
)
from .helpers import choice, entity, number, text
from .load_common import (
    CONF_PHASE,
    SECTION_ADVANCED,
    phase_options,
    switching_timing_fields,
)
from .load_form import LoadFormFlow
from .sections import collapsed

SWITCH_DOMAINS = ("switch", "input_boolean")
SETPOINT_DOMAINS = ("number", "input_number")
ERR_WRONG_DOMAIN = "wrong_control_entity"


def control_domain_error(control: Any, entity_id: Any) -> str | None:
    """A switch control needs a switch, a setpoint a number entity."""
    domain = str(entity_id or "").partition(".")[0]
    allowed = SETPOINT_DOMAINS if control == CONTROL_SETPOINT else SWITCH_DOMAINS
    return None if domain in allowed else ERR_WRONG_DOMAIN


class LoadSubentryFlow(LoadFormFlow):
    """Add or reconfigure one generic load."""

    def _schema(self) -> vol.Schema:
        phases = site_phases(self._get_entry().data)
        return vol.Schema(
            {
                vol.Required(CONF_NAME): text(),
                vol.Required(CONF_CONTROL, default=CONTROL_SWITCH): choice(
                    [CONTROL_SWITCH, CONTROL_SETPOINT], "load_control"
                ),
                vol.Required(CONF_CONTROL_ENTITY): entity([*SWITCH_DOMAINS, *SETPOINT_DOMAINS]),
                vol.Required(CONF_SETPOINT_UNIT, default="w"): choice(
                    list(SETPOINT_UNITS), "setpoint_unit"
                ),
                vol.Optional(CONF_SETPOINT_STEP): number(None, 0.1, CONF_SETPOINT_STEP),
                vol.Optional(CONF_MIN_POWER_W): number("W", 10, CONF_MIN_POWER_W),
                vol.Required(CONF_MAX_POWER_W, default=DEFAULT_LOAD_MAX_W): number(
                    "W", 10, CONF_MAX_POWER_W
                ),
                vol.Required(CONF_PHASE, default=phases[0]): choice(phase_options(phases)),
                vol.Optional(CONF_POWER_ENTITY): entity(["sensor"], ["power"]),
                vol.Required(CONF_PRIORITY, default=DEFAULT_PRIORITY): number(
                    None, 1, CONF_PRIORITY
                ),
                vol.Required(CONF_MODE, default=DEFAULT_MODE_GENERIC): choice(
                    LOAD_MODES_GENERIC, "generic_mode"
                ),
                **collapsed(SECTION_ADVANCED, switching_timing_fields()),
            }
        )

    def _validate(self, answers: dict[str, Any]) -> dict[str, str]:
        errors = self._name_errors(answers)
        if error := control_domain_error(
            answers.get(CONF_CONTROL), answers.get(CONF_CONTROL_ENTITY)
        ):
            errors[CONF_CONTROL_ENTITY] = error
        numeric = answers.get(CONF_CONTROL) == CONTROL_SETPOINT
        check_entities(
            self.hass,
            answers,
            {CONF_CONTROL_ENTITY: (None, numeric), CONF_POWER_ENTITY: (POWER_UNITS, True)},
            errors,
        )
        check_ranges(answers, errors)
        check_min_max(answers, CONF_MIN_POWER_W, CONF_MAX_POWER_W, errors)
        return errors

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Add a generic load."""
        return await self._step("user", user_input, {})

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change a generic load."""
        return await self._step("reconfigure", user_input, self._reconfigure_values())
