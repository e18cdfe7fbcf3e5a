"""Collapsed form sections, and the translation between them and flat stored data.

A form groups its optional fields in collapsed sections
(``homeassistant.data_entry_flow.section``); Home Assistant then sends and expects
those fields nested under the section's name. The stored entry and subentry data
stay flat (one key per setting, as before sections existed), so:

- :func:`nest` turns flat values into the nested shape a form pre-fills,
- ``helpers.clean_input`` lifts the submitted section fields back to the top,
- :func:`place_errors` puts an error of a field inside a section on the section
  (Home Assistant's frontend shows errors of section fields there).

A form's sections are built fresh for every form shown: Home Assistant's
``add_suggested_values_to_schema`` writes the suggestions into the section object.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol
from homeassistant.data_entry_flow import section


def collapsed(name: str, fields: Mapping[Any, Any]) -> dict[Any, section]:
    """One collapsed section ``name`` holding ``fields`` (a schema mapping).

    Optional with an empty default: a client that leaves the section out gets
    the defaults of its fields, as the frontend sends them.
    """
    content = section(vol.Schema(dict(fields)), {"collapsed": True})
    return {vol.Optional(name, default=dict): content}


def section_fields(schema: vol.Schema) -> dict[str, set[str]]:
    """Section name -> the field names inside it."""
    return {
        str(key): {str(field) for field in value.schema.schema}
        for key, value in schema.schema.items()
        if isinstance(value, section)
    }


def nest(schema: vol.Schema, values: Mapping[str, Any]) -> dict[str, Any]:
    """Flat values in the shape of ``schema`` (section fields under their section)."""
    sections = section_fields(schema)
    inside = {field: name for name, fields in sections.items() for field in fields}
    nested: dict[str, Any] = {name: {} for name in sections}
    for key, value in values.items():
        if key in inside:
            nested[inside[key]][key] = value
        elif key not in sections:
            nested[key] = value
    return nested


def place_errors(schema: vol.Schema, errors: Mapping[str, str]) -> dict[str, str]:
    """Errors keyed as the form shows them: a section field's error on its section."""
    inside = {field: name for name, fields in section_fields(schema).items() for field in fields}
    placed: dict[str, str] = {}
    for key, error in errors.items():
        placed.setdefault(inside.get(key, key), error)
    return placed
