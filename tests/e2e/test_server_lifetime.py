"""The built-in server outlives a hub reload, but not the hub.

Every change of a load (subentry) reloads the hub; chargers must not be thrown
off the server for that. A new port, a removed hub or a hub that stays unloaded
must free the old port.
"""

from __future__ import annotations

import socket
from datetime import timedelta
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.dynamic_ocpp_evse.const import CONF_OCPP_SERVER_PORT
from custom_components.dynamic_ocpp_evse.ocpp_runtime import KEEP_AFTER_UNLOAD_S
from tests.ha.hub_fixtures import set_grid

from .conftest import builtin_charger, charging_car, dynamic_limits, floors, until


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_a_reload_keeps_the_charger_connected_and_controlled(
    hass: HomeAssistant, make_hub: Any, make_sim: Any
) -> None:
    hub, sim = await charging_car(make_hub, make_sim)
    assert floors(sim)

    assert await hass.config_entries.async_reload(hub.entry.entry_id)
    await hass.async_block_till_done()
    assert hub.entry.state is ConfigEntryState.LOADED

    # the same connection: no reconnect, no new boot
    assert sim.connections == 1 and sim.connected.is_set()
    # and the reloaded hub still drives it: cooking (a 20 A house on every phase, no
    # room for the car's minimum) lowers the limit it sends over the same connection
    sent = len(dynamic_limits(sim))
    before = dynamic_limits(sim)[-1]
    draw = max(a or 0.0 for a in hub.session("CP1").state.connector(1).current_a)
    set_grid(hass, draw + 20.0, draw + 20.0, draw + 20.0)
    await sim.wait_for(lambda: len(dynamic_limits(sim)) > sent, timeout=10)
    assert dynamic_limits(sim)[-1] < before
    assert sim.connections == 1


async def test_a_new_port_moves_the_server(
    hass: HomeAssistant, make_hub: Any, make_sim: Any, port: int
) -> None:
    hub = await make_hub([builtin_charger("CP1")])
    assert not _port_is_free(port)
    new_port = _free_port()
    hass.config_entries.async_update_entry(
        hub.entry, data={**hub.entry.data, CONF_OCPP_SERVER_PORT: new_port}
    )
    await hass.async_block_till_done()
    assert hub.entry.state is ConfigEntryState.LOADED
    await until(lambda: _port_is_free(port))
    assert not _port_is_free(new_port)


async def test_removing_the_hub_frees_its_port_at_once(
    hass: HomeAssistant, make_hub: Any, port: int
) -> None:
    hub = await make_hub([builtin_charger("CP1")])
    assert await hass.config_entries.async_remove(hub.entry.entry_id)
    await hass.async_block_till_done()
    await until(lambda: _port_is_free(port))


async def test_an_unloaded_hub_stops_its_server_after_a_while(
    hass: HomeAssistant, make_hub: Any, make_sim: Any, port: int
) -> None:
    hub = await make_hub([builtin_charger("CP1")])
    sim = make_sim("CP1", auto_reconnect=False)
    await sim.start()
    assert await hass.config_entries.async_unload(hub.entry.entry_id)
    await hass.async_block_till_done()
    assert not _port_is_free(port)  # kept, in case this was a reload

    later = dt_util.utcnow() + timedelta(seconds=KEEP_AFTER_UNLOAD_S + 1)
    async_fire_time_changed(hass, later)
    await hass.async_block_till_done()
    await until(lambda: _port_is_free(port))
    await until(lambda: not sim.connected.is_set())
