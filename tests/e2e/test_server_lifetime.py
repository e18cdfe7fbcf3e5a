"""The built-in server lives exactly as long as its hub is loaded.

Started with the hub entry, stopped cleanly on unload and reload: after an
unload the port is free and the charger is disconnected; after a reload the
charger reconnects, gets its safe floor again and is controlled by the new hub.
"""

from __future__ import annotations

import socket
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant

from custom_components.dynamic_ocpp_evse.const import CONF_OCPP_SERVER_PORT
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


async def test_unloading_the_hub_stops_its_server_cleanly(
    hass: HomeAssistant, make_hub: Any, make_sim: Any, port: int
) -> None:
    hub = await make_hub([builtin_charger("CP1")])
    sim = make_sim("CP1", auto_reconnect=False)
    await sim.start()
    assert not _port_is_free(port)

    assert await hass.config_entries.async_unload(hub.entry.entry_id)
    await hass.async_block_till_done()
    await until(lambda: not sim.connected.is_set())
    await until(lambda: _port_is_free(port))


async def test_after_a_reload_the_charger_reconnects_and_is_controlled_again(
    hass: HomeAssistant, make_hub: Any, make_sim: Any
) -> None:
    hub, sim = await charging_car(make_hub, make_sim)
    floors_before = len(floors(sim))

    assert await hass.config_entries.async_reload(hub.entry.entry_id)
    await hass.async_block_till_done()
    assert hub.entry.state is ConfigEntryState.LOADED

    # the old server closed the connection; the charger is back on the new one
    await sim.wait_for(lambda: sim.connections >= 2 and sim.connected.is_set(), timeout=10)
    await hub.session("CP1").wait_ready()
    await sim.wait_for(lambda: len(floors(sim)) > floors_before, timeout=10)
    # the car goes on charging under the new hub's limit
    await sim.wait_for(lambda: dynamic_limits(sim)[-1] >= 6.0, timeout=10)
    # and the reloaded hub drives it: with the meter at 45 A (a house of at least
    # 29 A beside a car of at most 16 A) there is no room for the car's minimum
    sent = len(dynamic_limits(sim))
    set_grid(hass, 45.0, 45.0, 45.0)
    await sim.wait_for(lambda: len(dynamic_limits(sim)) > sent, timeout=10)
    assert dynamic_limits(sim)[-1] < 6.0


async def test_a_new_port_moves_the_server(hass: HomeAssistant, make_hub: Any, port: int) -> None:
    hub = await make_hub([builtin_charger("CP1")])
    new_port = _free_port()
    hass.config_entries.async_update_entry(
        hub.entry, data={**hub.entry.data, CONF_OCPP_SERVER_PORT: new_port}
    )
    await hass.async_block_till_done()
    assert hub.entry.state is ConfigEntryState.LOADED
    await until(lambda: _port_is_free(port))
    assert not _port_is_free(new_port)
