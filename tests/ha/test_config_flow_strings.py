"""The config flow texts: no raw keys on screen, English and German complete."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import voluptuous as vol
from homeassistant.helpers.selector import SelectSelector

from custom_components.dynamic_ocpp_evse import config_flow
from custom_components.dynamic_ocpp_evse.flows import charger_forms as flow_charger

PACKAGE = Path(__file__).parents[2] / "custom_components" / "dynamic_ocpp_evse"
SECTIONS = ("config", "config_subentries", "selector")
FLOW_FILES = {
    "config_flow.py": ("config",),
    "flows/charger.py": ("config_subentries", "charger"),
    "flows/plug.py": ("config_subentries", "plug"),
    "flows/circuit.py": ("config_subentries", "circuit"),
}


def load(name: str) -> dict[str, Any]:
    return json.loads((PACKAGE / name).read_text(encoding="utf-8"))


def section(strings: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    for key in path:
        strings = strings[key]
    return strings


def shape(value: Any) -> Any:
    """The nested keys of a translation tree, without the texts."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    return None


def test_english_file_matches_strings() -> None:
    strings, english = load("strings.json"), load("translations/en.json")
    for name in SECTIONS:
        assert english[name] == strings[name], name


def test_german_has_every_text() -> None:
    strings, german = load("strings.json"), load("translations/de.json")
    for name in SECTIONS:
        assert shape(german[name]) == shape(strings[name]), name


@pytest.mark.parametrize(("filename", "path"), FLOW_FILES.items())
def test_every_error_and_abort_reason_has_a_text(filename: str, path: tuple[str, ...]) -> None:
    source = (PACKAGE / filename).read_text()
    texts = section(load("strings.json"), path)
    errors = set(re.findall(r'errors(?:\[[^\]]+\]\s*=|\.setdefault\([^,]+,)\s*"([a-z_]+)"', source))
    aborts = set(re.findall(r'async_abort\(reason="([a-z_]+)"\)', source))
    assert errors or aborts, filename  # the patterns still find something
    assert errors <= set(texts.get("error", {}))
    assert aborts <= set(texts["abort"])
    assert "reconfigure_successful" in texts["abort"]


def fields_with_choices(schema: vol.Schema) -> dict[str, SelectSelector]:
    return {
        str(marker): sel
        for marker, sel in schema.schema.items()
        if isinstance(sel, SelectSelector) and sel.config.get("translation_key")
    }


@pytest.mark.parametrize(
    "schema",
    [
        config_flow.SITE_SCHEMA,
        config_flow.CONTROL_SCHEMA,
        config_flow.ENERGY_SCHEMA,
        flow_charger.PROFILE_SCHEMA,
    ],
)
def test_fixed_choices_are_translated(schema: vol.Schema) -> None:
    selectors = load("strings.json")["selector"]
    for sel in fields_with_choices(schema).values():
        options = selectors[sel.config["translation_key"]]["options"]
        assert set(sel.config["options"]) <= set(options)


@pytest.mark.parametrize(
    ("path", "step", "schema"),
    [
        (("config",), "user", config_flow.SITE_SCHEMA),
        (("config",), "reconfigure", config_flow.SITE_SCHEMA),
        (("config",), "control", config_flow.CONTROL_SCHEMA),
        (("config",), "energy", config_flow.ENERGY_SCHEMA),
        (("config_subentries", "charger"), "connection", flow_charger.CONNECTION_SCHEMA),
        (("config_subentries", "charger"), "builtin_server", flow_charger.BUILTIN_SCHEMA),
        (("config_subentries", "charger"), "profile", flow_charger.PROFILE_SCHEMA),
        (("config_subentries", "charger"), "reconfigure", flow_charger.RECONFIGURE_OCPP_SCHEMA),
        (
            ("config_subentries", "charger"),
            "reconfigure",
            flow_charger.RECONFIGURE_BUILTIN_SCHEMA,
        ),
    ],
)
def test_every_field_has_a_label_and_help(
    path: tuple[str, ...], step: str, schema: vol.Schema
) -> None:
    texts = section(load("strings.json"), path)["step"][step]
    fields = {str(marker) for marker in schema.schema}
    assert fields <= set(texts["data"])
    assert fields <= set(texts["data_description"])
