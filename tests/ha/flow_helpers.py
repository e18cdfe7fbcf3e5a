"""Helpers for the flow tests: pre-filled values, texts and selectors of a shown form."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import voluptuous as vol
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, section

from custom_components.dynamic_ocpp_evse.const import DOMAIN

PACKAGE = Path(__file__).parents[2] / "custom_components" / DOMAIN
STRINGS = json.loads((PACKAGE / "strings.json").read_text())
ENGLISH = json.loads((PACKAGE / "translations" / "en.json").read_text())


def markers(schema: vol.Schema) -> Iterator[tuple[Any, Any, str | None]]:
    """(marker, selector, section name or None) of every field, sections included."""
    for marker, value in schema.schema.items():
        if isinstance(value, section):
            for inner, selector in value.schema.schema.items():
                yield inner, selector, str(marker)
        else:
            yield marker, value, None


def suggested(result: dict[str, Any], key: str) -> Any:
    """The value a form pre-fills for ``key`` (suggested value, else default)."""
    for marker, _selector, _section in markers(result["data_schema"]):
        if marker == key:
            if marker.description and "suggested_value" in marker.description:
                return marker.description["suggested_value"]
            default = marker.default
            if default is vol.UNDEFINED:
                return None
            return default() if callable(default) else default
    raise KeyError(key)


def selector_of(result: dict[str, Any], key: str) -> Any:
    """The selector of field ``key`` of a shown form."""
    for marker, selector, _section in markers(result["data_schema"]):
        if marker == key:
            return selector
    raise KeyError(key)


def field_names(result: dict[str, Any]) -> dict[str, str | None]:
    """Field -> its section (None at the top) of a shown form."""
    return {str(m): where for m, _s, where in markers(result["data_schema"])}


def assert_form_texts(result: dict[str, Any], *path: str) -> None:
    """Every field and section of a shown form has English texts (en.json, resolved)."""
    texts: Any = ENGLISH
    for part in (*path, "step", result["step_id"]):
        texts = texts[part]
    for name, where in field_names(result).items():
        place = texts if where is None else texts["sections"][where]
        assert place["data"][name] and place["data_description"][name], name
    for key, value in result["data_schema"].schema.items():
        if isinstance(value, section):
            part = texts["sections"][str(key)]
            assert part["name"] and part["description"], key


def subentry_errors(kind: str) -> dict[str, str]:
    """The error texts of one subentry flow (strings.json)."""
    errors: dict[str, str] = STRINGS["config_subentries"][kind]["error"]
    return errors


async def assert_rejected(
    hass: HomeAssistant, result: dict[str, Any], answers: dict[str, Any], kind: str, **error: str
) -> None:
    """Submitting ``answers`` shows the ``kind`` subentry form again with exactly
    ``error`` (field: code), and the code has a text."""
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], answers)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == error
    assert set(error.values()) <= set(subentry_errors(kind))
