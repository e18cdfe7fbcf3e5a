"""A hub with one planned charger in Stockholm on 2 March 2026, and the recorded price
and forecast samples of ``fixtures/plan_inputs`` (written for these tests in the
shapes the integrations publish: see docs/plans.md, "Prices and forecast")."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from custom_components.dynamic_ocpp_evse.coordinator import HubCoordinator
from tests.ha.plan_fixtures import SUB, entity_id, plan_hub
from tests.ha.test_ocpp_adapter_standin import OcppStandIn

FIXTURES = Path(__file__).parent / "fixtures" / "plan_inputs"
TIME_ZONE = "Europe/Stockholm"
START = "2026-03-02 09:00:00+00:00"  # 10:00 in Stockholm, on a slot boundary
STOCKHOLM_HOUR = timedelta(hours=1)  # UTC+1 in March


def sample(name: str) -> Any:
    """One recorded sample (JSON)."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def local(hour: float, day: int = 2) -> datetime:
    """A moment in Stockholm on ``day`` March 2026, in UTC."""
    return datetime.fromisoformat(f"2026-03-0{day}T00:00:00+01:00") + timedelta(hours=hour)


async def planned_hub(
    hass: HomeAssistant, extra: dict[str, Any] | None = None, *, wait: bool = True
) -> OcppStandIn:
    """A charger in solar mode, car plugged in, no sun: it charges only what a plan asks.

    ``wait``: until the first price and forecast requests are answered."""
    await hass.config.async_set_time_zone(TIME_ZONE)
    fake, _ = await plan_hub(hass, prices=None, hub_data=extra, wait=wait)
    return fake


def coordinator(hass: HomeAssistant) -> HubCoordinator:
    """The hub's coordinator."""
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    result: HubCoordinator = entry.runtime_data.coordinator
    return result


async def set_plan(
    hass: HomeAssistant, energy_kwh: float, departure: datetime, sub: str = SUB
) -> None:
    """Energy by a departure, as a user sets it through the action (``sub``: on
    which charger)."""
    reg = er.async_get(hass).async_get(entity_id(hass, "sensor", "status", sub))
    assert reg is not None
    await hass.services.async_call(
        DOMAIN,
        "set_plan",
        {
            "device_id": reg.device_id,
            "energy_kwh": energy_kwh,
            "departure": dt_util.as_local(departure).strftime("%H:%M:%S"),
        },
        blocking=True,
    )


def plan_status(hass: HomeAssistant) -> Any:
    """The plan status sensor (its ``slots`` attribute is the plan a dashboard plots)."""
    return hass.states.get(entity_id(hass, "sensor", "plan_status"))


def charging_slots(hass: HomeAssistant) -> list[dict[str, Any]]:
    """The plan's slots that draw from the grid."""
    return [s for s in plan_status(hass).attributes["slots"] if s["grid_w"] > 0]
