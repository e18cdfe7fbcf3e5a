"""The integration passes what hassfest (HACS's required check) checks, and keys match code.

Everything is derived from the shipped files and the source, so a string, icon,
action or entity added later is checked too. Each rule also gets a bad input
it must catch (``test_rules_catch``), so none of these tests passes vacuously.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import homeassistant
import pytest
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util.yaml import load_yaml_dict

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha import hassfest_rules as rules
from tests.ha import hassfest_strings as texts
from tests.ha.hassfest_keys import Collector

PACKAGE = Path(__file__).resolve().parents[2] / "custom_components" / DOMAIN
STRINGS = rules.load_json(PACKAGE / "strings.json")
ICONS = rules.load_json(PACKAGE / "icons.json")
MANIFEST = rules.load_json(PACKAGE / "manifest.json")
SERVICES = load_yaml_dict(str(PACKAGE / "services.yaml"))
COMMON = rules.load_json(Path(homeassistant.__file__).parent / "strings.json")
TRANSLATIONS = sorted((PACKAGE / "translations").glob("*.json"))
CHECKED = ("entity", "exceptions", "issues", "selector")


def _resolved() -> dict[str, Any]:
    resolved, _problems = texts.resolve_references(STRINGS, DOMAIN, COMMON)
    return resolved


def test_strings_json_keys_values_and_structure() -> None:
    problems = texts.key_problems(STRINGS) + texts.value_problems(STRINGS)
    problems += texts.structure_problems(STRINGS) + texts.reserved_state_problems(STRINGS)
    problems += texts.resolve_references(STRINGS, DOMAIN, COMMON)[1]
    assert problems == []


@pytest.mark.parametrize("path", TRANSLATIONS, ids=[p.name for p in TRANSLATIONS])
def test_translation_file_complete_resolved_and_valid(path: Path) -> None:
    data = rules.load_json(path)
    assert texts.translation_file_problems(path.name, data, _resolved()) == []
    assert texts.structure_problems(data) == []


def test_english_is_strings_json_with_references_resolved() -> None:
    """Home Assistant loads translations/en.json of a custom integration as it is."""
    assert {p.name for p in TRANSLATIONS} >= {"en.json", "de.json"}
    assert rules.load_json(PACKAGE / "translations" / "en.json") == _resolved()


def test_manifest() -> None:
    assert rules.manifest_problems(MANIFEST, PACKAGE.name) == []


def test_services_yaml_texts_selectors_and_icons() -> None:
    assert rules.services_problems(SERVICES, STRINGS, ICONS) == []


def test_icons_json() -> None:
    assert rules.icons_problems(ICONS, STRINGS) == []


async def test_every_registered_action_is_described(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, DOMAIN, {})
    assert set(hass.services.async_services_for_domain(DOMAIN)) == set(SERVICES)


def _used() -> tuple[dict[str, dict[str, str]], list[str]]:
    collector = Collector(PACKAGE)
    used: dict[str, dict[str, str]] = {c: {} for c in CHECKED}
    for use in collector.collect():
        part = use.category.split("/")[0]
        key = use.key if part != "entity" else f"{use.category.split('/')[1]}/{use.key}"
        used[part].setdefault(key, use.where)
    for name, service in SERVICES.items():  # selectors of the actions' fields
        for field, spec in (service or {}).get("fields", {}).items():
            key = ((spec or {}).get("selector") or {}).get("select", {}).get("translation_key")
            if key:
                used["selector"].setdefault(key, f"services.yaml:{name}/{field}")
    return used, collector.problems


def _defined(strings: dict[str, Any]) -> dict[str, set[str]]:
    defined = {c: set(strings.get(c) or {}) for c in CHECKED}
    defined["entity"] = {
        f"{platform}/{key}"
        for platform, keys in (strings.get("entity") or {}).items()
        for key in keys
    }
    return defined


def test_every_translation_key_in_code_exists_and_none_is_unused() -> None:
    used, problems = _used()
    assert problems == []
    assert len(used["entity"]) > 10 and used["exceptions"] and used["issues"] and used["selector"]
    for path in [PACKAGE / "strings.json", *TRANSLATIONS]:
        defined = _defined(rules.load_json(path))
        for part in CHECKED:
            missing = {k: w for k, w in used[part].items() if k not in defined[part]}
            assert missing == {}, f"{path.name}: {part} keys used in code but not translated"
            unused = defined[part] - set(used[part])
            assert unused == set(), f"{path.name}: {part} keys translated but never used"


# -- the rules themselves catch what hassfest rejects ---------------------------------
BAD_STRINGS: list[tuple[dict[str, Any], str]] = [
    ({"selector": {"rate_unit": {"options": {"A": "Current"}}}}, "invalid translation key 'A'"),
    ({"selector": {"x": {"options": {"_a": "A"}}}}, "invalid translation key '_a'"),
    ({"selector": {"x": {"options": {"a__b": "A"}}}}, "invalid translation key 'a__b'"),
    ({"exceptions": {"x": {"message": "See <b>this</b>"}}}, "contains HTML"),
    ({"exceptions": {"x": {"message": "See https://example.org"}}}, "contains a URL"),
    ({"exceptions": {"x": {"message": "Value '{value}'"}}}, "placeholder in single quotes"),
    ({"exceptions": {"x": {"message": " padded"}}}, "leading or trailing spaces"),
    ({"entity": {"sensor": {"s": {"state": {"on": "On {x}"}}}}}, "not allowed in states"),
    ({"exceptions": {"x": {"message": "Go: [%key:common::x%]"}}}, "combined with text"),
    ({"config": {"step": {"user": {"data": {}, "data_description": {"a": "A"}}}}}, "not in data"),
    ({"issues": {"x": {"title": "T"}}}, "one of description/fix_flow"),
    ({"services": {"s": {"name": "S"}}}, "needs name and description"),
    ({"config_subentries": {"plug": {"step": {}}}}, "entry_type and initiate_flow"),
    ({"entity": {"sensor": {"s": {"state": {"unavailable": "Gone"}}}}}, "own state"),
]


@pytest.mark.parametrize(("strings", "expected"), BAD_STRINGS)
def test_rules_catch_bad_strings(strings: dict[str, Any], expected: str) -> None:
    problems = texts.key_problems(strings) + texts.value_problems(strings)
    problems += texts.structure_problems(strings) + texts.reserved_state_problems(strings)
    assert any(expected in p for p in problems), problems


def test_rules_catch_bad_manifest_services_icons_and_references() -> None:
    unsorted = {
        "name": "X",
        "domain": DOMAIN,
        **{k: v for k, v in MANIFEST.items() if k not in ("domain", "name", "version")},
    }
    problems = rules.manifest_problems(unsorted, PACKAGE.name)
    assert any("not sorted" in p for p in problems) and any("version is" in p for p in problems)
    bad_services = {"set_x": {"fields": {"mode": {"selector": {"select": {"options": ["a"]}}}}}}
    problems = rules.services_problems(bad_services, {"services": {}}, {})
    assert any("select without translation_key" in p for p in problems)
    assert any("no name or description" in p for p in problems)
    assert any("no icon" in p for p in problems)
    icons = {"entity": {"sensor": {"s": {"default": "mdi:a", "state": {"on": "mdi:a", "x": "b"}}}}}
    problems = rules.icons_problems(icons, {"entity": {"sensor": {"s": {"state": {"on": "On"}}}}})
    assert any("same as the default" in p for p in problems)
    assert any("no such state" in p for p in problems) and any("not an mdi" in p for p in problems)
    _resolved_strings, problems = texts.resolve_references(
        {"a": {"b": "[%key:component::d::a::c%]"}}, "d", COMMON
    )
    assert any("does not exist" in p for p in problems)
    data = {"a": {"b": "[%key:common::action::close%]"}}
    assert texts.translation_file_problems(
        "en.json", data, texts.resolve_references(data, "d", COMMON)[0]
    )


async def test_every_option_of_a_translated_entity_is_translated_and_no_state_is_unused(
    hass: HomeAssistant,
) -> None:
    """Enum sensors and selects of a hub with plugs, a circuit and a charger: their
    options are exactly the translated states (built-in charger enums by their lists)."""
    from homeassistant.helpers import entity_registry as er

    from custom_components.dynamic_ocpp_evse import builtin_entities
    from tests.ha.hub_fixtures import charger, make_entry, register_switch, set_grid, setup_hub

    await register_switch(hass)
    set_grid(hass, 2.0, 2.0, 2.0)
    await setup_hub(hass, make_entry(hass, extra=[charger()]))
    options: dict[tuple[str, str], set[str]] = {
        ("sensor", "connector_status"): set(builtin_entities.CONNECTOR_STATUSES),
        ("sensor", "error_code"): set(builtin_entities.ERROR_CODES),
    }
    for entry in er.async_get(hass).entities.values():
        state = hass.states.get(entry.entity_id)
        if entry.platform != DOMAIN or state is None or "options" not in state.attributes:
            continue
        key = (entry.domain, str(entry.translation_key))
        options.setdefault(key, set()).update(state.attributes["options"])
    assert {k[1] for k in options} >= {"hub_status", "load_status", "reason", "operating_mode"}
    for path in [PACKAGE / "strings.json", *TRANSLATIONS]:
        entities = rules.load_json(path)["entity"]
        for (platform, key), values in options.items():
            states = set(entities[platform][key].get("state") or {})
            assert values == states, f"{path.name}: {platform}/{key}"


def test_action_targets_offer_only_this_integrations_devices() -> None:
    """Every device or entity picker of an action filters to this integration."""
    pickers = 0
    for name, service in SERVICES.items():
        for field, spec in (service or {}).get("fields", {}).items():
            sel = (spec or {}).get("selector") or {}
            for kind in ("device", "entity"):
                if kind in sel:
                    pickers += 1
                    filters = sel[kind].get("filter") or [sel[kind]]
                    for one in filters if isinstance(filters, list) else [filters]:
                        assert one.get("integration") == DOMAIN, f"{name}/{field}"
    assert pickers == len(SERVICES)  # one target per action


def test_components_used_are_dependencies() -> None:
    assert rules.dependency_problems(PACKAGE, MANIFEST) == []
    # besides platforms we provide, only the energy integration (its solar forecast)
    assert rules.dependency_problems(PACKAGE, {"after_dependencies": ["energy"]}) == []
    assert (
        rules.dependency_problems(PACKAGE, {})
        == ["plan_inputs.py: uses component energy, not in (after_)dependencies"] * 2
    )


def test_dependency_rule_catches_an_undeclared_component(tmp_path: Path) -> None:
    (tmp_path / "x.py").write_text("from homeassistant.components.mqtt import publish\n")
    assert rules.dependency_problems(tmp_path, {}) != []
    assert rules.dependency_problems(tmp_path, {"dependencies": ["mqtt"]}) == []


HACS_KEYS = {
    "name", "content_in_root", "zip_release", "filename", "hide_default_branch", "country",
    "homeassistant", "persistent_directory", "render_readme", "hacs",
}  # fmt: skip


def test_hacs_json_is_valid_and_its_minimum_is_what_we_test() -> None:
    """HACS's own check reads hacs.json; its minimum version must be one we test on."""
    from awesomeversion import AwesomeVersion
    from homeassistant.const import __version__ as tested

    hacs = rules.load_json(PACKAGE.parents[1] / "hacs.json")
    assert hacs.get("name") and set(hacs) <= HACS_KEYS
    assert AwesomeVersion(hacs["homeassistant"]) <= AwesomeVersion(tested)


def test_naming_a_protocol_is_not_a_url() -> None:
    strings = {"exceptions": {"x": {"message": "The server speaks wss:// (TLS)."}}}
    assert texts.value_problems(strings) == []
    strings = {"exceptions": {"x": {"message": "Connect to ws://homeassistant:9000/cp1"}}}
    assert any("URL" in p for p in texts.value_problems(strings))
