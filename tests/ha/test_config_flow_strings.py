"""The config flow texts: no raw keys on screen, English and German complete.

Forms drawn by the flows themselves (charger details, plug) are checked in their
flow tests with ``assert_texts``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import voluptuous as vol
from homeassistant import data_entry_flow
from homeassistant.helpers.selector import SelectSelector

from custom_components.dynamic_ocpp_evse import config_flow
from custom_components.dynamic_ocpp_evse.flows import charger_forms as flow_charger
from custom_components.dynamic_ocpp_evse.flows.discovery import DISCOVERED_SCHEMA
from scripts import translations

PACKAGE = Path(__file__).parents[2] / "custom_components" / "dynamic_ocpp_evse"
SECTIONS = ("config", "config_subentries", "selector")
FLOW_FILES = {
    "config_flow.py": ("config",),
    "flows/charger.py": ("config_subentries", "charger"),
    "flows/charger_details.py": ("config_subentries", "charger"),
    "flows/plug.py": ("config_subentries", "plug"),
    "flows/circuit.py": ("config_subentries", "circuit"),
    "flows/load.py": ("config_subentries", "load"),
    "flows/thermal.py": ("config_subentries", "thermal"),
}
# the flows' shared bases, whose checks name errors too
LOAD_FORM = ("flows/load_form.py", "flows/subentry_form.py")
SHARED_SOURCES = {
    "flows/plug.py": LOAD_FORM,
    "flows/load.py": LOAD_FORM,
    "flows/thermal.py": LOAD_FORM,
    "flows/circuit.py": ("flows/subentry_form.py",),
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


def test_english_file_is_strings_with_references_resolved() -> None:
    """Home Assistant serves a custom integration's en.json as it is: no references."""
    strings, english = load("strings.json"), load("translations/en.json")
    assert english == translations.resolve(strings, strings)
    assert "[%key:" not in json.dumps(english)
    assert "[%key:" not in json.dumps(load("translations/de.json"))


def test_reconfigure_steps_reuse_the_texts_of_adding() -> None:
    strings = load("strings.json")
    hub = strings["config"]["step"]["reconfigure"]
    assert hub["data"]["main_breaker_a"].startswith("[%key:component::dynamic_ocpp_evse::")
    assert set(hub["sections"]) == set(strings["config"]["step"]["user"]["sections"])
    for kind in ("plug", "circuit"):
        reconfigure = strings["config_subentries"][kind]["step"]["reconfigure"]
        assert all(text.startswith("[%key:") for text in reconfigure["data"].values()), kind


def test_german_has_every_text() -> None:
    strings, german = load("strings.json"), load("translations/de.json")
    resolved = translations.resolve(strings, strings)
    for name in SECTIONS:
        assert shape(german[name]) == shape(resolved[name]), name


@pytest.mark.parametrize(("filename", "path"), FLOW_FILES.items())
def test_every_error_and_abort_reason_has_a_text(filename: str, path: tuple[str, ...]) -> None:
    source = (PACKAGE / filename).read_text()
    for shared in SHARED_SOURCES.get(filename, ()):
        source += (PACKAGE / shared).read_text()
    texts = section(load("strings.json"), path)
    errors = set(re.findall(r'errors(?:\[[^\]]+\]\s*=|\.setdefault\([^,]+,)\s*"([a-z_]+)"', source))
    aborts = set(re.findall(r'async_abort\(reason="([a-z_]+)"\)', source))
    assert errors or aborts, filename  # the patterns still find something
    assert errors <= set(texts.get("error", {}))
    assert aborts <= set(texts["abort"])
    assert "reconfigure_successful" in texts["abort"]
    # the codes of the shared checks (validation.py) too
    assert {"out_of_range", "not_whole_number", "required"} <= set(texts["error"])


def selectors(schema: vol.Schema) -> list[Any]:
    """Every selector of a form, those inside its sections included."""
    found: list[Any] = []
    for value in schema.schema.values():
        inside = isinstance(value, data_entry_flow.section)
        found.extend(selectors(value.schema) if inside else [value])
    return found


@pytest.mark.parametrize(
    "schema",
    [
        config_flow.site_schema(),
        config_flow.battery_schema(),
        vol.Schema(flow_charger.profile_fields()),
    ],
)
def test_fixed_choices_are_translated(schema: vol.Schema) -> None:
    texts = load("strings.json")["selector"]
    for sel in selectors(schema):
        if isinstance(sel, SelectSelector) and sel.config.get("translation_key"):
            options = texts[sel.config["translation_key"]]["options"]
            assert set(sel.config["options"]) <= set(options)


def assert_texts(schema: vol.Schema, texts: dict[str, Any]) -> None:
    """Every field has a label and a help text; every section a name and description."""
    for marker, value in schema.schema.items():
        name = str(marker)
        if isinstance(value, data_entry_flow.section):
            part = texts["sections"][name]
            assert part["name"] and part["description"], name
            assert_texts(value.schema, part)
        else:
            assert texts["data"][name] and texts["data_description"][name], name


@pytest.mark.parametrize(
    ("path", "step", "schema"),
    [
        (("config",), "user", config_flow.site_schema()),
        (("config",), "reconfigure", config_flow.site_schema()),
        (("config",), "battery", config_flow.battery_schema()),
        (("config",), "discovered_charger", DISCOVERED_SCHEMA),
        (("config_subentries", "charger"), "connection", flow_charger.CONNECTION_SCHEMA),
        (("config_subentries", "charger"), "builtin_server", flow_charger.BUILTIN_SCHEMA),
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
    english = load("translations/en.json")
    assert_texts(schema, section(english, path)["step"][step])
