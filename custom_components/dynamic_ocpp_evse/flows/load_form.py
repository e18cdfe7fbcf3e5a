"""The form plumbing the plug, generic load and thermal load subentry flows share.

``LoadFormFlow`` owns one details form used for adding (``user``, or a step after
it) and changing (``reconfigure``) a load: showing it with the values so far,
checking the name (required, unique among the hub's subentries), the values a
reconfigure starts from (stored data, the name, the phase choice, the timing
section, and the mode and priority in force), and storing the answers (phases,
timing) as a new subentry or over the one being changed. Each flow gives its
schema and its own checks; what it stores differently it adds in ``_store``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import SOURCE_RECONFIGURE, ConfigSubentryFlow, SubentryFlowResult

from ..const import CONF_MODE, CONF_NAME, CONF_PHASES, CONF_PRIORITY
from ..settings import user_values
from ..validation import ERR_NAME_EXISTS, site_phases, subentry_name_taken
from .helpers import clean_input, missing_required
from .load_common import (
    CONF_PHASE,
    phase_value,
    store_phases,
    store_switching_timing,
    switching_timing_values,
)
from .sections import nest, place_errors


class LoadFormFlow(ConfigSubentryFlow):
    """Add or reconfigure one load through one details form (see the module docstring)."""

    def _own_id(self) -> str | None:
        """The subentry being changed (None while adding)."""
        return self._reconfigure_subentry_id if self.source == SOURCE_RECONFIGURE else None

    def _schema(self) -> vol.Schema:
        """The details form."""
        raise NotImplementedError

    def _validate(self, answers: dict[str, Any]) -> dict[str, str]:
        """Errors of the details form's answers, by field."""
        raise NotImplementedError

    def _placeholders(self) -> dict[str, str] | None:
        """Description placeholders of the flow's forms."""
        return None

    def _form(
        self,
        step_id: str,
        values: Mapping[str, Any],
        errors: dict[str, str] | None = None,
        *,
        schema: vol.Schema | None = None,
    ) -> SubentryFlowResult:
        """Show a form (the details form unless ``schema``) filled with ``values``."""
        schema = self._schema() if schema is None else schema
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(schema, nest(schema, values)),
            errors=place_errors(schema, errors or {}),
            description_placeholders=self._placeholders(),
        )

    def _name_errors(self, answers: Mapping[str, Any]) -> dict[str, str]:
        """A name is required and must not be another subentry's."""
        errors: dict[str, str] = {}
        if not answers.get(CONF_NAME):
            errors[CONF_NAME] = "required"
        elif subentry_name_taken(self._get_entry(), answers[CONF_NAME], self._own_id()):
            errors[CONF_NAME] = ERR_NAME_EXISTS
        return errors

    def _timing_values(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The stored timing as form values."""
        return switching_timing_values(data)

    def _reconfigure_values(self, defaults: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """What the form shows when changing a load: ``defaults`` under its stored data,
        its name and phases, its timing, and the mode and priority in force."""
        subentry = self._get_reconfigure_subentry()
        values = {**(defaults or {}), **subentry.data}
        values[CONF_NAME] = subentry.title
        values[CONF_PHASE] = phase_value(subentry.data.get(CONF_PHASES))
        values.update(self._timing_values(subentry.data))
        in_force = user_values(self.hass, self._get_entry().entry_id, subentry.subentry_id)
        values.update((k, v) for k, v in in_force.items() if k in (CONF_MODE, CONF_PRIORITY))
        return values

    def _store(self, answers: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
        """The subentry data of valid answers (``values``: what the form started from)."""
        data = store_phases(answers, site_phases(self._get_entry().data))
        return store_switching_timing(data, answers, values)

    async def _step(
        self, step_id: str, user_input: dict[str, Any] | None, values: Mapping[str, Any]
    ) -> SubentryFlowResult:
        """Show the details form, or check the answers and store them."""
        if user_input is None:
            return self._form(step_id, values)
        answers = clean_input(user_input)
        errors = missing_required(self._schema(), answers) | self._validate(answers)
        if errors:
            return self._form(step_id, answers, errors)
        data = self._store(answers, values)
        title = data[CONF_NAME]
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_and_abort(
                self._get_entry(), self._get_reconfigure_subentry(), title=title, data=data
            )
        return self.async_create_entry(title=title, data=data)
