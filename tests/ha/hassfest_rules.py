"""What Home Assistant's ``hassfest`` checks in an integration's files, re-stated.

hassfest lives in Home Assistant core's ``script/`` folder (not in the wheel), so
these checks restate its rules for the files we ship: ``strings.json`` and
``translations/*.json`` (key format, allowed structure, no HTML, URLs or bad
placeholders, references), ``manifest.json`` (schema and key order),
``services.yaml`` (schema, valid selectors, texts and icons of every action)
and ``icons.json`` (schema, icons only for translated entities and states).
Each function returns a list of problems (empty: passes); nothing here knows
our keys, everything is read from the files.
"""

from __future__ import annotations

import ast
import json
import re
import string
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import voluptuous as vol
from awesomeversion import AwesomeVersion, AwesomeVersionException, AwesomeVersionStrategy
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import selector

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
IOT_CLASSES = {
    "assumed_state", "calculated", "cloud_polling", "cloud_push", "local_polling", "local_push",
}  # fmt: skip
INTEGRATION_TYPES = {"device", "entity", "hardware", "helper", "hub", "service", "system"}
MANIFEST_KEYS = {
    "domain", "name", "integration_type", "config_flow", "mqtt", "zeroconf", "ssdp",
    "bluetooth", "homekit", "dhcp", "usb", "documentation", "issue_tracker", "quality_scale",
    "requirements", "dependencies", "after_dependencies", "codeowners", "loggers", "disabled",
    "iot_class", "single_config_entry", "version", "import_executor",
}  # fmt: skip
MANIFEST_REQUIRED = (
    "domain", "name", "version", "iot_class", "config_flow", "integration_type",
    "documentation", "codeowners",
)  # fmt: skip
FIELD_KEYS = {
    "example", "default", "required", "advanced", "selector", "filter", "name", "description",
}  # fmt: skip


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


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


def _where(path: tuple[str, ...]) -> str:
    return "/".join(path)


def _value_problems(path: tuple[str, ...], value: Any) -> list[str]:
    where = _where(path)
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
        f"{_where(p)}: invalid translation key {p[-1]!r} (need [a-z0-9-_], no - or _ first, "
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
            problems.append(f"{_where(path)}: not a slug")
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
                out[key] = target(match.group(1), _where((*path, key))) or value
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
        f"{name}: {_where(path)}: unresolved reference" for path, value in leaves(data)
        if isinstance(value, str) and REFERENCE.search(value)
    ]  # fmt: skip
    ours = {p for p, _ in leaves(resolved_strings)}
    theirs = {p for p, _ in leaves(data)}
    problems += [f"{name}: {_where(p)}: missing" for p in sorted(ours - theirs)]
    problems += [f"{name}: {_where(p)}: not in strings.json" for p in sorted(theirs - ours)]
    return problems


def manifest_problems(manifest: Mapping[str, Any], directory: str) -> list[str]:
    problems = [f"manifest: {k} is required" for k in MANIFEST_REQUIRED if k not in manifest]
    problems += [f"manifest: unknown key {k}" for k in manifest if k not in MANIFEST_KEYS]
    keys = list(manifest)
    wanted = sorted(keys, key=lambda k: {"domain": "0", "name": "1"}.get(k, "2" + k))
    if keys != wanted:
        problems.append(f"manifest: keys not sorted (domain, name, then alphabetical): {wanted}")
    if manifest.get("domain") != directory:
        problems.append("manifest: domain does not match the directory name")
    if manifest.get("iot_class") not in IOT_CLASSES:
        problems.append(f"manifest: iot_class {manifest.get('iot_class')!r} is not supported")
    if manifest.get("integration_type", "hub") not in INTEGRATION_TYPES:
        problems.append("manifest: unknown integration_type")
    if not isinstance(manifest.get("config_flow"), bool):
        problems.append("manifest: config_flow must be true or false")
    strategies = [
        AwesomeVersionStrategy.CALVER, AwesomeVersionStrategy.SEMVER,
        AwesomeVersionStrategy.SIMPLEVER, AwesomeVersionStrategy.BUILDVER,
        AwesomeVersionStrategy.PEP440,
    ]  # fmt: skip
    version = manifest.get("version")
    try:
        AwesomeVersion(str(version), ensure_strategy=strategies)
    except AwesomeVersionException:
        problems.append(f"manifest: version {version!r} is not a valid version")
    for key in ("documentation", "issue_tracker"):
        if key in manifest and not str(manifest[key]).startswith("https://"):
            problems.append(f"manifest: {key} must be an https URL")
    for key in ("requirements", "dependencies", "after_dependencies", "codeowners"):
        value = manifest.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"manifest: {key} must be a list of strings")
    return problems


