"""The hub's built-in OCPP central system inside Home Assistant.

Owns the lifetime of one ``CentralSystem`` per hub entry with the server enabled:
started with the entry (host and port from the hub, known charge points and their
passwords from the hub's charger subentries with the built-in backend), stopped on
unload, reload and Home Assistant shutdown. A port that is taken is a translated
``ConfigEntryNotReady`` (Home Assistant retries the setup with back-off, so the hub
starts by itself once the other program frees the port) plus a repair issue naming
the port, not a crash. An unknown charge point that
knocks raises a discovery flow ("New charger found: <id>", see ``flows.discovery``);
every change the central system reports asks the hub's coordinator to recompute
(through its debouncer), which also refreshes the entities.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, Protocol

from homeassistant.config_entries import SOURCE_INTEGRATION_DISCOVERY, ConfigEntry
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import discovery_flow
from homeassistant.helpers import issue_registry as ir

from .const import (
    BACKEND_BUILTIN,
    CONF_BACKEND,
    CONF_CHARGE_POINT_ID,
    CONF_OCPP_SERVER_ENABLED,
    CONF_OCPP_SERVER_HOST,
    CONF_OCPP_SERVER_PORT,
    CONF_PASSWORD,
    DEFAULT_OCPP_SERVER_HOST,
    DEFAULT_OCPP_SERVER_PORT,
    DOMAIN,
    SUBENTRY_CHARGER,
)
from .ocpp_server.options import ServerOptions
from .ocpp_server.server import CentralSystem, PortInUseError
from .ocpp_server.state import ChargerState

_LOGGER = logging.getLogger(__name__)

ISSUE_PORT_IN_USE = "ocpp_port_in_use"
DISCOVERY_HUB = "hub_entry_id"  # discovery data: which hub's server the charger knocked at


class Recomputer(Protocol):
    """What the runtime needs from the hub's coordinator."""

    def async_schedule_recompute(self) -> None:
        """Recompute soon (debounced)."""


def known_chargers(entry: ConfigEntry) -> dict[str, str | None]:
    """Charge point id -> password (None: no auth) of the hub's built-in chargers."""
    known: dict[str, str | None] = {}
    for sub in entry.subentries.values():
        if sub.subentry_type != SUBENTRY_CHARGER or sub.data.get(CONF_BACKEND) != BACKEND_BUILTIN:
            continue
        cpid = str(sub.data.get(CONF_CHARGE_POINT_ID) or "")
        if not cpid:
            continue
        password = sub.data.get(CONF_PASSWORD) or None
        if known.get(cpid) is None:
            known[cpid] = password
    return known


def port_issue_id(entry: ConfigEntry) -> str:
    """The repair issue id for this hub's taken port (removed with the hub)."""
    return f"{entry.entry_id}_{ISSUE_PORT_IN_USE}"


def server_options(entry: ConfigEntry) -> ServerOptions:
    """The central system's tunables (the library defaults for now)."""
    return ServerOptions()


class OcppServerRuntime:
    """One hub's central system and its glue to Home Assistant."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        self.hass = hass
        self.entry = entry
        data: Mapping[str, Any] = entry.data
        self.host = str(data.get(CONF_OCPP_SERVER_HOST) or DEFAULT_OCPP_SERVER_HOST)
        self.requested_port = int(data.get(CONF_OCPP_SERVER_PORT, DEFAULT_OCPP_SERVER_PORT))
        self._coordinator: Recomputer | None = None
        self.system = CentralSystem(
            self.host,
            self.requested_port,
            known_chargers(entry),
            on_unknown_charger=self._unknown_charger,
            on_state_change=self._state_changed,
            options=server_options(entry),
        )

    @property
    def port(self) -> int:
        """The port listened on."""
        return self.system.port

    def attach(self, coordinator: Recomputer) -> None:
        """From now on, charger changes make this coordinator recompute."""
        self._coordinator = coordinator

    async def async_start(self) -> None:
        """Listen; a taken port becomes a repair issue and ``ConfigEntryNotReady``."""
        try:
            await self.system.start()
        except PortInUseError as err:
            placeholders = {
                "hub": self.entry.title,
                "host": self.host,
                "port": str(self.requested_port),
            }
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                port_issue_id(self.entry),
                is_fixable=False,
                severity=ir.IssueSeverity.ERROR,
                translation_key=ISSUE_PORT_IN_USE,
                translation_placeholders=placeholders,
            )
            raise ConfigEntryNotReady(
                translation_domain=DOMAIN,
                translation_key="port_in_use",
                translation_placeholders=placeholders,
            ) from err
        ir.async_delete_issue(self.hass, DOMAIN, port_issue_id(self.entry))
        self.entry.async_on_unload(
            self.hass.bus.async_listen_once(EVENT_HOMEASSISTANT_STOP, self._on_stop)
        )

    async def async_stop(self) -> None:
        """Close every charger connection and stop listening (idempotent)."""
        self._coordinator = None
        await self.system.stop()

    async def _on_stop(self, _event: Event) -> None:
        await self.async_stop()

    @callback
    def _state_changed(self, _cpid: str, _state: ChargerState) -> None:
        if self._coordinator is not None:
            self._coordinator.async_schedule_recompute()

    @callback
    def _unknown_charger(self, cpid: str) -> None:
        _LOGGER.info(
            "Unknown charge point %r tried to connect to %s; offering to add it",
            cpid,
            self.entry.title,
        )
        discovery_flow.async_create_flow(
            self.hass,
            DOMAIN,
            context={"source": SOURCE_INTEGRATION_DISCOVERY},
            data={DISCOVERY_HUB: self.entry.entry_id, CONF_CHARGE_POINT_ID: cpid},
        )


async def async_start_ocpp_server(
    hass: HomeAssistant, entry: ConfigEntry
) -> OcppServerRuntime | None:
    """Start the hub's central system when enabled; stop it with the entry."""
    if not entry.data.get(CONF_OCPP_SERVER_ENABLED):
        ir.async_delete_issue(hass, DOMAIN, port_issue_id(entry))
        return None
    runtime = OcppServerRuntime(hass, entry)
    await runtime.async_start()
    entry.async_on_unload(runtime.async_stop)
    return runtime
