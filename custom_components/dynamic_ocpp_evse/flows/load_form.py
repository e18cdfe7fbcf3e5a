"""The form plumbing the plug, generic load and thermal load subentry flows share.

``LoadFormFlow`` owns one details form used for adding (``user``, or a step after
it) and changing (``reconfigure``) a load: the values a reconfigure starts from
(stored data, the name, the phase choice, the timing section, and the mode and
priority in force), checking the answers, and turning them into subentry data
(phases, timing). Each flow gives its schema and its own checks; what it stores
differently it adds in ``_store``. Showing the form, the name check and saving are
``subentry_form.SubentryFormFlow``'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import SubentryFlowResult

from ..const import CONF_MODE, CONF_NAME, CONF_PHASES, CONF_PRIORITY
from ..settings import user_values
from ..validation import site_phases
from .helpers import clean_input, missing_required
from .load_common import (
    CONF_PHASE,
    phase_value,
    store_phases,
    store_switching_timing,
    switching_timing_values,
)
from .subentry_form import SubentryFormFlow


class LoadFormFlow(SubentryFormFlow):
    """Add or reconfigure one load through one details form (see the module docstring)."""

    def _validate(self, answers: dict[str, Any]) -> dict[str, str]:
        """Errors of the details form's answers, by field."""
        raise NotImplementedError

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
        return self._save(self._store(answers, values))
