"""No entity's state computation can raise: a value that cannot be shown is unknown."""

from __future__ import annotations

import logging
import math
from dataclasses import replace

import pytest
from homeassistant.core import HomeAssistant

from tests.ha.hub_fixtures import (
    HEATER,
    start_hub,
)


async def test_values_that_cannot_be_shown_are_unknown_not_tracebacks(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    entry = (await start_hub(hass)).entry
    coordinator = entry.runtime_data.coordinator
    assert hass.states.get("sensor.home_available_power").state not in ("unknown", "unavailable")

    # A result as broken as it can get: text, infinities, NaN where numbers belong.
    data = coordinator.data
    broken = replace(
        data,
        voltage=math.inf,
        result={
            "site": {
                "headroom_a": {"A": "x", "B": math.inf},
                "remaining_a": {"A": math.inf, "B": math.nan, "C": "y"},
                "import_headroom_w": "z",
            },
            "loads": {},
        },
        site=replace(data.site, grid_a={"A": math.nan, "B": 1e308, "C": 1e308}),
        loads={HEATER: replace(data.loads[HEATER], command={"current_a": "many", "pause_s": "?"})},
    )
    coordinator.settings.get_load(HEATER).priority = "first"  # type: ignore[assignment]
    with caplog.at_level(logging.WARNING):
        coordinator.async_set_updated_data(broken)
        await hass.async_block_till_done()
        coordinator.async_set_updated_data(broken)  # a second time: no new warning
        await hass.async_block_till_done()

    for entity_id in (
        "sensor.home_available_power",
        "sensor.home_headroom_phase_a",
        "sensor.home_headroom_phase_b",
        "sensor.home_headroom_phase_c",
        "sensor.home_grid_power",
        "sensor.heater_allocated_current",
        "number.heater_priority",
    ):
        assert hass.states.get(entity_id).state == "unknown", entity_id
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    warned = [r.getMessage() for r in caplog.records if "cannot be computed" in r.getMessage()]
    assert len(warned) == len(set(warned))  # each entity warns once
    # The hub itself carries on: the next real cycle shows real values again.
    coordinator.settings.get_load(HEATER).priority = 1
    coordinator.async_recompute()
    await hass.async_block_till_done()
    assert hass.states.get("sensor.home_available_power").state != "unknown"
