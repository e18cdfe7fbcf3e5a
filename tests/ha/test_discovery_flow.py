"""Discovery of a charger at the built-in server: every path of its flow.

Added; already waiting; ignored before; already configured (at the start and when
it was added meanwhile); its hub gone (at the start and before submitting); a
name that clashes with a load (one connector or numbered connectors); no name;
a connector count written as ``2.0`` and as ``1.5``.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest
from homeassistant.config_entries import (
    SOURCE_IGNORE,
    SOURCE_INTEGRATION_DISCOVERY,
    ConfigSubentry,
    ConfigSubentryData,
)
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from custom_components.dynamic_ocpp_evse.ocpp_runtime import DISCOVERY_HUB
from tests.ha.flow_helpers import STRINGS, assert_form_texts


def builtin(cpid: str, connector: int = 1, title: str = "Wallbox") -> ConfigSubentryData:
    return ConfigSubentryData(
        data={"backend": "builtin_server", "charge_point_id": cpid, "connector_id": connector},
        subentry_type="charger",
        title=title,
        unique_id=f"{cpid}-{connector}",
    )


def plug(title: str) -> ConfigSubentryData:
    return ConfigSubentryData(
        data={"switch_entity": "switch.x"}, subentry_type="plug", title=title, unique_id=None
    )


@pytest.fixture
def hub(hass: HomeAssistant) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data={
            "name": "Home",
            "grid_sensor_a": "sensor.grid",
            "ocpp_server_enabled": True,
            "ocpp_server_port": 9100,
        },
        subentries_data=[builtin("OLD1"), plug("Garage"), plug("Port 2")],
    )
    entry.add_to_hass(hass)
    return entry


async def discover(hass: HomeAssistant, hub_id: str, cpid: str) -> Any:
    return await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": SOURCE_INTEGRATION_DISCOVERY},
        data={DISCOVERY_HUB: hub_id, "charge_point_id": cpid},
    )


async def submit(hass: HomeAssistant, result: Any, answers: dict[str, Any]) -> Any:
    return await hass.config_entries.flow.async_configure(result["flow_id"], answers)


def assert_abort(result: Any, reason: str) -> None:
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == reason
    assert reason in STRINGS["config"]["abort"], reason


async def test_found_charger_is_added_one_subentry_per_connector(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    result = await discover(hass, hub.entry_id, "NEW1")
    assert result["step_id"] == "discovered_charger"
    assert_form_texts(result, "config")
    result = await submit(
        hass, result, {"name": "Carport", "connector_count": 2.0, "max_current_a": 20}
    )
    assert_abort(result, "charger_added")
    added = {s.unique_id: s for s in hub.subentries.values() if "NEW1" in (s.unique_id or "")}
    assert sorted(added) == ["NEW1-1", "NEW1-2"]
    assert {s.title for s in added.values()} == {"Carport 1", "Carport 2"}
    assert all(s.data["max_current_a"] == 20 for s in added.values())
    assert all(s.data["connector_count"] == 2 for s in added.values())


async def test_a_second_discovery_of_the_same_charger_waits_for_the_first(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    first = await discover(hass, hub.entry_id, "NEW1")
    assert first["type"] is FlowResultType.FORM
    assert_abort(await discover(hass, hub.entry_id, "NEW1"), "already_in_progress")


async def test_an_ignored_charger_is_not_offered_again(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    MockConfigEntry(
        domain=DOMAIN,
        source=SOURCE_IGNORE,
        unique_id=f"ocpp_charger_{hub.entry_id}_NEW1",
        data={},
    ).add_to_hass(hass)
    assert_abort(await discover(hass, hub.entry_id, "NEW1"), "already_configured")


async def test_a_charger_the_hub_already_has_is_not_offered(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    assert_abort(await discover(hass, hub.entry_id, "OLD1"), "charger_already_configured")


def builtin_subentry(cpid: str) -> ConfigSubentry:
    return ConfigSubentry(
        data=MappingProxyType(dict(builtin(cpid)["data"])),
        subentry_type="charger",
        title="Added by hand",
        unique_id=f"{cpid}-1",
    )


async def test_a_charger_added_meanwhile_is_not_added_twice(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    result = await discover(hass, hub.entry_id, "NEW1")
    hass.config_entries.async_add_subentry(hub, builtin_subentry("NEW1"))
    result = await submit(hass, result, {"name": "Carport", "connector_count": 1})
    assert_abort(result, "charger_already_configured")
    assert sum(1 for s in hub.subentries.values() if s.unique_id == "NEW1-1") == 1


async def test_an_unknown_hub_or_a_removed_one_ends_the_flow(
    hass: HomeAssistant, hub: MockConfigEntry
) -> None:
    assert_abort(await discover(hass, "no_such_entry", "NEW1"), "hub_not_found")
    result = await discover(hass, hub.entry_id, "NEW2")
    await hass.config_entries.async_remove(hub.entry_id)
    result = await submit(hass, result, {"name": "Carport", "connector_count": 1})
    assert_abort(result, "hub_not_found")


@pytest.mark.parametrize(
    ("answers", "error"),
    [
        ({"name": "garage ", "connector_count": 1}, {"name": "name_exists"}),
        ({"name": "Port", "connector_count": 2}, {"name": "name_exists"}),  # "Port 2" exists
        ({"name": " ", "connector_count": 1}, {"name": "required"}),
        ({"name": "Carport", "connector_count": 1.5}, {"connector_count": "not_whole_number"}),
        ({"name": "Carport", "connector_count": 11}, {"connector_count": "out_of_range"}),
        ({"name": "Carport", "max_current_a": 0}, {"max_current_a": "out_of_range"}),
    ],
)
async def test_wrong_answers_are_shown_on_their_field(
    hass: HomeAssistant, hub: MockConfigEntry, answers: dict[str, Any], error: dict[str, str]
) -> None:
    result = await discover(hass, hub.entry_id, "NEW1")
    result = await submit(hass, result, answers)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == error
    assert all(code in STRINGS["config"]["error"] for code in error.values())
    # corrected, the charger is added
    result = await submit(hass, result, {"name": "Carport", "connector_count": 1})
    assert_abort(result, "charger_added")
