"""Commands Home Assistant sends to one charger through its session's queue.

``reset`` (clear profiles, reinstall floor and current limit), ``remote_start``,
``remote_stop`` and ``reboot``: each is queued (one per key, coalesced) and returns a
future with its outcome. Mixed into ``session.ChargePointSession``, which owns the
queue, the connection and what Home Assistant wants per connector.
"""

from __future__ import annotations

import asyncio
from typing import Any

from ocpp.v16 import call
from ocpp.v16.enums import ResetType

from .command_queue import CommandFailed, CommandQueue, CommandRejected
from .options import ServerOptions
from .state import ChargerState


class ChargerCommands:
    """The user-triggered commands of a charger (a mixin of the session)."""

    cpid: str
    state: ChargerState
    options: ServerOptions
    _queue: CommandQueue
    _floors: set[int]
    _desired: dict[int, float]

    @property
    def configured_connectors(self) -> set[int]:
        """Connectors Home Assistant wants to control (the session's)."""
        raise NotImplementedError

    async def _call(self, payload: Any) -> Any:
        raise NotImplementedError

    def _queue_floor(self, connector_id: int) -> asyncio.Future[Any]:
        raise NotImplementedError

    def _queue_profile(self, connector_id: int) -> asyncio.Future[Any]:
        raise NotImplementedError

    async def reset(self, connector_id: int | None = None) -> asyncio.Future[Any]:
        """Clear the charging profiles, reinstall the floor, resend the current profile."""
        targets = [connector_id] if connector_id is not None else sorted(self.configured_connectors)
        targets = [t for t in targets if t not in self.state.missing_connectors]

        async def clear() -> str:
            if not targets:
                await self._call(call.ClearChargingProfile())
            for target in targets:
                await self._call(call.ClearChargingProfile(connector_id=target))
            return "Accepted"

        timeout_s = (len(targets) + 1) * self.options.response_timeout_s + 1
        fut = self._queue.submit(("reset", connector_id), clear, timeout_s=timeout_s)
        for target in targets:
            if target in self._floors:
                self._queue_floor(target)
            if target in self._desired:
                self._queue_profile(target)
        return fut

    async def remote_start(self, connector_id: int, id_tag: str) -> asyncio.Future[Any]:
        """Ask the charger to start a transaction on a connector."""

        async def start() -> str:
            result = await self._call(
                call.RemoteStartTransaction(id_tag=id_tag, connector_id=connector_id)
            )
            if result.status != "Accepted":
                raise CommandRejected("RemoteStartTransaction", str(result.status))
            return str(result.status)

        return self._queue.submit(("remote", connector_id), start)

    async def remote_stop(self, connector_id: int) -> asyncio.Future[Any]:
        """Ask the charger to stop the transaction running on a connector."""

        async def stop() -> str:
            transaction_id = self.state.connector(connector_id).transaction_id
            if transaction_id is None:
                raise CommandFailed(f"no transaction on connector {connector_id}")
            result = await self._call(call.RemoteStopTransaction(transaction_id=transaction_id))
            if result.status != "Accepted":
                raise CommandRejected("RemoteStopTransaction", str(result.status))
            return str(result.status)

        return self._queue.submit(("remote", connector_id), stop)

    async def reboot(self, hard: bool = False) -> asyncio.Future[Any]:
        """Send an OCPP Reset (Soft, or Hard) to the charger."""

        async def reboot() -> str:
            kind = ResetType.hard if hard else ResetType.soft
            result = await self._call(call.Reset(type=kind))
            if result.status != "Accepted":
                raise CommandRejected("Reset", str(result.status))
            return str(result.status)

        return self._queue.submit(("reboot",), reboot)
