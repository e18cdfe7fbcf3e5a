"""The per-charger command queue: coalescing, order, timeouts, offline."""

from __future__ import annotations

import asyncio

import pytest

from custom_components.dynamic_ocpp_evse.ocpp_server.command_queue import (
    ChargerOffline,
    CommandFailed,
    CommandQueue,
    CommandTimeout,
)


async def test_latest_command_per_key_wins_and_order_is_kept() -> None:
    queue = CommandQueue("CP", timeout_s=1)
    sent: list[str] = []

    def command(name: str):
        async def run() -> str:
            sent.append(name)
            return name

        return run

    queue.start(held=True)
    first = queue.submit(("profile", 1), command("p1-a"))
    queue.submit("floor", command("floor"))
    again = queue.submit(("profile", 1), command("p1-b"))
    assert again is first  # everybody waits for the newest command
    queue.release()
    assert await first == "p1-b"
    assert sent == ["floor", "p1-b"]
    await queue.stop()


async def test_timeout_and_errors_become_failures() -> None:
    queue = CommandQueue("CP", timeout_s=0.05)
    queue.start()

    async def hang() -> None:
        await asyncio.sleep(10)

    async def boom() -> None:
        raise ValueError("bad")

    with pytest.raises(CommandTimeout):
        await queue.submit("a", hang)
    with pytest.raises(CommandFailed, match="bad"):
        await queue.submit("b", boom)
    await queue.stop()


async def test_offline_fails_fast_and_stop_fails_waiting_commands() -> None:
    queue = CommandQueue("CP", timeout_s=1)

    async def never() -> None:
        await asyncio.sleep(10)

    with pytest.raises(ChargerOffline):
        await queue.submit("a", never)
    queue.start()
    inflight = queue.submit("a", never)
    waiting = queue.submit("b", never)
    await asyncio.sleep(0)
    await queue.stop()
    for fut in (inflight, waiting):
        with pytest.raises(ChargerOffline):
            await fut
