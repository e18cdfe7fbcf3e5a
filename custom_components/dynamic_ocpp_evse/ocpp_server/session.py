"""One known charge point across its connections: commands, setup on connect, resend.

A ``ChargePointSession`` exists for every known charger from the start, connected or
not. It remembers what Home Assistant wants (limit, profile settings and floor per
connector), so that on every (re)connect it can read the charger's configuration,
set the meter values it needs, reinstall the floor and resend the current profile.

Every outgoing request goes through the charger's ``CommandQueue``; the public
command methods return as soon as the command is queued and hand back a future with
the outcome (``"Accepted"`` or a ``CommandFailed`` subclass).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ocpp.exceptions import OCPPError
from ocpp.v16 import call
from websockets.exceptions import ConnectionClosed

from .capabilities import CONFIG_KEYS, adapt, floor_profile, record_configuration, wanted_changes
from .charge_point import CentralSystemChargePoint
from .command_queue import (
    ChargerOffline,
    CommandFailed,
    CommandQueue,
    CommandRejected,
    CommandTimeout,
    ConnectorMissing,
    SendPacer,
)
from .commands import ChargerCommands
from .options import ServerOptions
from .profiles import ProfileSettings, offered_limit_a
from .state import ChargerState

_LOGGER = logging.getLogger(__name__)
__all__ = ["ChargePointSession", "CommandRejected", "ConnectorMissing"]


def _address(connection: Any) -> str:
    """``host:port`` of a connection's peer (``?`` when unknown)."""
    try:
        host, port = connection.remote_address[:2]
    except (AttributeError, TypeError, ValueError):
        return "?"
    return f"{host}:{port}"


def _names_connector(err: CommandFailed, connector_id: int) -> bool:
    """A CALLERROR refusing a request because of its connector id."""
    cause = err.__cause__
    if not isinstance(cause, OCPPError) or cause.code not in _CONNECTOR_ERRORS:
        return False
    text = f"{cause.description} {cause.details}".lower()
    return "connector" in text


_CONNECTOR_ERRORS = {"PropertyConstraintViolation", "OccurenceConstraintViolation", "NotSupported"}


