"""The central system: a websocket server that hands each charger to its session.

``CentralSystem(host, port, known, on_unknown_charger, on_state_change)`` listens on
``ws://host:port/<cpid>`` (``wss://`` when given an ``ssl_context``: see ``tls``)
with subprotocol ``ocpp1.6`` (chargers that offer no subprotocol are accepted too;
ones that offer only others are refused). Who may
connect is decided by ``security.Authenticator``; what a connected charger does is
handled by its ``session.ChargePointSession``.
"""

from __future__ import annotations

import errno
import itertools
import logging
import ssl
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import NegotiationError
from websockets.typing import Subprotocol

from .command_queue import SendPacer
from .frames import MAX_FRAME_BYTES
from .options import ServerOptions
from .security import WIRE_LOGGER, Authenticator, OnUnknownCharger, cpid_from_path
from .session import ChargePointSession
from .state import ChargerState

_LOGGER = logging.getLogger(__name__)

SUBPROTOCOL = Subprotocol("ocpp1.6")
_TX_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
CLOSE_TIMEOUT_S = 2.0


class PortInUseError(OSError):
    """The configured host/port is already taken by another program."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(errno.EADDRINUSE, f"port {port} on {host} is already in use")
        self.host = host
        self.port = port


def select_subprotocol(
    connection: ServerConnection, offered: Sequence[Subprotocol]
) -> Subprotocol | None:
    """Pick ocpp1.6; accept chargers that offer nothing; refuse other protocols."""
    if SUBPROTOCOL in offered:
        return SUBPROTOCOL
    if offered:
        raise NegotiationError(f"unsupported subprotocols {list(offered)}; need ocpp1.6")
    return None


class CentralSystem:
    """Built-in OCPP 1.6J central system for the known charge points."""

    def __init__(
        self,
        host: str,
        port: int,
        known: Mapping[str, str | None],
        on_unknown_charger: OnUnknownCharger | None = None,
        on_state_change: Callable[[str, ChargerState], None] | None = None,
        *,
        options: ServerOptions | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.host = host
        self._port = port
        self._ssl = ssl_context  # set: wss:// (security profile 2)
        self.options = options or ServerOptions()
        self._on_state_change = on_state_change
        self._auth = Authenticator(
            known, on_unknown_charger, notify_interval_s=self.options.unknown_notify_interval_s
        )
        seed = max(1, int((self.options.clock() - _TX_EPOCH).total_seconds()))
        self._transaction_ids = itertools.count(seed)
        self._pacer = SendPacer(self.options.send_burst)
        self._sessions: dict[str, ChargePointSession] = {}
        self._server: Server | None = None
        for cpid in known:
            self._sessions[cpid] = self._new_session(cpid)

    def _new_session(self, cpid: str) -> ChargePointSession:
        return ChargePointSession(
            cpid,
            options=self.options,
            on_state_change=self._on_state_change,
            transaction_ids=lambda: next(self._transaction_ids),
            pacer=self._pacer,
        )

    @property
    def port(self) -> int:
        """The port actually listened on (useful when started with port 0)."""
        if self._server is not None:
            for sock in self._server.sockets:
                return int(sock.getsockname()[1])
        return self._port

    @property
    def scheme(self) -> str:
        """``wss`` with TLS, else ``ws``."""
        return "wss" if self._ssl is not None else "ws"

    @property
    def running(self) -> bool:
        """True between ``start`` and ``stop``."""
        return self._server is not None

    def charger(self, cpid: str) -> ChargePointSession | None:
        """The session of a known charger (connected or not), None if unknown."""
        return self._sessions.get(cpid)

    @property
    def chargers(self) -> dict[str, ChargePointSession]:
        """All known chargers' sessions by id."""
        return dict(self._sessions)

    async def update_known(self, known: Mapping[str, str | None]) -> None:
        """Change the known chargers; removed ones are disconnected and forgotten."""
        self._auth.update_known(known)
        for cpid in list(self._sessions):
            if cpid not in known:
                session = self._sessions.pop(cpid)
                await session.close()
        for cpid in known:
            if cpid not in self._sessions:
                self._sessions[cpid] = self._new_session(cpid)

    async def start(self) -> None:
        """Start listening; raise ``PortInUseError`` when the port is taken."""
        if self._server is not None:
            return
        try:
            self._server = await serve(
                self._handle,
                self.host,
                self._port,
                subprotocols=[SUBPROTOCOL],
                select_subprotocol=select_subprotocol,
                process_request=self._auth.process_request,
                compression=None,  # OCPP frames are small; deflate only costs CPU
                max_size=MAX_FRAME_BYTES,  # larger: closed with 1009 (message too big)
                close_timeout=CLOSE_TIMEOUT_S,  # a peer that ignores our close is dropped
                ssl=self._ssl,
                logger=WIRE_LOGGER,  # redacts the Authorization header
            )
        except OSError as err:
            if err.errno == errno.EADDRINUSE or "address already in use" in str(err).lower():
                raise PortInUseError(self.host, self._port) from err
            raise
        _LOGGER.info(
            "OCPP central system listening on %s://%s:%s/<cpid>", self.scheme, self.host, self.port
        )

    async def stop(self) -> None:
        """Close every connection and stop listening."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close(close_connections=True)
        await server.wait_closed()
        for session in self._sessions.values():
            await session.close()

    async def _handle(self, connection: ServerConnection) -> None:
        path = connection.request.path if connection.request is not None else ""
        cpid = cpid_from_path(path)
        session = self._sessions.get(cpid) if cpid is not None else None
        if session is None:  # forgotten between handshake and handler
            await connection.close()
            return
        _LOGGER.info("Charge point %s connected (subprotocol %s)", cpid, connection.subprotocol)
        await session.serve(connection)
        _LOGGER.info("Charge point %s disconnected", cpid)
