"""What Home Assistant's ``hassfest`` checks in translation strings, re-stated.

Owns the rules for ``strings.json`` and ``translations/*.json``: translation key
format, the allowed structure (flows, steps, sections, issues, exceptions,
services, entities, selectors), values (no HTML, URLs, quoted or broken
placeholders, no placeholders in states, no state Home Assistant sets itself),
``[%key:...%]`` references and complete, resolved translation files; and the
helpers for walking a JSON tree that the other rules (:mod:`.hassfest_rules`)
share. Each ``*_problems`` function returns a list of problems (empty: passes);
nothing here knows our keys, everything is read from the files.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping
from typing import Any

import voluptuous as vol
from homeassistant.helpers import config_validation as cv

# hassfest's translation key rule: [a-z0-9-_]+, no separator first, last or twice in a row.
TRANSLATION_KEY = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
# a scheme followed by a host ("wss://" alone names a protocol, not a URL), or www.
URL = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://[a-z0-9_]|\bwww\.[a-z0-9])", re.IGNORECASE)
HTML = re.compile(r"<[a-z].*?>", re.IGNORECASE)
SINGLE_QUOTED_PLACEHOLDER = re.compile(r"'\{\w+\}'")
REFERENCE = re.compile(r"\[%key:([^%]+)%\]")

TOP_LEVEL = {
    "title", "config", "config_subentries", "options", "selector", "entity", "device",
    "exceptions", "services", "issues", "entity_component", "device_automation",
    "system_health", "config_panel", "application_credentials", "conversation", "common",
    "preview_features", "conditions", "triggers",
}  # fmt: skip
FLOW_KEYS = {"flow_title", "step", "error", "abort", "progress", "create_entry", "initiate_flow"}
STEP_KEYS = {
    "title", "description", "data", "data_description", "menu_options",
    "menu_option_descriptions", "submit", "sections",
}  # fmt: skip
SECTION_KEYS = {"data", "data_description", "description", "name"}
ENTITY_KEYS = {"name", "state", "state_attributes", "unit_of_measurement"}
SELECTOR_KEYS = {"options", "choices", "unit_of_measurement", "fields"}


def leaves(
    tree: Mapping[str, Any], path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every (path, value) below a JSON object whose value is not an object."""
    for key, value in tree.items():
        if isinstance(value, Mapping):
            yield from leaves(value, (*path, key))
        else:
            yield (*path, key), value


def all_keys(tree: Mapping[str, Any], path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for key, value in tree.items():
        yield (*path, key)
        if isinstance(value, Mapping):
            yield from all_keys(value, (*path, key))


def lookup(tree: Mapping[str, Any], path: tuple[str, ...] | list[str]) -> Any:
    """The value at path, or None."""
    node: Any = tree
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def path_text(path: tuple[str, ...]) -> str:
    """A key path as problems name it: ``config/step/user``."""
    return "/".join(path)


def _value_problems(path: tuple[str, ...], value: Any) -> list[str]:
    where = path_text(path)
    if not isinstance(value, str):
        return [f"{where}: not a string"]
    problems = []
    if HTML.search(value):
        problems.append(f"{where}: contains HTML")
    if URL.search(value):
        problems.append(f"{where}: contains a URL (use a description placeholder)")
    if value != value.strip():
        problems.append(f"{where}: leading or trailing spaces")
    if SINGLE_QUOTED_PLACEHOLDER.search(value):
        problems.append(f"{where}: placeholder in single quotes")
    if REFERENCE.search(value) and not REFERENCE.fullmatch(value):
        problems.append(f"{where}: a reference combined with text")
        return problems
    if REFERENCE.fullmatch(value):
        return problems
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(value) if f is not None]
    except ValueError as err:
        return [*problems, f"{where}: broken placeholder ({err})"]
    if any(not f.isidentifier() for f in fields):
        problems.append(f"{where}: placeholder is not an identifier")
    in_state = "state" in path[-3:-1] or path[-2:-1] == ("state_attributes",)
    if fields and path[0] in ("entity", "entity_component") and in_state:
        problems.append(f"{where}: placeholders are not allowed in states")
    return problems


def _flow_problems(flow: Any, where: str, subentry: bool) -> list[str]:
    if not isinstance(flow, Mapping):
        return [f"{where}: not an object"]
    problems = [f"{where}/{k}: unknown key" for k in flow if k not in FLOW_KEYS | {"entry_type"}]
    if subentry and ("entry_type" not in flow or "user" not in (flow.get("initiate_flow") or {})):
        problems.append(f"{where}: a subentry needs entry_type and initiate_flow/user")
    for step_id, step in (flow.get("step") or {}).items():
        at = f"{where}/step/{step_id}"
        problems += [f"{at}/{k}: unknown key" for k in step if k not in STEP_KEYS]
        data = step.get("data") or {}
        problems += [
            f"{at}/data_description/{k}: not in data" for k in step.get("data_description") or {}
            if k not in data
        ]  # fmt: skip
        for name, section in (step.get("sections") or {}).items():
            problems += [
                f"{at}/sections/{name}/{k}: unknown key" for k in section if k not in SECTION_KEYS
            ]
            problems += [
                f"{at}/sections/{name}/data_description/{k}: not in data"
                for k in section.get("data_description") or {}
                if k not in (section.get("data") or {})
            ]
    return problems


