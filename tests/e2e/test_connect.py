"""Who may connect to the built-in server, and what a charger gets when it does."""

from __future__ import annotations

import socket
from datetime import timedelta
from typing import Any

from homeassistant.config_entries import SOURCE_INTEGRATION_DISCOVERY, ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed
from websockets.exceptions import InvalidStatus

from custom_components.dynamic_ocpp_evse.const import (
    BACKEND_BUILTIN,
    CONF_BACKEND,
    CONF_CHARGE_POINT_ID,
    CONF_CONNECTOR_COUNT,
    CONF_MAX_CURRENT_A,
    CONF_NAME,
    DEFAULT_OCPP_SERVER_PORT,
    DOMAIN,
)

from .conftest import builtin_charger, floors, until


def _status_code(error: BaseException | None) -> int | None:
    return error.response.status_code if isinstance(error, InvalidStatus) else None


async def test_a_known_charger_connects_and_gets_its_safe_floor(
    hass: HomeAssistant, make_hub: Any, make_sim: Any
) -> None:
    hub = await make_hub([builtin_charger("CP1")])
    sim = make_sim("CP1")
    await sim.start()
    await hub.session("CP1").wait_ready()
    await sim.wait_for(lambda: bool(floors(sim)))

    # permanent floor at the minimum, one stack level below the dynamic profile (2)
    floor = floors(sim)[0]
    assert floor["stackLevel"] == 1 and floor["chargingProfileKind"] == "Relative"
    assert floor["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"] == 6.0
    assert "validTo" not in floor and "duration" not in floor["chargingSchedule"]
    await until(lambda: hub.state("sensor", "sub_cp1_1_connector_status") == "available")
    assert hub.state("binary_sensor", "sub_cp1_1_charger_connected") == "on"
    # nobody plugged in: the load does not ask for power
    assert hub.entry.runtime_data.coordinator.adapters["sub_cp1_1"].read().active is False


async def test_an_unknown_charger_is_refused_discovered_and_accepted_once_added(
    hass: HomeAssistant, make_hub: Any, make_sim: Any
) -> None:
    hub = await make_hub([])
    sim = make_sim("NEW1", connectors=2)
    await sim.start(wait=False)
    await until(lambda: _status_code(sim.last_error) == 404)
    assert not sim.connected.is_set()

    def discovered() -> list[Any]:
        return [
            f
            for f in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
            if f["context"]["source"] == SOURCE_INTEGRATION_DISCOVERY
        ]

    await until(lambda: bool(discovered()))
    (flow,) = discovered()
    assert flow["context"]["title_placeholders"] == {"cpid": "NEW1", "hub": "Home"}
    assert flow["step_id"] == "discovered_charger"

    result = await hass.config_entries.flow.async_configure(
        flow["flow_id"], {CONF_NAME: "Garage", CONF_CONNECTOR_COUNT: 2, CONF_MAX_CURRENT_A: 16}
    )
    assert result["type"] is FlowResultType.ABORT and result["reason"] == "charger_added"
    subentries = hub.entry.subentries.values()
    added = [s for s in subentries if s.data.get(CONF_BACKEND) == BACKEND_BUILTIN]
    assert sorted(s.title for s in added) == ["Garage 1", "Garage 2"]
    assert {s.data[CONF_CHARGE_POINT_ID] for s in added} == {"NEW1"}

    # the hub reloads with the new charger; the charger's next attempt is accepted
    await hass.async_block_till_done()
    await sim.wait_for(sim.connected.is_set, timeout=10)
    await hub.session("NEW1").wait_ready()
    await sim.wait_for(lambda: bool(floors(sim, 1)) and bool(floors(sim, 2)))


async def test_a_wrong_password_is_refused_and_the_right_one_accepted(
    hass: HomeAssistant, make_hub: Any, make_sim: Any
) -> None:
    hub = await make_hub([builtin_charger("CP1", password="s3cret")])
    intruder = make_sim("CP1", password="guess")
    await intruder.start(wait=False)
    await until(lambda: _status_code(intruder.last_error) == 401)
    anonymous = make_sim("CP1")
    await anonymous.start(wait=False)
    await until(lambda: _status_code(anonymous.last_error) == 401)
    assert not hub.session("CP1").state.connected
    await intruder.stop()
    await anonymous.stop()

    owner = make_sim("CP1", password="s3cret")
    await owner.start()
    await hub.session("CP1").wait_ready()
    assert hub.session("CP1").state.connected


async def test_a_taken_port_is_retried_with_a_repair_issue_naming_the_port(
    hass: HomeAssistant, make_hub: Any, port: int
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as blocker:
        blocker.bind(("127.0.0.1", port))
        blocker.listen()
        hub = await make_hub([builtin_charger("CP1")], expect_loaded=False)

    # not ready (Home Assistant retries by itself), not a permanent error
    assert hub.entry.state is ConfigEntryState.SETUP_RETRY
    assert hub.entry.error_reason_translation_key == "port_in_use"
    issue_id = f"{hub.entry.entry_id}_ocpp_port_in_use"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None and issue.translation_placeholders["port"] == str(port)

    # the port is free again: Home Assistant's next retry starts the server
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(minutes=5))
    await until(lambda: hub.entry.state is ConfigEntryState.LOADED)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


def test_the_default_port_is_not_the_ocpp_integrations() -> None:
    assert DEFAULT_OCPP_SERVER_PORT != 9000  # the ocpp integration's default
