"""The live demo's charger: a simulated two-connector charge point with a car on each.

``python -m tools.demo_charger --url ws://127.0.0.1:9016 --id DEMO-CP`` connects a
``tools.cp_simulator.Simulator`` to the integration's built-in OCPP server (retrying
until Home Assistant is up), waits until the server has sent a charging profile to
every connector (so no car starts unlimited), plugs a car into each connector and
prints a line whenever what a connector draws or may draw changes. The cars report
their meter every ``--meter-interval`` seconds so the dashboard follows quickly.
Stops cleanly on Ctrl+C or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from datetime import datetime

from tools.cp_simulator import Simulator

PROFILE_WAIT_S = 30.0


def connector_line(sim: Simulator) -> str:
    """One line: status, draw and limit of every connector."""
    parts = []
    for n, conn in sim.connectors.items():
        allowed = sim.allowed_a(n)
        limit = "no limit" if allowed is None else f"limit {allowed:4.1f} A"
        parts.append(f"connector {n}: {conn.status:<13} {sim.draw_a(n):4.1f} A ({limit})")
    return " | ".join(parts)


def has_profile(sim: Simulator, connector_id: int) -> bool:
    """True once the central system has sent a profile for this connector (or all)."""
    return any(
        p.get("connectorId") in (0, connector_id) for p in sim.requests("SetChargingProfile")
    )


async def run(args: argparse.Namespace, stop: asyncio.Event) -> None:
    """Connect, plug in the cars, report changes until ``stop`` is set."""
    sim = Simulator(
        args.url,
        args.id,
        connectors=args.connectors,
        car_max_a=args.car_max,
        meter_interval_s=args.meter_interval,
        reconnect_delay_s=2.0,
    )
    await sim.start(wait=False)
    say(f"charger {args.id}: connecting to {sim.url} (retrying until Home Assistant is up)")
    try:
        if not await first_of(sim.connected, stop):
            return
        say(f"charger {args.id}: connected")
        with contextlib.suppress(TimeoutError):
            await sim.wait_for(
                lambda: all(has_profile(sim, n) for n in sim.connectors), timeout=PROFILE_WAIT_S
            )
        for n in sim.connectors:
            await sim.plug_in(n)
        say(f"charger {args.id}: a car is plugged into each connector")
        shown = ""
        while not stop.is_set():
            line = connector_line(sim) if sim.connected.is_set() else "disconnected"
            if line != shown:
                say(f"charger {args.id}: {line}")
                shown = line
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=args.print_interval)
    finally:
        await sim.stop()


async def first_of(wanted: asyncio.Event, stop: asyncio.Event) -> bool:
    """Wait for ``wanted`` or ``stop``; True if ``wanted`` came first."""
    tasks = [asyncio.create_task(wanted.wait()), asyncio.create_task(stop.wait())]
    await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task in tasks:
        task.cancel()
    return wanted.is_set() and not stop.is_set()


def say(text: str) -> None:
    """Print with a time stamp, at once."""
    print(f"{datetime.now():%H:%M:%S} {text}", flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command line options."""
    parser = argparse.ArgumentParser(prog="python -m tools.demo_charger", description=__doc__)
    parser.add_argument("--url", default="ws://127.0.0.1:9016", help="OCPP server base URL")
    parser.add_argument("--id", default="DEMO-CP", help="charge point id")
    parser.add_argument("--connectors", type=int, default=2)
    parser.add_argument("--car-max", type=float, default=16.0, help="each car's own limit, A")
    parser.add_argument("--meter-interval", type=float, default=2.0, help="seconds")
    parser.add_argument("--print-interval", type=float, default=1.0, help="seconds")
    return parser.parse_args(argv)


async def main(argv: list[str] | None = None) -> None:
    """Run until Ctrl+C / SIGTERM."""
    args = parse_args(argv)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await run(args, stop)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