class ChargePointSession(ChargerCommands):
    """A known charger: its state, its queue and what we want it to do."""

    def __init__(
        self,
        cpid: str,
        *,
        options: ServerOptions,
        on_state_change: Callable[[str, ChargerState], None] | None,
        transaction_ids: Callable[[], int],
        pacer: SendPacer | None = None,
    ) -> None:
        self.cpid = cpid
        self.options = options
        self.state = ChargerState(cpid)
        self._on_state_change = on_state_change
        self._transaction_ids = transaction_ids
        self._pacer = pacer or SendPacer(options.send_burst)
        self._queue = CommandQueue(cpid, timeout_s=options.response_timeout_s + 1)
        self._cp: CentralSystemChargePoint | None = None
        self._connection: Any = None
        self._detached = asyncio.Event()
        self._detached.set()
        self._boot = asyncio.Event()
        self._ready = asyncio.Event()
        self._setup_task: asyncio.Task[None] | None = None
        self._settings: dict[int, ProfileSettings] = {}
        self._desired: dict[int, float] = {}
        self._floors: set[int] = set()
        self._attach_lock = asyncio.Lock()
        self._complaints: set[str] = set()  # kinds of misbehaviour logged on this connection

    # ----------------------------------------------------------- SessionHooks
    def next_transaction_id(self) -> int:
        return self._transaction_ids()

    def notify(self) -> None:
        if self._on_state_change is None:
            return
        try:
            self._on_state_change(self.cpid, self.state)
        except Exception:
            _LOGGER.exception("%s: state change callback failed", self.cpid)

    def booted(self) -> None:
        self._boot.set()
        if self._setup_task is not None and self._setup_task.done() and self._cp is not None:
            self._start_setup()  # rebooted without reconnecting: profiles may be gone

    def transaction_started(self, connector_id: int) -> None:
        if connector_id in self._desired and self.effective(connector_id).kind == "tx":
            self._queue_profile(connector_id)

    def complain(self, kind: str, message: str, *args: Any) -> None:
        level = logging.DEBUG if kind in self._complaints else logging.WARNING
        self._complaints.add(kind)
        _LOGGER.log(level, message, *args)

    # ------------------------------------------------------------- connection
    @property
    def queue(self) -> CommandQueue:
        """The charger's command queue (read-only use: diagnostics, tests)."""
        return self._queue

    @property
    def ready(self) -> bool:
        """Connected and set up (configuration read, floor and profiles queued)."""
        return self._ready.is_set()

    async def wait_ready(self, timeout: float = 10.0) -> None:
        """Wait until connected and set up (TimeoutError otherwise)."""
        async with asyncio.timeout(timeout):
            await self._ready.wait()

    async def serve(self, connection: Any) -> None:
        """Run one websocket connection of this charger until it closes.

        A new connection with the same id replaces the live one (OCPP: a charger that
        lost its link without the server noticing reconnects like that). Without a
        password anybody on the network can do this, so it is logged at warning with
        both remote addresses.
        """
        async with self._attach_lock:
            old = self._connection
            if old is not None:
                _LOGGER.warning(
                    "%s: a new connection from %s replaces the live one from %s",
                    self.cpid,
                    _address(connection),
                    _address(old),
                )
                await old.close()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(5):
                        await self._detached.wait()
                if self._connection is old:  # did not detach in time: forget it anyway
                    await self._detach(self._cp)
            cp = self._attach(connection)
        try:
            await cp.start()
        except Exception as err:  # ConnectionClosed and friends
            _LOGGER.debug("%s: connection ended: %r", self.cpid, err)
        finally:
            await self._detach(cp)

    def _attach(self, connection: Any) -> CentralSystemChargePoint:
        cp = CentralSystemChargePoint(self.cpid, connection, self)
        self._cp, self._connection = cp, connection
        self._complaints.clear()
        self._detached.clear()
        self._boot.clear()
        self.state.connected = True
        self.state.booted = False
        self.state.last_seen = self.options.clock()
        self._queue.start(held=True)
        self._start_setup()
        self.notify()
        return cp

    async def _detach(self, cp: CentralSystemChargePoint | None) -> None:
        if cp is None or self._cp is not cp:
            return
        self._cp, self._connection = None, None
        self._ready.clear()
        if self._setup_task is not None:
            self._setup_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._setup_task
            self._setup_task = None
        await self._queue.stop(ChargerOffline(f"{self.cpid} disconnected"))
        self.state.connected = False
        for conn in self.state.connectors.values():
            conn.floor_installed = False
        self._detached.set()
        self.notify()

    async def close(self) -> None:
        """Close the connection, if any, and wait until it is gone."""
        if self._connection is not None:
            await self._connection.close()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(5):
                    await self._detached.wait()

    def _start_setup(self) -> None:
        self._ready.clear()
        self._queue.start(held=True)
        self._setup_task = asyncio.get_running_loop().create_task(
            self._setup(), name=f"ocpp-setup-{self.cpid}"
        )

    async def _setup(self) -> None:
        """After boot (or a grace period): read/set configuration, floor, resend, release."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.options.boot_wait_s):
                await self._boot.wait()
        try:
            await self._read_configuration()
            await self._apply_configuration()
        except CommandFailed as err:
            _LOGGER.warning("%s: configuration on connect failed: %s", self.cpid, err)
        self._check_connectors()
        for connector_id in sorted(self._floors):
            self._queue_floor(connector_id)
        for connector_id in sorted(self._desired):
            self._queue_profile(connector_id)
        self._queue.release()
        self._ready.set()
        self.notify()

    async def _call(self, payload: Any) -> Any:
        """Send one request; CALLERROR and timeouts become ``CommandFailed``."""
        cp = self._cp
        if cp is None:
            raise ChargerOffline(f"{self.cpid} is not connected")
        await self._pacer.turn()
        try:
            async with asyncio.timeout(self.options.response_timeout_s):
                await cp.idle.wait()
                # we build every request ourselves (tests check them against the schema
                # at the simulator); validating them again here only costs CPU
                return await cp.call(payload, suppress=False, skip_schema_validation=True)
        except OCPPError as err:
            raise CommandFailed(f"{type(payload).__name__}: CALLERROR {err!r}") from err
        except TimeoutError as err:
            raise CommandTimeout(f"{type(payload).__name__}: no answer") from err
        except (ConnectionError, ConnectionClosed) as err:
            raise ChargerOffline(f"{self.cpid} disconnected") from err
        except Exception as err:  # an answer that does not fit the request (or worse)
            raise CommandFailed(f"{type(payload).__name__}: unusable answer {err!r}") from err

    async def _read_configuration(self) -> None:
        result = await self._call(call.GetConfiguration(key=list(CONFIG_KEYS)))
        record_configuration(self.state, result.configuration_key or [])

    async def _apply_configuration(self) -> None:
        for key, value in wanted_changes(self.state, self.options).items():
            result = await self._call(call.ChangeConfiguration(key=key, value=value))
            if result.status in ("Accepted", "RebootRequired"):
                self.state.configuration[key] = value
            else:
                _LOGGER.warning("%s: ChangeConfiguration %s: %s", self.cpid, key, result.status)

    # ------------------------------------------------------------- connectors
    @property
    def configured_connectors(self) -> set[int]:
        """Connectors Home Assistant wants to control on this charger."""
        return set(self._settings) | set(self._desired) | self._floors

    def _check_connectors(self) -> None:
        """After reading the configuration: which configured connectors do not exist."""
        number = self.state.number_of_connectors
        missing = (
            frozenset(c for c in self.configured_connectors if c > number)
            if number is not None
            else frozenset()
        )
        self._set_missing(missing)

    def _set_missing(self, missing: frozenset[int]) -> None:
        if missing == self.state.missing_connectors:
            return
        new = sorted(missing - self.state.missing_connectors)
        if new:
            _LOGGER.warning(
                "%s: connector(s) %s are configured but the charger says it does not have"
                " them (NumberOfConnectors %s); nothing is sent to them",
                self.cpid,
                ", ".join(map(str, new)),
                self.state.number_of_connectors,
            )
        self.state.missing_connectors = missing
        self.notify()

    def _missing(self, connector_id: int) -> asyncio.Future[Any] | None:
        """An already failed future when ``connector_id`` does not exist, else None."""
        if connector_id not in self.state.missing_connectors:
            return None
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        fut.add_done_callback(lambda done: done.exception())
        fut.set_exception(ConnectorMissing(f"{self.cpid} has no connector {connector_id}"))
        return fut

    # --------------------------------------------------------------- profiles
    def configure(self, connector_id: int, settings: ProfileSettings) -> None:
        """Remember how to build this connector's profiles."""
        self._settings[connector_id] = settings
        self.state.connector(connector_id)

    def effective(self, connector_id: int) -> ProfileSettings:
        """This connector's settings adapted to what the charger reported."""
        return adapt(self._settings.get(connector_id, self.options.profile_defaults), self.state)

    async def set_limit(
        self, connector_id: int, limit_a: float, settings: ProfileSettings | None = None
    ) -> asyncio.Future[Any]:
        """Queue the profile for ``limit_a`` (coalesced); return its outcome's future."""
        if settings is not None:
            self.configure(connector_id, settings)
        self._desired[connector_id] = limit_a
        return self._queue_profile(connector_id)

    async def install_floor(
        self, connector_id: int, settings: ProfileSettings | None = None
    ) -> asyncio.Future[Any]:
        """Queue the permanent safe floor (and reinstall it on every reconnect)."""
        if settings is not None:
            self.configure(connector_id, settings)
        self._floors.add(connector_id)
        return self._queue_floor(connector_id)

    def _queue_profile(self, connector_id: int) -> asyncio.Future[Any]:
        if (missing := self._missing(connector_id)) is not None:
            return missing
        return self._queue.submit(
            ("profile", connector_id), lambda: self._send_profile(connector_id)
        )

    def _queue_floor(self, connector_id: int) -> asyncio.Future[Any]:
        if (missing := self._missing(connector_id)) is not None:
            return missing
        return self._queue.submit(("floor", connector_id), lambda: self._send_floor(connector_id))

    async def _send_floor(self, connector_id: int) -> str:
        profile = floor_profile(connector_id, self.effective(connector_id))
        if profile is None:
            return "NoFloor"
        status = await self._set_profile(connector_id, profile)
        self.state.connector(connector_id).floor_installed = status == "Accepted"
        self.notify()
        if status != "Accepted":
            raise CommandRejected("floor profile", status)
        return status

    async def _send_profile(self, connector_id: int) -> str:
        limit_a = self._desired.get(connector_id)
        if limit_a is None:
            return "NoLimit"
        settings = self.effective(connector_id)
        conn = self.state.connector(connector_id)
        transaction_id = conn.transaction_id
        if settings.kind == "tx" and transaction_id is None:
            if settings.stack_level == 0 and settings.floor_a is not None:
                return "Deferred"  # only the floor applies until a transaction starts
            settings = replace(settings, kind="tx_default")
        profile = settings.build(
            connector_id, limit_a, now=self.options.clock(), transaction_id=transaction_id
        )
        status = await self._set_profile(connector_id, profile)
        conn.profile_status = status
        conn.profile_sent_at = self.options.clock()
        if status == "Accepted":
            conn.offered_limit_a = offered_limit_a(limit_a, settings.min_a)
        self.notify()
        if status != "Accepted":
            raise CommandRejected("charging profile", status)
        return status

    async def _set_profile(self, connector_id: int, profile: dict[str, Any]) -> str:
        if connector_id in self.state.missing_connectors:  # found out while it waited
            raise ConnectorMissing(f"{self.cpid} has no connector {connector_id}")
        try:
            result = await self._call(
                call.SetChargingProfile(connector_id=connector_id, cs_charging_profiles=profile)
            )
        except CommandFailed as err:
            self.state.connector(connector_id).profile_status = "failed"
            if _names_connector(err, connector_id):
                self._set_missing(self.state.missing_connectors | {connector_id})
            raise
        return str(result.status)
