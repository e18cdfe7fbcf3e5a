"""What the built-in server tells the user about its chargers: the devices show what the
charger says it is, connectors it does not have are reported once (and left alone), a
charger without a password is flagged."""

from __future__ import annotations

import asyncio
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import issue_registry as ir

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tools.cp_simulator.simulator import FIRMWARE

from .conftest import builtin_charger, dynamic_limits, until


async def test_the_charger_devices_show_vendor_model_serial_and_firmware(
    hass: HomeAssistant, make_hub: Any, make_sim: Any
) -> None:
    hub = await make_hub([builtin_charger("CP1", 1, 2), builtin_charger("CP1", 2, 2)])
    sim = make_sim("CP1", connectors=2)
    await sim.start()
    await hub.session("CP1").wait_ready()
    registry = dr.async_get(hass)

    def device(sub_id: str) -> dr.DeviceEntry:
        found = registry.async_get_device(identifiers={(DOMAIN, sub_id)})
        assert found is not None
        return found

    await until(lambda: device("sub_cp1_2").sw_version == FIRMWARE)
    for sub_id in ("sub_cp1_1", "sub_cp1_2"):
        found = device(sub_id)
        assert found.manufacturer == "DynamicOCPP" and found.model == "Simulator"
        assert found.serial_number == "SIM-CP1" and found.sw_version == FIRMWARE


async def test_a_connector_the_charger_does_not_have_is_one_issue_and_left_alone(
    hass: HomeAssistant, make_hub: Any, make_sim: Any
) -> None:
    """The issue: profiles for connector 2 were resent forever to a charger whose
    GetConfiguration said NumberOfConnectors=1."""
    hub = await make_hub([builtin_charger("CP1", 1, 2), builtin_charger("CP1", 2, 2)])
    sim = make_sim("CP1", connectors=1)
    await sim.start()
    await hub.session("CP1").wait_ready()
    issue_id = f"{hub.entry.entry_id}_ocpp_connectors_missing_CP1"
    await until(lambda: ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders == {
        "hub": "Home",
        "charger": "CP1",
        "connectors": "2",
        "number": "1",
    }
    # connector 1 is controlled as usual; nothing is ever sent for connector 2
    await sim.plug_in(1)
    await sim.wait_for(lambda: any(limit > 0 for limit in dynamic_limits(sim)))
    await asyncio.sleep(3)  # three more control cycles
    sent = sim.requests("SetChargingProfile") + sim.requests("ClearChargingProfile")
    assert sent and all(p.get("connectorId") == 1 for p in sent)
    assert [i for i in ir.async_get(hass).issues if "connectors_missing" in i[1]] == [
        (DOMAIN, issue_id)
    ]


async def test_a_charger_without_password_gets_a_repair_issue(
    hass: HomeAssistant, make_hub: Any
) -> None:
    hub = await make_hub([builtin_charger("OPEN"), builtin_charger("SAFE", password="s3cret")])
    issues = ir.async_get(hass)
    prefix = f"{hub.entry.entry_id}_ocpp_no_password_"
    assert issues.async_get_issue(DOMAIN, prefix + "OPEN") is not None
    assert issues.async_get_issue(DOMAIN, prefix + "SAFE") is None
