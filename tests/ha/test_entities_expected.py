"""Entities users expect: what the built-in server's charger entities show, and that
platforms which act on chargers handle one command at a time."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from custom_components.dynamic_ocpp_evse.builtin_entities import (
    CONNECTOR_STATUSES,
    ERROR_CODES,
    error_word,
    plugged_in,
)
from custom_components.dynamic_ocpp_evse.const import DOMAIN

PACKAGE = Path(__file__).resolve().parents[2] / "custom_components" / DOMAIN
PLATFORMS = ("binary_sensor", "button", "number", "select", "sensor", "switch")
ACTIONS = {
    "async_press",
    "async_turn_on",
    "async_turn_off",
    "async_select_option",
    "async_set_native_value",
}


def _acts(platform: str) -> bool:
    """Whether the platform's entities (in its module or the modules it imports) act."""
    files = [PACKAGE / f"{platform}.py"]
    tree = ast.parse(files[0].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            files.append(PACKAGE / f"{node.module.replace('.', '/')}.py")
    platform_class = "".join(w.title() for w in platform.split("_")) + "Entity"
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
            methods = {n.name for n in node.body if isinstance(n, ast.AsyncFunctionDef)}
            if platform_class in bases and methods & ACTIONS:
                return True
    return False


@pytest.mark.parametrize("platform", PLATFORMS)
def test_platforms_that_send_commands_run_one_at_a_time(platform: str) -> None:
    module = importlib.import_module(f"custom_components.dynamic_ocpp_evse.{platform}")
    assert (1 if _acts(platform) else 0) == module.PARALLEL_UPDATES


def test_command_platforms_are_found() -> None:
    assert [p for p in PLATFORMS if _acts(p)] == ["button", "number", "select", "switch"]


@pytest.mark.parametrize(
    ("code", "word"),
    [
        ("NoError", "no_error"),
        ("EVCommunicationError", "ev_communication_error"),
        ("OverCurrentFailure", "over_current_failure"),
        ("SomeVendorCode", "other_error"),  # a charger's own code is still an error
        (None, None),
    ],
)
def test_error_code_words(code: str | None, word: str | None) -> None:
    assert error_word(code) == word
    assert word is None or word in ERROR_CODES


@pytest.mark.parametrize(
    ("status", "plugged"),
    [
        ("Available", False),
        ("Preparing", True),
        ("Charging", True),
        ("SuspendedEV", True),
        ("SuspendedEVSE", True),
        ("Finishing", True),
        ("Faulted", False),
        ("Unavailable", False),
        ("Bogus", None),  # not an OCPP status: not known
        (None, None),
    ],
)
def test_plugged_in_from_the_connector_status(status: str | None, plugged: bool | None) -> None:
    assert plugged_in(status) is plugged


def test_no_status_uses_home_assistants_own_states() -> None:
    assert not {"unavailable", "unknown"} & set(CONNECTOR_STATUSES + ERROR_CODES)
