"""A two-connector charger on the built-in server: concurrent and sequential units."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant

from .conftest import builtin_charger, dynamic_limits, until


def _last(sim: Any, connector: int) -> float | None:
    limits = dynamic_limits(sim, connector)
    return limits[-1] if limits else None


async def _unit(make_hub: Any, make_sim: Any, *, concurrent: bool):
    connectors = [
        builtin_charger("CP2", n, 2, priority=n, concurrent=concurrent, unit_max_a=16.0)
        for n in (1, 2)
    ]
    hub = await make_hub(connectors)
    sim = make_sim("CP2", connectors=2)
    await sim.start()
    await hub.session("CP2").wait_ready()
    return hub, sim


async def test_a_concurrent_unit_shares_its_limit_between_both_cars(
    hass: HomeAssistant, make_hub: Any, make_sim: Any
) -> None:
    hub, sim = await _unit(make_hub, make_sim, concurrent=True)
    await sim.plug_in(1)
    await sim.plug_in(2)

    # both charge at once ...
    await sim.wait_for(lambda: sim.draw_a(1) > 0 and sim.draw_a(2) > 0)

    # ... towards an even split of the 16 A unit (shared distribution), ramping up
    def split_evenly() -> bool:
        commands = [hub.command(f"sub_cp2_{n}") for n in (1, 2)]
        return all(c is not None and c["target_a"] == 8.0 for c in commands)

    await until(split_evenly)
    for n in (1, 2):
        await until(lambda n=n: _last(sim, n) == hub.command(f"sub_cp2_{n}")["current_a"])
    assert (_last(sim, 1) or 0) + (_last(sim, 2) or 0) <= 16.0
    assert max(dynamic_limits(sim, 1) + dynamic_limits(sim, 2)) <= 8.0


async def test_a_sequential_unit_charges_one_car_at_a_time(
    hass: HomeAssistant, make_hub: Any, make_sim: Any
) -> None:
    hub, sim = await _unit(make_hub, make_sim, concurrent=False)
    await sim.plug_in(1)
    await sim.wait_for(lambda: (_last(sim, 1) or 0) > 0)
    await sim.plug_in(2)

    def second_waits() -> bool:
        command = hub.command("sub_cp2_2")
        return command is not None and command["reason"].startswith("sequential")

    await until(second_waits)
    await sim.wait_for(lambda: _last(sim, 2) == 0.0 and (_last(sim, 1) or 0) > 0)
    assert sim.draw_a(2) == 0.0 and sim.draw_a(1) > 0

    # the first car leaves: the second one gets the unit
    await sim.unplug(1)
    await sim.wait_for(lambda: (_last(sim, 2) or 0) > 0 and _last(sim, 1) == 0.0)
    await sim.wait_for(lambda: sim.draw_a(2) > 0)
