"""The reported abuse, end to end: a charger on the built-in server sends MeterValues
with Current.Import "1e308", "NaN" and "-50", then 100 A on a 16 A charger. The
server answers, the hub keeps its control loop running with finite figures, the
100 A are not believed (named on the status sensor), and no traceback reaches the
log."""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from ocpp.v16 import call

from .conftest import charging_car, until

LOAD = "sub_cp1_1"


def _sample(phase: str, value: str) -> dict[str, str]:
    return {"measurand": "Current.Import", "phase": phase, "value": value, "unit": "A"}


async def test_absurd_meter_values_are_not_believed_and_nothing_raises(
    hass: HomeAssistant, make_hub: Any, make_sim: Any, caplog: pytest.LogCaptureFixture
) -> None:
    hub, sim = await charging_car(make_hub, make_sim, sim_kw={"meter_interval_s": 3600.0})
    tx = sim.connectors[1].transaction_id
    caplog.clear()
    for values in (("1e308", "NaN", "-50"), ("100", "100", "100")):
        await sim.send(
            call.MeterValues(
                connector_id=1,
                transaction_id=tx,
                meter_value=[
                    {
                        "timestamp": datetime.now(UTC).isoformat(),
                        "sampledValue": [
                            _sample(f"L{leg}", value) for leg, value in enumerate(values, 1)
                        ],
                    }
                ],
            )
        )

    def named() -> bool:
        status = hass.states.get(hub.entity_id("sensor", f"{hub.entry.entry_id}_status"))
        return "CP1" in (status.attributes.get("readings_not_believed") or {})

    await until(named)
    await sim.send(call.Heartbeat())  # the server still answers
    coordinator = hub.entry.runtime_data.coordinator
    coordinator.async_recompute()
    await hass.async_block_till_done()
    available = hass.states.get(hub.entity_id("sensor", f"{hub.entry.entry_id}_available_power"))
    assert math.isfinite(float(available.state))
    assert float(available.state) <= 25 * 230 * 3
    problems = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.ERROR or "Unexpected exception" in r.getMessage()
    ]
    assert problems == []
