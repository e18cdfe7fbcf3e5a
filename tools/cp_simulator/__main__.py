"""Command line: connect one simulated charger to a central system and print what happens.

Example: ``python -m tools.cp_simulator --url ws://127.0.0.1:9016 --id CP1 --connectors 2
--plug 1 --plug 2``. Stop with Ctrl+C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from .models import Misbehaviour, Received
from .simulator import Simulator


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command line options."""
    parser = argparse.ArgumentParser(prog="python -m tools.cp_simulator", description=__doc__)
    parser.add_argument("--url", default="ws://127.0.0.1:9016", help="central system base URL")
    parser.add_argument("--id", default="SIM1", help="charge point id (path of the URL)")
    parser.add_argument("--connectors", type=int, default=2)
    parser.add_argument("--password", help="HTTP Basic auth password (security profile 1)")
    parser.add_argument("--plug", type=int, action="append", default=[], help="plug in a car")
    parser.add_argument("--meter-interval", type=float, help="override MeterValueSampleInterval")
    parser.add_argument("--ramp", type=float, default=2.0, help="car ramp, A per second")
    parser.add_argument("--car-max", type=float, default=32.0, help="car's own limit, A")
    parser.add_argument("--phases", type=int, default=3, help="phases the car draws on")
    parser.add_argument(
        "--phase-switching", action="store_true", help="follow numberPhases (1/3-phase switching)"
    )
    parser.add_argument("--reject-profiles", action="store_true")
    parser.add_argument("--ignore-profiles", action="store_true", help="accept but ignore")
    parser.add_argument("--w-only", action="store_true", help="only W schedules")
    parser.add_argument("--max-stack-level", type=int, default=8)
    parser.add_argument("--reply-delay", type=float, default=0.0, help="answer this late, s")
    parser.add_argument("--print-interval", type=float, default=5.0)
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser.parse_args(argv)


async def main(args: argparse.Namespace) -> None:
    """Run the simulator until interrupted."""
    sim = Simulator(
        args.url,
        args.id,
        connectors=args.connectors,
        password=args.password,
        ramp_a_per_s=args.ramp,
        car_max_a=args.car_max,
        car_phases=args.phases,
        meter_interval_s=args.meter_interval,
        misbehaviour=Misbehaviour(
            reject_profiles=args.reject_profiles,
            ignore_profiles=args.ignore_profiles,
            w_only=args.w_only,
            max_stack_level=args.max_stack_level,
            reply_delay_s=args.reply_delay,
        ),
    )

    sim.station.honours_phases = args.phase_switching

    def show(item: Received) -> None:
        print(f"<- {item.action} {item.payload}", flush=True)

    sim.on_request = show
    await sim.start(wait=False)
    try:
        await sim.wait_for(sim.connected.is_set, timeout=60)
        print(f"connected to {sim.url}", flush=True)
        for connector_id in args.plug:
            await sim.plug_in(connector_id)
        while True:
            await asyncio.sleep(args.print_interval)
            parts = []
            for n in sim.connectors:
                allowed = sim.allowed_a(n)
                shown = "none" if allowed is None else f"{allowed:.1f} A"
                parts.append(
                    f"#{n} {sim.connectors[n].status} draw {sim.draw_a(n):.1f} A (limit {shown})"
                )
            print(" | ".join(parts), flush=True)
    finally:
        await sim.stop()


if __name__ == "__main__":
    options = parse_args()
    logging.basicConfig(level=logging.INFO if options.verbose else logging.WARNING)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(options))
