"""Who may connect: known charge point ids only, optionally with HTTP Basic auth.

Runs during the websocket handshake (``process_request``), before any OCPP traffic:

* the charge point id is the last segment of the URL path (``ws://host:port/<cpid>``);
* an unknown id is refused with HTTP 404 and reported once per
  ``notify_interval_s`` through ``on_unknown_charger(cpid)`` (Home Assistant starts a
  "new charger found" discovery flow from it);
* a known id with a password requires OCPP security profile 1: HTTP Basic auth whose
  username equals the path id and whose password matches (else HTTP 401);
* a known id without a password is accepted as is (security profile 0).

The websocket server logs every handshake header at debug level; ``WIRE_LOGGER`` (the
logger the server is given) redacts the ``Authorization`` header, so a password never
reaches a log, not even as its base64.
"""

from __future__ import annotations

import asyncio
import hmac
import http
import inspect
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from websockets.asyncio.server import ServerConnection
from websockets.datastructures import Headers
from websockets.exceptions import InvalidHeader
from websockets.headers import build_www_authenticate_basic, parse_authorization_basic
from websockets.http11 import Request, Response

_LOGGER = logging.getLogger(__name__)

OnUnknownCharger = Callable[[str], Any]
REALM = "OCPP"


class RedactAuthorization(logging.Filter):
    """Replaces the value of a logged ``Authorization`` header (``"< %s: %s"`` records)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 2 and str(args[0]).lower() == "authorization":
            record.args = (args[0], "<redacted>")
        return True


WIRE_LOGGER = logging.getLogger(f"{__package__}.websocket")
WIRE_LOGGER.addFilter(RedactAuthorization())


def cpid_from_path(path: str) -> str | None:
    """Return the charge point id at the end of a request path, or None."""
    segments = [seg for seg in urlsplit(path).path.split("/") if seg]
    return unquote(segments[-1]) if segments else None


def basic_credentials(headers: Headers) -> tuple[str, str] | None:
    """Return (username, password) from an Authorization: Basic header, if valid."""
    try:
        return parse_authorization_basic(headers["Authorization"])
    except (KeyError, InvalidHeader):
        return None


class Authenticator:
    """Decides during the handshake whether a charger may connect."""

    def __init__(
        self,
        known: Mapping[str, str | None],
        on_unknown_charger: OnUnknownCharger | None,
        *,
        notify_interval_s: float = 300.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._known = dict(known)
        self._on_unknown = on_unknown_charger
        self._notify_interval_s = notify_interval_s
        self._monotonic = monotonic
        self._notified: dict[str, float] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def known(self) -> dict[str, str | None]:
        """Known charge point ids and their passwords (None: no auth)."""
        return dict(self._known)

    def update_known(self, known: Mapping[str, str | None]) -> None:
        """Replace the known chargers (e.g. after the user added one)."""
        self._known = dict(known)
        for cpid in self._known:
            self._notified.pop(cpid, None)

    def process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        """``process_request`` hook of ``websockets.serve``: None accepts the handshake."""
        cpid = cpid_from_path(request.path)
        if cpid is None:
            return connection.respond(http.HTTPStatus.NOT_FOUND, "No charge point id in path\n")
        if cpid not in self._known:
            _LOGGER.info("Refused unknown charge point %r", cpid)
            self._report_unknown(cpid)
            return connection.respond(http.HTTPStatus.NOT_FOUND, "Unknown charge point\n")
        password = self._known[cpid]
        if password is None:
            return None
        credentials = basic_credentials(request.headers)
        if credentials is None:
            return self._unauthorized(connection, cpid, "Missing credentials\n")
        username, given = credentials
        if username != cpid:
            return self._unauthorized(connection, cpid, "Username does not match the path\n")
        if not hmac.compare_digest(given.encode(), password.encode()):
            return self._unauthorized(connection, cpid, "Invalid credentials\n")
        return None

    def _unauthorized(self, connection: ServerConnection, cpid: str, text: str) -> Response:
        _LOGGER.warning("Refused charge point %r: %s", cpid, text.strip())
        response = connection.respond(http.HTTPStatus.UNAUTHORIZED, text)
        response.headers["WWW-Authenticate"] = build_www_authenticate_basic(REALM)
        return response

    def _report_unknown(self, cpid: str) -> None:
        if self._on_unknown is None:
            return
        now = self._monotonic()
        last = self._notified.get(cpid)
        if last is not None and now - last < self._notify_interval_s:
            return
        self._notified[cpid] = now
        try:
            result = self._on_unknown(cpid)
            if inspect.isawaitable(result):
                task = asyncio.ensure_future(result)
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
        except Exception:
            _LOGGER.exception("on_unknown_charger(%r) failed", cpid)
