"""quality_scale.yaml is honest: every rule has a status, and a claimed rule is backed
by the code or files that make it true (checked here, so a claim cannot drift)."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from custom_components.dynamic_ocpp_evse.const import DOMAIN

PACKAGE = Path(__file__).resolve().parents[2] / "custom_components" / DOMAIN
RULES: dict[str, Any] = yaml.safe_load((PACKAGE / "quality_scale.yaml").read_text())["rules"]
TIERS = {
    "bronze": [
        "action-setup", "appropriate-polling", "brands", "common-modules",
        "config-flow-test-coverage", "config-flow", "dependency-transparency", "docs-actions",
        "docs-high-level-description", "docs-installation-instructions",
        "docs-removal-instructions", "entity-event-setup", "entity-unique-id", "has-entity-name",
        "runtime-data", "test-before-configure", "test-before-setup", "unique-config-entry",
    ],
    "silver": [
        "action-exceptions", "config-entry-unloading", "docs-configuration-parameters",
        "docs-installation-parameters", "entity-unavailable", "integration-owner",
        "log-when-unavailable", "parallel-updates", "reauthentication-flow", "test-coverage",
    ],
    "gold": [
        "devices", "diagnostics", "discovery-update-info", "discovery", "docs-data-update",
        "docs-examples", "docs-known-limitations", "docs-supported-devices",
        "docs-supported-functions", "docs-troubleshooting", "docs-use-cases", "dynamic-devices",
        "entity-category", "entity-device-class", "entity-disabled-by-default",
        "entity-translations", "exception-translations", "icon-translations",
        "reconfiguration-flow", "repair-issues", "stale-devices",
    ],
    "platinum": ["async-dependency", "inject-websession", "strict-typing"],
}  # fmt: skip
PLATFORMS = ("binary_sensor", "button", "number", "select", "sensor", "switch")


def _status(rule: str) -> str:
    value = RULES[rule]
    return value if isinstance(value, str) else value["status"]


def _source() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py"))


def test_every_rule_has_a_status_and_open_or_exempt_ones_say_why() -> None:
    assert set(RULES) == {r for rules in TIERS.values() for r in rules}
    for rule, value in RULES.items():
        assert _status(rule) in ("done", "todo", "exempt"), rule
        if _status(rule) != "done":
            assert isinstance(value, dict) and value.get("comment"), f"{rule}: no reason"


@pytest.mark.parametrize(
    ("rule", "evidence"),
    [
        ("discovery", "async_step_integration_discovery"),
        ("reconfiguration-flow", "async_step_reconfigure"),
        ("diagnostics", "async_get_config_entry_diagnostics"),
        ("repair-issues", "async_create_issue"),
        ("entity-disabled-by-default", "entity_registry_enabled_default=False"),
        ("exception-translations", "translation_domain=DOMAIN"),
        ("runtime-data", "entry.runtime_data"),
        ("has-entity-name", "_attr_has_entity_name = True"),
    ],
)
def test_a_done_rule_is_backed_by_code(rule: str, evidence: str) -> None:
    assert _status(rule) == "done"
    assert evidence in _source(), f"{rule} is done but {evidence!r} is nowhere"


def test_brands_assets_and_parallel_updates_exist() -> None:
    assert _status("brands") == "done"
    for name in ("icon.png", "icon@2x.png", "logo.png", "logo@2x.png"):
        assert (PACKAGE / "brand" / name).is_file(), name
    assert _status("parallel-updates") == "done"
    for platform in PLATFORMS:
        module = importlib.import_module(f"custom_components.{DOMAIN}.{platform}")
        assert isinstance(module.PARALLEL_UPDATES, int), platform


def test_open_rules_are_the_ones_that_are_open() -> None:
    """Owner: codeowners empty. Strict typing: the ocpp library ships no py.typed."""
    manifest = yaml.safe_load((PACKAGE / "manifest.json").read_text())
    assert (_status("integration-owner") == "done") == bool(manifest["codeowners"])
    ocpp = Path(importlib.import_module("ocpp").__file__ or "").parent
    assert (_status("strict-typing") == "done") == (ocpp / "py.typed").is_file()


def test_reaching_gold_is_not_claimed_while_a_lower_rule_is_open() -> None:
    """docs/quality-scale.md names every open rule of bronze to gold."""
    text = (PACKAGE.parents[1] / "docs" / "quality-scale.md").read_text(encoding="utf-8")
    open_rules = [
        r for tier in ("bronze", "silver", "gold") for r in TIERS[tier] if _status(r) == "todo"
    ]
    assert open_rules, "all of gold is done: update docs/quality-scale.md to say so"
    for rule in open_rules:
        assert f"`{rule}`" in text, f"{rule} is open but docs/quality-scale.md does not say"
