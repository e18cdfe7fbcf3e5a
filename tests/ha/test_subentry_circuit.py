"""Circuit subentry flow: members, parents, cycles, errors, reconfiguring."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.config_entries import SOURCE_USER, ConfigSubentryData
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.flow_helpers import subentry_errors, suggested

ERRORS = subentry_errors("circuit")


def sub(kind: str, title: str, **data: Any) -> ConfigSubentryData:
    return ConfigSubentryData(data=data, subentry_type=kind, title=title, unique_id=None)


@pytest.fixture
def entry(hass: HomeAssistant) -> MockConfigEntry:
    """A hub with a charger, two plugs and no circuit yet."""
    hub = MockConfigEntry(
        domain=DOMAIN,
        title="Home",
        data={"name": "Home", "grid_sensor_a": "sensor.grid"},
        subentries_data=[
            sub("charger", "Garage charger", charge_point_id="CP1", connector_id=1),
            sub("plug", "Heater", switch_entity="switch.heater"),
            sub("plug", "Dryer", switch_entity="switch.dryer"),
        ],
    )
    hub.add_to_hass(hass)
    return hub


def ids(entry: MockConfigEntry) -> dict[str, str]:
    return {s.title: sid for sid, s in entry.subentries.items()}


async def add(hass: HomeAssistant, entry: MockConfigEntry, answers: dict[str, Any]):
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "circuit"), context={"source": SOURCE_USER}
    )
    assert result["step_id"] == "user"
    return await hass.config_entries.subentries.async_configure(result["flow_id"], answers)


async def reconfigure(hass: HomeAssistant, entry: MockConfigEntry, title: str, answers: dict):
    result = await entry.start_subentry_reconfigure_flow(hass, "circuit", ids(entry)[title])
    assert result["step_id"] == "reconfigure"
    return await hass.config_entries.subentries.async_configure(result["flow_id"], answers)


async def test_add_nested_circuits(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "circuit"), context={"source": SOURCE_USER}
    )
    assert "parent" not in result["data_schema"].schema  # no circuit to be part of yet
    members = result["data_schema"].schema["members"].config["options"]
    assert [m["label"] for m in members] == ["Dryer", "Garage charger", "Heater"]

    result = await add(
        hass,
        entry,
        {"name": "Garage", "limit_a": 20, "members": [ids(entry)["Garage charger"]]},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    result = await add(
        hass,
        entry,
        {
            "name": "Utility room",
            "limit_a": 16,
            "parent": ids(entry)["Garage"],
            "members": [ids(entry)["Heater"], ids(entry)["Dryer"]],
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    garage = entry.subentries[ids(entry)["Garage"]]
    assert dict(garage.data) == {
        "name": "Garage",
        "limit_a": 20,
        "parent": None,
        "members": [ids(entry)["Garage charger"]],
    }
    utility = entry.subentries[ids(entry)["Utility room"]]
    assert utility.data["parent"] == ids(entry)["Garage"]
    assert utility.data["members"] == [ids(entry)["Heater"], ids(entry)["Dryer"]]


async def test_circuit_errors(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    result = await add(hass, entry, {"name": "heater", "limit_a": 0})
    assert result["errors"] == {"name": "name_exists", "limit_a": "out_of_range"}
    for error in result["errors"].values():
        assert error in ERRORS


async def test_circuit_cannot_contain_itself(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await add(hass, entry, {"name": "Main", "limit_a": 40})
    await add(hass, entry, {"name": "Garage", "limit_a": 20, "parent": ids(entry)["Main"]})
    await add(hass, entry, {"name": "Carport", "limit_a": 16, "parent": ids(entry)["Garage"]})

    # Main inside its own grandchild, via the parent chain
    result = await reconfigure(
        hass, entry, "Main", {"name": "Main", "limit_a": 40, "parent": ids(entry)["Carport"]}
    )
    assert result["errors"] == {"parent": "circuit_cycle"}
    assert "circuit_cycle" in ERRORS
    # ... or via members: Carport holding Main, which (through Garage) holds Carport
    carport = {"name": "Carport", "limit_a": 16, "parent": ids(entry)["Garage"]}
    result = await reconfigure(hass, entry, "Carport", {**carport, "members": [ids(entry)["Main"]]})
    assert result["errors"] == {"members": "circuit_cycle"}
    # ... or a new circuit that is both inside Main and holding Main
    result = await add(
        hass,
        entry,
        {
            "name": "Loop",
            "limit_a": 10,
            "parent": ids(entry)["Main"],
            "members": [ids(entry)["Main"]],
        },
    )
    assert result["errors"] == {"members": "circuit_cycle"}
    assert "Loop" not in ids(entry)


async def test_circuit_inside_two_circuits(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await add(hass, entry, {"name": "Left", "limit_a": 20})
    await add(hass, entry, {"name": "Right", "limit_a": 20})
    await add(hass, entry, {"name": "Shed", "limit_a": 10, "parent": ids(entry)["Left"]})
    result = await add(
        hass, entry, {"name": "Other", "limit_a": 20, "members": [ids(entry)["Shed"]]}
    )
    assert result["errors"] == {"members": "circuit_two_parents"}
    assert "circuit_two_parents" in ERRORS


async def test_reconfigure_circuit(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    await add(hass, entry, {"name": "Garage", "limit_a": 20, "members": [ids(entry)["Heater"]]})
    garage_id = ids(entry)["Garage"]
    result = await entry.start_subentry_reconfigure_flow(hass, "circuit", garage_id)
    assert suggested(result, "limit_a") == 20
    assert suggested(result, "members") == [ids(entry)["Heater"]]
    members = result["data_schema"].schema["members"].config["options"]
    assert garage_id not in [m["value"] for m in members]  # never offered to itself
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {"name": "Garage", "limit_a": 25, "members": [ids(entry)["Dryer"]]},
    )
    assert result["reason"] == "reconfigure_successful"
    assert entry.subentries[garage_id].data["limit_a"] == 25
    assert entry.subentries[garage_id].data["members"] == [ids(entry)["Dryer"]]


@pytest.mark.parametrize(
    ("answers", "errors"),
    [
        ({"name": " ", "limit_a": 16}, {"name": "required"}),
        ({"name": "Sub", "limit_a": 1001}, {"limit_a": "out_of_range"}),
        ({"name": "Sub", "limit_a": float("nan")}, {"limit_a": "out_of_range"}),
    ],
)
async def test_circuit_field_errors(
    hass: HomeAssistant, entry: MockConfigEntry, answers: dict[str, Any], errors: dict[str, str]
) -> None:
    result = await add(hass, entry, answers)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert all(code in ERRORS for code in errors.values())


async def test_a_member_removed_while_the_form_is_open(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """The form offered the dryer and the garage circuit; they went before the submit."""
    await add(hass, entry, {"name": "Garage", "limit_a": 20})
    dryer, garage = ids(entry)["Dryer"], ids(entry)["Garage"]

    async def open_form() -> Any:
        return await hass.config_entries.subentries.async_init(
            (entry.entry_id, "circuit"), context={"source": SOURCE_USER}
        )

    as_member, as_parent = await open_form(), await open_form()
    hass.config_entries.async_remove_subentry(entry, dryer)
    hass.config_entries.async_remove_subentry(entry, garage)
    answers = {"name": "Utility", "limit_a": 16}
    result = await hass.config_entries.subentries.async_configure(
        as_member["flow_id"], {**answers, "members": [dryer]}
    )
    assert result["errors"] == {"members": "unknown_member"}
    result = await hass.config_entries.subentries.async_configure(
        as_parent["flow_id"], {**answers, "parent": garage}
    )
    assert result["errors"] == {"parent": "unknown_member"}
    assert "unknown_member" in ERRORS
