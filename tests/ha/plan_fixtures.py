"""A hub with one charger for the plan tests: the charger in solar mode, a car
plugged in, no solar at all (so nothing charges without a plan)."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.hub_fixtures import (
    HUB_DATA,
    cars_plugged_in,
    charger,
    make_entry,
    setup_hub,
)
from tests.ha.test_ocpp_adapter_standin import OcppStandIn, stand_in

SUB = "sub_charger"
PRICES = "sensor.nordpool_kwh_se3"

SOC = "sensor.car_battery_level"


async def plan_hub(
    hass: HomeAssistant,
    *,
    prices: str | None = PRICES,
    entry_id: str | None = None,
    charger_data: dict[str, Any] | None = None,
    hub_data: dict[str, Any] | None = None,
    wait: bool = True,
) -> tuple[OcppStandIn, MockConfigEntry]:
    """The hub set up (``charger_data`` added to the charger's subentry data,
    ``hub_data`` to the hub's); ``wait``: for the background tasks started at setup
    (the first price and forecast requests)."""
    fake = await stand_in(hass)
    cars_plugged_in(hass, fake, ("cp1",))
    sub = charger()
    sub["data"] = {**sub["data"], "mode": "solar", **(charger_data or {})}
    data = {**HUB_DATA, "price_entity": prices} if prices else dict(HUB_DATA)
    data.update(hub_data or {})
    entry = make_entry(hass, data=data, plugs=False, extra=[sub], entry_id=entry_id)
    await setup_hub(hass, entry)
    await hass.async_block_till_done(wait_background_tasks=wait)
    return fake, entry


def car_draws(fake: OcppStandIn, amps: float) -> None:
    """The car draws ``amps`` on each of its three phases."""
    ids = fake._ids("cp1", 1)
    fake.set_state(ids["status.connector"], "Charging" if amps > 0 else "SuspendedEVSE")
    fake.set_state(ids["current.import"], amps, L1=amps, L2=amps, L3=amps)


def entity_id(hass: HomeAssistant, domain: str, key: str, sub: str = SUB) -> str:
    """The entity id of one of the charger's entities (``sub``: which charger)."""
    found = er.async_get(hass).async_get_entity_id(domain, DOMAIN, f"{sub}_{key}")
    assert found is not None, f"{domain} {key}"
    return found
