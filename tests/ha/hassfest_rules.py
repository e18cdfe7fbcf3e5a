"""What Home Assistant's ``hassfest`` checks in an integration's files, re-stated.

hassfest lives in Home Assistant core's ``script/`` folder (not in the wheel), so
these checks restate its rules for the files we ship. This module owns those of
``manifest.json`` (schema and key order), ``services.yaml`` (schema, valid
selectors, texts and icons of every action), ``icons.json`` (schema, icons only
for translated entities and states) and the integration's imports (dependencies);
the rules of ``strings.json`` and ``translations/*.json`` are
:mod:`.hassfest_strings`. Each function returns a list of problems (empty:
passes); nothing here knows our keys, everything is read from the files.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import voluptuous as vol
from awesomeversion import AwesomeVersion, AwesomeVersionException, AwesomeVersionStrategy
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import selector

from tests.ha.hassfest_strings import TRANSLATION_KEY, leaves, lookup, path_text

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
            problems.append(f"icons: {path_text(path)}: not an mdi: icon")
        if not TRANSLATION_KEY.match(path[-1]):
            problems.append(f"icons: {path_text(path)}: invalid translation key")
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
