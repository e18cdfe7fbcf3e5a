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

It also carries what chargers tell the central system to the rest of Home Assistant:
vendor, model, serial number and firmware from a BootNotification onto the devices of
that charger's connectors; one repair issue per charger whose configured connectors
it says it does not have; one repair issue per charger without a password (security
profile 0: anybody on the network can take its place).
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Mapping
from typing import Any, Protocol

from homeassistant.config_entries import SOURCE_INTEGRATION_DISCOVERY, ConfigEntry
from homeassistant.const import EVENT_HOMEASSISTANT_STOP
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryNotReady
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import discovery_flow
from homeassistant.helpers import issue_registry as ir

from .const import (
    BACKEND_BUILTIN,
    CONF_BACKEND,
    CONF_CHARGE_POINT_ID,
    CONF_OCPP_SERVER_CERTFILE,
    CONF_OCPP_SERVER_ENABLED,
    CONF_OCPP_SERVER_HOST,
    CONF_OCPP_SERVER_KEYFILE,
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
from .ocpp_server.tls import TlsSetupError, server_ssl_context, tls_wanted

_LOGGER = logging.getLogger(__name__)

ISSUE_PORT_IN_USE = "ocpp_port_in_use"
ISSUE_CONNECTORS_MISSING = "ocpp_connectors_missing"
ISSUE_NO_PASSWORD = "ocpp_no_password"
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


def charger_subentry_ids(entry: ConfigEntry, cpid: str) -> list[str]:
    """Subentry ids of the built-in charger ``cpid``'s connectors."""
    return [
        sub_id
        for sub_id, sub in entry.subentries.items()
        if sub.subentry_type == SUBENTRY_CHARGER
        and sub.data.get(CONF_BACKEND) == BACKEND_BUILTIN
        and str(sub.data.get(CONF_CHARGE_POINT_ID) or "") == cpid
    ]


def server_options(entry: ConfigEntry) -> ServerOptions:
    """The central system's tunables (the library defaults for now)."""
    return ServerOptions()


class OcppServerRuntime:
    """One hub's central system and its glue to Home Assistant."""

    def __init__(
        self, hass: HomeAssistant, entry: ConfigEntry, ssl_context: ssl.SSLContext | None = None
    ) -> None:
        self.hass = hass
        self.entry = entry
        data: Mapping[str, Any] = entry.data
        self.host = str(data.get(CONF_OCPP_SERVER_HOST) or DEFAULT_OCPP_SERVER_HOST)
        self.requested_port = int(data.get(CONF_OCPP_SERVER_PORT, DEFAULT_OCPP_SERVER_PORT))
        self._coordinator: Recomputer | None = None
        self._identities: dict[str, tuple[str | None, ...]] = {}  # applied to devices
        self._missing: dict[str, frozenset[int]] = {}  # reported in a repair issue
        self.system = CentralSystem(
            self.host,
            self.requested_port,
            known_chargers(entry),
            on_unknown_charger=self._unknown_charger,
            on_state_change=self._state_changed,
            options=server_options(entry),
            ssl_context=ssl_context,
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
        self._password_issues()
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
    def _state_changed(self, cpid: str, state: ChargerState) -> None:
        self._sync_device(cpid, state)
        self._sync_missing(cpid, state)
        if self._coordinator is not None:
            self._coordinator.async_schedule_recompute()

    def _issue_id(self, kind: str, cpid: str) -> str:
        return f"{self.entry.entry_id}_{kind}_{cpid}"

    def _sync_device(self, cpid: str, state: ChargerState) -> None:
        """Vendor, model, serial and firmware from the BootNotification on the devices."""
        identity = (state.vendor, state.model, state.serial, state.firmware)
        if state.vendor is None or self._identities.get(cpid) == identity:
            return
        registry = dr.async_get(self.hass)
        for sub_id in charger_subentry_ids(self.entry, cpid):
            device = registry.async_get_device(identifiers={(DOMAIN, sub_id)})
            if device is None:
                return  # entities not set up yet: the next change applies it
            registry.async_update_device(
                device.id,
                manufacturer=state.vendor,
                model=state.model,
                serial_number=state.serial,
                sw_version=state.firmware,
            )
        self._identities[cpid] = identity

    def _sync_missing(self, cpid: str, state: ChargerState) -> None:
        """One repair issue per charger with configured connectors it does not have."""
        missing = state.missing_connectors
        if self._missing.get(cpid, frozenset()) == missing:
            return
        self._missing[cpid] = missing
        issue_id = self._issue_id(ISSUE_CONNECTORS_MISSING, cpid)
        if not missing:
            ir.async_delete_issue(self.hass, DOMAIN, issue_id)
            return
        number = state.number_of_connectors
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id,
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_CONNECTORS_MISSING,
            translation_placeholders={
                "hub": self.entry.title,
                "charger": cpid,
                "connectors": ", ".join(map(str, sorted(missing))),
                "number": "?" if number is None else str(number),
            },
        )

    def _password_issues(self) -> None:
        """Recommend a password for every built-in charger that has none."""
        registry = ir.async_get(self.hass)
        prefix = self._issue_id(ISSUE_NO_PASSWORD, "")
        wanted = {
            self._issue_id(ISSUE_NO_PASSWORD, cpid): cpid
            for cpid, password in known_chargers(self.entry).items()
            if not password
        }
        for domain, issue_id in list(registry.issues):
            if domain == DOMAIN and issue_id.startswith(prefix) and issue_id not in wanted:
                ir.async_delete_issue(self.hass, DOMAIN, issue_id)
        for issue_id, cpid in wanted.items():
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                issue_id,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key=ISSUE_NO_PASSWORD,
                translation_placeholders={"hub": self.entry.title, "charger": cpid},
            )

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
        prefix = f"{entry.entry_id}_{ISSUE_NO_PASSWORD}_"
        for domain, issue_id in list(ir.async_get(hass).issues):
            if domain == DOMAIN and issue_id.startswith(prefix):
                ir.async_delete_issue(hass, DOMAIN, issue_id)
        return None
    runtime = OcppServerRuntime(hass, entry, await _async_ssl_context(hass, entry))
    await runtime.async_start()
    entry.async_on_unload(runtime.async_stop)
    return runtime


async def _async_ssl_context(hass: HomeAssistant, entry: ConfigEntry) -> ssl.SSLContext | None:
    """The TLS context from the hub's certificate and key files (None: plain ws://).

    Files that cannot be used make the setup not ready (they may be renewed or a share
    mounted later); the flow checks them too, so this is rare.
    """
    certfile = entry.data.get(CONF_OCPP_SERVER_CERTFILE) or None
    keyfile = entry.data.get(CONF_OCPP_SERVER_KEYFILE) or None
    try:
        if not tls_wanted(certfile, keyfile) or certfile is None or keyfile is None:
            return None
        return await hass.async_add_executor_job(server_ssl_context, certfile, keyfile)
    except TlsSetupError as err:
        raise ConfigEntryNotReady(
            translation_domain=DOMAIN,
            translation_key="tls_unusable",
            translation_placeholders={"hub": entry.title, "reason": err.reason},
        ) from None
