"""Subentry flow of a circuit (a sub-breaker protecting some loads and circuits).

One form for adding (``user``) and changing (``reconfigure``): name, limit per
phase, optional parent circuit and members (ids of the hub's load and circuit
subentries). A circuit may not contain itself and may sit in one circuit only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol
from homeassistant.config_entries import SubentryFlowResult
from homeassistant.helpers.selector import SelectOptionDict

from ..const import (
    CONF_LIMIT_A,
    CONF_MEMBERS,
    CONF_NAME,
    CONF_PARENT,
    DEFAULT_CIRCUIT_LIMIT_A,
    SUBENTRY_CIRCUIT,
)
from ..validation import check_ranges, circuit_errors
from .helpers import choice, clean_input, missing_required, number, text
from .subentry_form import SubentryFormFlow


class CircuitSubentryFlow(SubentryFormFlow):
    """Add or reconfigure one circuit."""

    def _options(self, *, circuits_only: bool) -> list[SelectOptionDict]:
        own = self._own_id()
        return [
            SelectOptionDict(value=sid, label=sub.title)
            for sid, sub in sorted(
                self._get_entry().subentries.items(), key=lambda item: item[1].title.lower()
            )
            if sid != own and (sub.subentry_type == SUBENTRY_CIRCUIT or not circuits_only)
        ]

    def _schema(self) -> vol.Schema:
        fields: dict[Any, Any] = {
            vol.Required(CONF_NAME): text(),
            vol.Required(CONF_LIMIT_A, default=DEFAULT_CIRCUIT_LIMIT_A): number(
                "A", 0.1, CONF_LIMIT_A
            ),
        }
        if parents := self._options(circuits_only=True):
            fields[vol.Optional(CONF_PARENT)] = choice(parents)
        if members := self._options(circuits_only=False):
            fields[vol.Optional(CONF_MEMBERS, default=[])] = choice(members, multiple=True)
        return vol.Schema(fields)

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Add a circuit."""
        return await self._step("user", user_input, {})

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change a circuit."""
        subentry = self._get_reconfigure_subentry()
        return await self._step(
            "reconfigure", user_input, {**subentry.data, CONF_NAME: subentry.title}
        )

    async def _step(
        self, step_id: str, user_input: dict[str, Any] | None, values: Mapping[str, Any]
    ) -> SubentryFlowResult:
        if user_input is None:
            return self._form(step_id, values)
        answers = clean_input(user_input)
        entry = self._get_entry()
        errors = missing_required(self._schema(), answers) | self._name_errors(answers)
        check_ranges(answers, errors)
        parent = answers.get(CONF_PARENT)
        members = list(answers.get(CONF_MEMBERS, []))
        unknown = [m for m in [parent, *members] if m and m not in entry.subentries]
        if unknown:
            errors[CONF_MEMBERS if parent not in unknown else CONF_PARENT] = "unknown_member"
        else:
            for key, error in circuit_errors(entry, self._own_id(), parent, members).items():
                errors.setdefault(key, error)
        if errors:
            return self._form(step_id, answers, errors)
        data = {CONF_NAME: answers[CONF_NAME], CONF_LIMIT_A: answers[CONF_LIMIT_A]}
        data[CONF_PARENT] = parent
        data[CONF_MEMBERS] = members
        return self._save(data)