def _fields(service: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every field of an action, those inside sections included."""
    for name, field in (service.get("fields") or {}).items():
        if field and "fields" in field:
            yield from (field.get("fields") or {}).items()
        else:
            yield name, field or {}


def services_problems(
    services: Mapping[str, Any], strings: Mapping[str, Any], icons: Mapping[str, Any]
) -> list[str]:
    """services.yaml against hassfest's custom-integration schema, our texts and icons."""
    problems: list[str] = []
    texts = strings.get("services") or {}
    for name, spec_or_none in services.items():
        service = spec_or_none or {}
        try:
            cv.slug(name)
        except vol.Invalid:
            problems.append(f"services.yaml: {name}: not a slug")
        problems += [
            f"services.yaml: {name}/{k}: unknown key" for k in service
            if k not in {"fields", "target", "name", "description"}
        ]  # fmt: skip
        if "target" in service:
            try:
                selector.TargetSelector.CONFIG_SCHEMA(service["target"])
            except vol.Invalid as err:
                problems.append(f"services.yaml: {name}/target: {err}")
        mine = texts.get(name) or {}
        if not mine.get("name") or not mine.get("description"):
            problems.append(f"strings: services/{name}: no name or description")
        if "service" not in ((icons.get("services") or {}).get(name) or {}):
            problems.append(f"icons: services/{name}: no icon")
        seen = set()
        for field, spec in _fields(service):
            seen.add(field)
            problems += [
                f"services.yaml: {name}/{field}/{k}: unknown key" for k in spec
                if k not in FIELD_KEYS
            ]  # fmt: skip
            field_texts = (mine.get("fields") or {}).get(field) or {}
            if not field_texts.get("name") or not field_texts.get("description"):
                problems.append(f"strings: services/{name}/fields/{field}: no name or description")
            if "selector" in spec:
                problems += _selector_problems(f"{name}/{field}", spec["selector"], strings)
        problems += [
            f"strings: services/{name}/fields/{f}: not a field of the action"
            for f in (mine.get("fields") or {}) if f not in seen
        ]  # fmt: skip
    problems += [f"strings: services/{n}: no such action" for n in texts if n not in services]
    icon_services = icons.get("services") or {}
    problems += [f"icons: services/{n}: no such action" for n in icon_services if n not in services]
    return problems


def _selector_problems(where: str, spec: Any, strings: Mapping[str, Any]) -> list[str]:
    try:
        selector.validate_selector(spec)
    except vol.Invalid as err:
        return [f"services.yaml: {where}: invalid selector ({err})"]
    select = spec.get("select") if isinstance(spec, Mapping) else None
    if not select:
        return []
    options = [o if isinstance(o, str) else o.get("value") for o in select.get("options") or []]
    key = select.get("translation_key")
    if key is None:
        if all(isinstance(o, str) for o in select.get("options") or []):
            return [f"services.yaml: {where}: select without translation_key"]
        return []
    translated = lookup(strings, ("selector", key, "options")) or {}
    if not translated:
        return [f"services.yaml: {where}: selector translation_key {key} not in strings"]
    return [f"strings: selector/{key}/options/{o}: missing" for o in options if o not in translated]


def icons_problems(icons: Mapping[str, Any], strings: Mapping[str, Any]) -> list[str]:
    """icons.json: mdi icons, no state icon equal to the default, only for translated
    entities and states, and an icon for every entity whose states are translated."""
    problems = [f"icons: {k}: unknown top-level key" for k in icons if k not in
                {"entity", "services", "config", "options", "issues"}]  # fmt: skip
    for path, value in leaves(icons):
        if not isinstance(value, str) or not value.startswith("mdi:"):
            problems.append(f"icons: {_where(path)}: not an mdi: icon")
        if not TRANSLATION_KEY.match(path[-1]):
            problems.append(f"icons: {_where(path)}: invalid translation key")
    for name, service in (icons.get("services") or {}).items():
        if not isinstance(service, Mapping) or set(service) - {"service", "sections"}:
            problems.append(f"icons: services/{name}: use {{'service': 'mdi:...'}}")
    entities = strings.get("entity") or {}
    for platform, keys in (icons.get("entity") or {}).items():
        for key, icon in keys.items():
            text = (entities.get(platform) or {}).get(key)
            if text is None:
                problems.append(f"icons: entity/{platform}/{key}: no such translated entity")
                continue
            problems += [
                f"icons: entity/{platform}/{key}/{k}: unknown key" for k in icon
                if k not in {"default", "state", "state_attributes", "range"}
            ]  # fmt: skip
            translated = text.get("state") or {}
            for state, state_icon in (icon.get("state") or {}).items():
                if translated and state not in translated:  # (else on/off of a switch)
                    problems.append(f"icons: entity/{platform}/{key}/state/{state}: no such state")
                if state_icon == icon.get("default"):
                    problems.append(
                        f"icons: entity/{platform}/{key}/state/{state}: same as the default"
                    )
    for platform, keys in entities.items():
        for key, text in keys.items():
            if text.get("state") and not lookup(icons, ("entity", platform, key, "default")):
                problems.append(f"icons: entity/{platform}/{key}: translated states, no icon")
    return problems


ALWAYS_ALLOWED = {
    "homeassistant", "persistent_notification", "websocket_api", "frontend", "webhook",
    "system_health", "automation", "device_automation", "zone", "person", "script",
}  # fmt: skip


def dependency_problems(package: Path, manifest: Mapping[str, Any]) -> list[str]:
    """hassfest's dependency rule: a ``homeassistant.components.X`` import needs X in
    dependencies/after_dependencies, unless X is an entity platform we provide (X.py),
    an entity platform at all, or one of the always-set-up integrations."""
    from homeassistant.const import Platform

    allowed = set(manifest.get("dependencies", [])) | set(manifest.get("after_dependencies", []))
    allowed |= {p.value for p in Platform} | ALWAYS_ALLOWED
    problems = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[:2] != ["homeassistant", "components"] or len(parts) < 3:
                    continue
                ref = parts[2]
                if ref in allowed or (package / f"{ref}.py").is_file():
                    continue
                problems.append(f"{path.name}: uses component {ref}, not in (after_)dependencies")
    return problems
