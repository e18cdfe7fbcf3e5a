"""Load test of the built-in OCPP central system: 100 chargers on one CentralSystem.

Run: ``.venv/bin/python benchmarks/ocpp_load.py [--chargers 100] [--rounds 5]``

The central system and a 10 ms ticker run in this process; the simulated chargers run
in a child process (its own event loop, so their work does not count as our lag).
Each charger has a car charging, so MeterValues flow during the test. Each round
calls ``set_limit`` on every charger at once. Printed: connect time, event-loop lag
(maximum lateness of the 10 ms ticker) while connecting and during the rounds, the
time from ``set_limit`` to the profile arriving at the simulator (p50/p95/max, via
the system-wide monotonic clock), whether every charger got every profile, and the
machine. ``--same-process`` runs the simulators in this loop too (worst case).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from custom_components.dynamic_ocpp_evse.ocpp_server.options import ServerOptions  # noqa: E402
from custom_components.dynamic_ocpp_evse.ocpp_server.profiles import (  # noqa: E402
    ProfileSettings,
)
from custom_components.dynamic_ocpp_evse.ocpp_server.server import CentralSystem  # noqa: E402
from tools.cp_simulator import Received, Simulator  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ids(count: int) -> list[str]:
    return [f"LOAD{n:03d}" for n in range(count)]


class Ticker:
    """Measures event-loop lag: how late a 10 ms sleep wakes up.

    ``lags`` is wall-clock lateness (includes time the OS gave the CPU to other
    processes); ``busy`` is the CPU time this thread spent during the late part, i.e.
    how long our own code kept the loop from running the ticker.
    """

    def __init__(self, period_s: float = 0.01) -> None:
        self.period_s = period_s
        self.lags: list[float] = []
        self.busy: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            before, cpu_before = time.monotonic(), time.thread_time()
            await asyncio.sleep(self.period_s)
            lag = time.monotonic() - before - self.period_s
            self.lags.append(lag)
            self.busy.append(min(lag, max(0.0, time.thread_time() - cpu_before)))

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    def take(self) -> tuple[list[float], list[float]]:
        lags, busy, self.lags, self.busy = self.lags, self.busy, [], []
        return lags, busy

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)


# ------------------------------------------------------------------ simulator side
async def run_simulators(port: int, count: int, lines: asyncio.Queue[str] | None) -> list[Any]:
    """Start ``count`` simulators; return arrivals when told (stdin 'dump' or queue)."""
    arrivals: list[tuple[str, float, float]] = []
    sims: list[Simulator] = []
    for cpid in ids(count):
        sim = Simulator(f"ws://127.0.0.1:{port}", cpid, connectors=1, ramp_a_per_s=100.0)

        def on_request(item: Received, cpid: str = cpid) -> None:
            if item.action == "SetChargingProfile":
                period = item.payload["csChargingProfiles"]["chargingSchedule"][
                    "chargingSchedulePeriod"
                ][0]
                arrivals.append((cpid, float(period["limit"]), time.monotonic()))

        sim.on_request = on_request
        sims.append(sim)
    await asyncio.gather(*(sim.start(timeout=60) for sim in sims))
    await asyncio.gather(*(sim.plug_in(1) for sim in sims))
    if lines is None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, sys.stdin.readline)
    else:
        await lines.get()
    await asyncio.gather(*(sim.stop() for sim in sims))
    return arrivals


def worker_main(port: int, count: int) -> None:
    arrivals = asyncio.run(run_simulators(port, count, None))
    print(json.dumps(arrivals), flush=True)


# ---------------------------------------------------------------- central system
def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def machine() -> str:
    model = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.release()}, {model}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )


async def main(args: argparse.Namespace) -> int:
    port = free_port()
    chargers = ids(args.chargers)
    system = CentralSystem(
        "127.0.0.1",
        port,
        dict.fromkeys(chargers),
        options=ServerOptions(meter_interval_s=10, send_burst=args.burst),
    )
    ticker = Ticker()
    ticker.start()
    await asyncio.sleep(3)
    idle_lag = ticker.take()  # the machine's noise floor: nothing else runs yet
    await system.start()
    started = time.monotonic()
    lines: asyncio.Queue[str] = asyncio.Queue()
    if args.same_process:
        sim_task = asyncio.get_running_loop().create_task(
            run_simulators(port, args.chargers, lines)
        )
    else:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--worker",
            str(port),
            "--chargers",
            str(args.chargers),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert proc.stdout is not None and proc.stdin is not None
        child_in, child_out = proc.stdin, proc.stdout
    sessions = [system.charger(cpid) for cpid in chargers]
    await asyncio.gather(*(s.wait_ready(timeout=120) for s in sessions if s is not None))
    connect_s = time.monotonic() - started
    await asyncio.sleep(2)  # let the cars start and meter values flow
    connect_lag = ticker.take()

    settings = ProfileSettings(stack_level=2, validity_s=120, floor_a=None)
    sent: dict[tuple[str, float], float] = {}
    failures = 0
    cpu_round: list[float] = []
    for rnd in range(args.rounds):
        cpu_before = time.process_time()
        limit = 6.0 + rnd + 0.5
        futures = []
        for cpid, session in zip(chargers, sessions, strict=True):
            assert session is not None
            sent[(cpid, limit)] = time.monotonic()
            futures.append(await session.set_limit(1, limit, settings))
            if args.spread:
                await asyncio.sleep(args.spread / len(chargers))
        results = await asyncio.gather(*futures, return_exceptions=True)
        failures += sum(1 for r in results if r != "Accepted")
        cpu_round.append(time.process_time() - cpu_before)
        await asyncio.sleep(args.pause)
    round_lag = ticker.take()

    if args.same_process:
        await lines.put("dump")
        arrivals = await sim_task
    else:
        child_in.write(b"dump\n")
        await child_in.drain()
        out = b""
        while True:
            line = await child_out.readline()
            if not line:
                break
            out = line
        arrivals = json.loads(out)
        await proc.wait()
    await ticker.stop()
    await system.stop()

    latency = [at - sent[(c, lim)] for c, lim, at in arrivals if (c, lim) in sent]
    last = 6.0 + args.rounds - 1 + 0.5
    got_last = {c for c, lim, _ in arrivals if lim == last}
    offered_ok = sum(1 for s in sessions if s and s.state.connector(1).offered_limit_a == last)
    print(f"machine: {machine()}, load average {os.getloadavg()[0]:.1f} at start")
    print(f"chargers: {args.chargers}, rounds: {args.rounds} (all at once), pause {args.pause}s")
    print(f"simulators: {'same process' if args.same_process else 'child process'}")
    print(f"all connected and set up in {connect_s:.2f} s")
    for name, (wall, busy) in (
        ("idle (noise floor)", idle_lag),
        ("while connecting", connect_lag),
        ("during rounds", round_lag),
    ):
        print(
            f"event-loop lag {name:<19} wall max {max(wall) * 1000:6.1f} ms "
            f"p99 {pct(wall, 0.99) * 1000:5.1f} ms | our CPU max {max(busy) * 1000:5.1f} ms "
            f"p99 {pct(busy, 0.99) * 1000:5.1f} ms"
        )
    print(
        f"set_limit -> profile at simulator: p50 {pct(latency, 0.5) * 1000:.1f} ms, "
        f"p95 {pct(latency, 0.95) * 1000:.1f} ms, max {max(latency) * 1000:.1f} ms "
        f"({len(latency)} profiles)"
    )
    print(
        f"last limit arrived at {len(got_last)}/{args.chargers} simulators, "
        f"accepted by {offered_ok}/{args.chargers}; failed commands: {failures}"
    )
    print(
        f"central-system CPU per round of {args.chargers} profiles: "
        f"{statistics.median(cpu_round) * 1000:.0f} ms (median), "
        f"i.e. {statistics.median(cpu_round) / args.chargers * 1000:.2f} ms per profile"
    )
    return 0 if len(got_last) == args.chargers and failures == 0 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chargers", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between rounds")
    parser.add_argument("--same-process", action="store_true")
    parser.add_argument("--spread", type=float, default=0.0, help="spread a round over s")
    parser.add_argument("--burst", type=int, default=10, help="ServerOptions.send_burst")
    parser.add_argument("--sync-validation", action="store_true")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        worker_main(options.worker, options.chargers)
    else:
        if options.sync_validation:
            import ocpp.messages

            ocpp.messages.ASYNC_VALIDATION = False
        sys.exit(asyncio.run(main(options)))
