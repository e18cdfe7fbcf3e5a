"""Clock jumps (the wall clock set back or forward by hours) neither end a pause at once
nor make it last forever; a charger's limit is still renewed after the clock went back.

Pauses, grace periods and back-off run on a monotonic clock; only the charger profile
pacing works in wall-clock time (profiles carry wall-clock times), and it treats a
clock that went backwards as "last send of unknown age".
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.dynamic_ocpp_evse.adapters.pacing import SendPacer
from tests.ha.hub_fixtures import (
    PLUG2_SWITCH,
    settle,
    start_hub,
)
from tests.ha.test_ocpp_adapter_standin import START


class Monotonic:
    """The hub's monotonic clock, moved by hand (the wall clock jumps separately)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def _tick(hass: HomeAssistant, freezer: Any, mono: Monotonic, wall_jump_s: float) -> None:
    """5 s pass for real while the wall clock is set by ``wall_jump_s`` more.

    The hub's periodic cycle runs on the event loop's (monotonic) clock, which a
    wall-clock jump does not move; the test harness cannot separate the two, so the
    cycle is run directly.
    """
    mono.now += 5.0
    freezer.move_to(dt_util.utcnow() + timedelta(seconds=5.0 + wall_jump_s))
    hass.config_entries.async_entries("dynamic_ocpp_evse")[
        0
    ].runtime_data.coordinator.async_recompute()
    await hass.async_block_till_done()


async def test_wall_clock_jumps_neither_end_nor_stretch_a_pause(
    hass: HomeAssistant, freezer: Any
) -> None:
    hub = await start_hub(hass)
    entry, site = hub.entry, hub.site
    mono = Monotonic()
    entry.runtime_data.coordinator._clock = mono
    site.house_a["B"] = 26.0  # an overload stops the pump: a 180 s pause
    site.publish()
    await settle(hass)
    site.house_a["B"] = 2.0
    site.publish()
    await _tick(hass, freezer, mono, 0)

    def pause_left() -> float:
        return float(hass.states.get("sensor.pump_status").attributes["pause_s"])

    start = pause_left()
    assert 160 < start <= 180
    await _tick(hass, freezer, mono, 3 * 3600)  # forwards by 3 h
    assert hass.states.get(PLUG2_SWITCH).state == "off"
    assert pause_left() == start - 5
    await _tick(hass, freezer, mono, -6 * 3600)  # back by 6 h
    assert pause_left() == start - 10
    for _ in range(40):
        await _tick(hass, freezer, mono, 0)
    assert hass.states.get(PLUG2_SWITCH).state == "on"  # it ended after its 180 s


def test_a_limit_is_renewed_and_raised_after_the_clock_went_back() -> None:
    pacer = SendPacer(validity_s=120, min_send=timedelta(seconds=15))
    pacer.sent(10.0, START)
    back = START - timedelta(hours=2)
    # Without care these would wait two hours: the limit would expire onto the floor.
    assert pacer.due(10.0, back + timedelta(seconds=60))
    assert pacer.due(16.0, back)
    pacer.sent(16.0, back)
    assert not pacer.due(16.0, back + timedelta(seconds=10))  # fresh again, counted anew