def structure_problems(strings: Mapping[str, Any]) -> list[str]:
    """The parts of hassfest's strings schema that can go wrong in our files."""
    problems = [f"{k}: unknown top-level key" for k in strings if k not in TOP_LEVEL]
    for part in ("config", "options"):
        if part in strings:
            problems += _flow_problems(strings[part], part, subentry=False)
    for name, flow in (strings.get("config_subentries") or {}).items():
        problems += _flow_problems(flow, f"config_subentries/{name}", subentry=True)
    for name, issue in (strings.get("issues") or {}).items():
        if "title" not in issue or ("description" in issue) == ("fix_flow" in issue):
            problems.append(f"issues/{name}: needs a title and one of description/fix_flow")
        if "fix_flow" in issue:
            problems += _flow_problems(issue["fix_flow"], f"issues/{name}/fix_flow", False)
    for name, exception in (strings.get("exceptions") or {}).items():
        if set(exception) - {"message"}:
            problems.append(f"exceptions/{name}: only 'message' is allowed")
    for name, service in (strings.get("services") or {}).items():
        if "name" not in service or "description" not in service:
            problems.append(f"services/{name}: needs name and description")
        for field, texts in (service.get("fields") or {}).items():
            if "name" not in texts or "description" not in texts:
                problems.append(f"services/{name}/fields/{field}: needs name and description")
        for section, texts in (service.get("sections") or {}).items():
            if "name" not in texts:
                problems.append(f"services/{name}/sections/{section}: needs a name")
    for platform, entities in (strings.get("entity") or {}).items():
        for key, entity in entities.items():
            problems += [
                f"entity/{platform}/{key}/{k}: unknown key" for k in entity if k not in ENTITY_KEYS
            ]
    for key, sel in (strings.get("selector") or {}).items():
        problems += [f"selector/{key}/{k}: unknown key" for k in sel if k not in SELECTOR_KEYS]
    return problems


def key_problems(strings: Mapping[str, Any]) -> list[str]:
    """Every key is a translation key; platform, selector and exception keys also slugs."""
    problems = [
        f"{path_text(p)}: invalid translation key {p[-1]!r} (need [a-z0-9-_], no - or _ first, "
        "last or twice)"
        for p in all_keys(strings)
        if not TRANSLATION_KEY.match(p[-1])
    ]
    slugs = [("entity", k) for k in strings.get("entity") or {}]
    slugs += [("selector", k) for k in strings.get("selector") or {}]
    slugs += [("exceptions", k) for k in strings.get("exceptions") or {}]
    for path in slugs:
        try:
            cv.slug(path[-1])
        except vol.Invalid:
            problems.append(f"{path_text(path)}: not a slug")
    return problems


RESERVED_STATES = {"unavailable", "unknown"}  # Home Assistant's own states


def reserved_state_problems(strings: Mapping[str, Any]) -> list[str]:
    """A translated state of ours never uses a state Home Assistant itself sets."""
    return [
        f"entity/{platform}/{key}/state/{state}: Home Assistant's own state"
        for platform, keys in (strings.get("entity") or {}).items()
        for key, text in keys.items()
        for state in text.get("state") or {}
        if state in RESERVED_STATES
    ]


def value_problems(strings: Mapping[str, Any]) -> list[str]:
    return [p for path, value in leaves(strings) for p in _value_problems(path, value)]


def resolve_references(
    strings: Mapping[str, Any], domain: str, common: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """strings.json with every ``[%key:...%]`` replaced by its text, and the problems."""
    problems: list[str] = []

    def target(ref: str, where: str) -> str | None:
        parts = ref.split("::")
        if parts[:2] == ["component", domain]:
            found = lookup(strings, parts[2:])
        else:
            found = lookup(common, parts)
        if not isinstance(found, str):
            problems.append(f"{where}: reference {ref} does not exist")
            return None
        if REFERENCE.fullmatch(found):
            problems.append(f"{where}: reference {ref} points to another reference")
            return None
        return found

    def walk(node: Mapping[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in node.items():
            if isinstance(value, Mapping):
                out[key] = walk(value, (*path, key))
            elif isinstance(value, str) and (match := REFERENCE.fullmatch(value)):
                out[key] = target(match.group(1), path_text((*path, key))) or value
            else:
                out[key] = value
        return out

    return walk(strings, ()), problems


def translation_file_problems(
    name: str, data: Mapping[str, Any], resolved_strings: Mapping[str, Any]
) -> list[str]:
    """A translations/*.json file: shipped as is (Home Assistant resolves no references
    for custom integrations), so it must be complete, resolved and valid."""
    problems = [f"{name}: {p}" for p in key_problems(data) + value_problems(data)]
    problems += [
        f"{name}: {path_text(path)}: unresolved reference" for path, value in leaves(data)
        if isinstance(value, str) and REFERENCE.search(value)
    ]  # fmt: skip
    ours = {p for p, _ in leaves(resolved_strings)}
    theirs = {p for p, _ in leaves(data)}
    problems += [f"{name}: {path_text(p)}: missing" for p in sorted(ours - theirs)]
    problems += [f"{name}: {path_text(p)}: not in strings.json" for p in sorted(theirs - ours)]
    return problems
