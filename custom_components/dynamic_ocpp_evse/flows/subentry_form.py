"""What every form-based subentry flow of a hub shares: its form, the name, saving.

``SubentryFormFlow`` owns the subentry being changed (none while adding), showing
the flow's form filled with the values so far (section fields nested, their errors
on their section), the name check (required, not another subentry's) and saving
the answers, as a new subentry or over the one being changed. The circuit flow uses
it directly, the load flows through ``load_form.LoadFormFlow``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import SOURCE_RECONFIGURE, ConfigSubentryFlow, SubentryFlowResult

from ..const import CONF_NAME
from ..validation import ERR_NAME_EXISTS, subentry_name_taken
from .sections import nest, place_errors


class SubentryFormFlow(ConfigSubentryFlow):
    """Add or reconfigure one subentry of a hub through forms (see the module docstring)."""

    def _own_id(self) -> str | None:
        """The subentry being changed (None while adding)."""
        return self._reconfigure_subentry_id if self.source == SOURCE_RECONFIGURE else None

    def _schema(self) -> vol.Schema:
        """The flow's (details) form."""
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

    def _save(self, data: dict[str, Any]) -> SubentryFlowResult:
        """Store ``data`` (titled by its name) as a new subentry or the one being changed."""
        title = data[CONF_NAME]
        if self.source == SOURCE_RECONFIGURE:
            return self.async_update_and_abort(
                self._get_entry(), self._get_reconfigure_subentry(), title=title, data=data
            )
        return self.async_create_entry(title=title, data=data)
