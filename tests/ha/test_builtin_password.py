"""New built-in chargers get a generated password (OCPP security profile 1) by default.

The add form of the charger subentry flow and the discovery form pre-fill a random
password in a plain (readable) text field: the only time it is shown. Clearing it
adds the charger without a password. Another connector of a charger that has a
password keeps that password (one charge point, one password).
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from homeassistant.config_entries import SOURCE_INTEGRATION_DISCOVERY
from homeassistant.core import HomeAssistant
from homeassistant.helpers import selector

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from custom_components.dynamic_ocpp_evse.ocpp_runtime import DISCOVERY_HUB
from tests.ha.flow_helpers import markers, suggested
from tests.ha.test_subentry_charger import configure, details, hub, start


def _password_selector(result: dict[str, Any]) -> Any:
    for marker, found, _section in markers(result["data_schema"]):
        if marker == "password":
            return found
    raise KeyError("password")


def _is_generated(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 20 and value.isalnum()


async def test_a_new_builtin_charger_gets_a_generated_password_shown_once(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    entry = hub(hass, ocpp_server_enabled=True)
    result = await start(hass, entry, "builtin_server")
    generated = suggested(result, "password")
    assert _is_generated(generated)
    field = _password_selector(result)
    assert isinstance(field, selector.TextSelector)
    assert field.config.get("type", "text") == "text"  # readable, so it can be copied
    other = await start(hass, entry, "builtin_server")
    assert suggested(other, "password") != generated  # random, not a constant

    with caplog.at_level(logging.DEBUG):
        answers = {"charge_point_id": "box", "connector_id": 1, "connector_count": 2}
        result = await configure(hass, result, {**answers, "password": generated})
        result = await configure(hass, result, details(unit_max_current_a=16))
    (first,) = entry.subentries.values()
    assert first.data["password"] == generated
    assert generated not in caplog.text

    # the second connector: its form suggests a new password, but the charger has one
    result = await start(hass, entry, "builtin_server")
    answers = {"charge_point_id": "box", "connector_id": 2, "connector_count": 2}
    result = await configure(hass, result, {**answers, "password": suggested(result, "password")})
    result = await configure(hass, result, details(name="box 2", unit_max_current_a=16))
    assert {s.data["password"] for s in entry.subentries.values()} == {generated}


async def test_clearing_the_password_adds_the_charger_without_one(hass: HomeAssistant) -> None:
    entry = hub(hass, ocpp_server_enabled=True)
    result = await start(hass, entry, "builtin_server")
    answers = {"charge_point_id": "open1", "connector_id": 1, "connector_count": 1}
    result = await configure(hass, result, answers)  # the field was emptied
    await configure(hass, result, details())
    (subentry,) = entry.subentries.values()
    assert not subentry.data.get("password")


async def test_a_discovered_charger_gets_a_generated_password(hass: HomeAssistant) -> None:
    entry = hub(hass, [], ocpp_server_enabled=True)
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_INTEGRATION_DISCOVERY},
        data={DISCOVERY_HUB: entry.entry_id, "charge_point_id": "NEW9"},
    )
    generated = suggested(result, "password")
    assert _is_generated(generated)
    assert _password_selector(result).config.get("type", "text") == "text"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {"name": "Carport", "connector_count": 1, "max_current_a": 16, "password": generated},
    )
    assert result["reason"] == "charger_added"
    (added,) = [s for s in entry.subentries.values() if s.unique_id == "NEW9-1"]
    assert added.data["password"] == generated
