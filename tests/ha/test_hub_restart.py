"""A reload or a restart in the middle of a pause, a grace period or an overload hold.

What matters for safety comes back as it was: a plug stopped for power stays off
until its pause would have ended, a solar plug in its grace period keeps running
until the grace would have ended, and a charger gets its floor profile again
before any dynamic profile.
"""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.hub_fixtures import (
    PLUG1_SWITCH,
    PLUG2_SWITCH,
    PUMP,
    SiteModel,
    advance,
    charger,
    make_entry,
    set_grid,
    set_solar,
    settle,
    setup_hub,
    start_hub,
    switch_calls,
)
from tests.ha.test_ocpp_adapter_standin import stand_in


async def _start(hass: HomeAssistant, solar_w: float = 0.0, **kw: Any) -> tuple[Any, Any, Any]:
    hub = await start_hub(hass, SiteModel(hass, solar_w=solar_w), **kw)
    return hub.entry, hub.site, hub.calls


def _on(hass: HomeAssistant, entity_id: str) -> bool:
    return hass.states.get(entity_id).state == "on"


async def _reload(hass: HomeAssistant, entry: Any) -> None:
    assert await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()


async def test_a_reload_during_a_pause_keeps_the_plug_off_until_it_ends(
    hass: HomeAssistant, freezer: Any
) -> None:
    entry, site, calls = await _start(hass)
    assert _on(hass, PLUG2_SWITCH)  # the pump (continuous, phase B) runs
    site.house_a["B"] = 26.0  # phase B over the 25 A breaker: the pump must go
    site.publish()
    await settle(hass)
    assert not _on(hass, PLUG2_SWITCH)
    site.house_a["B"] = 2.0  # the house is quiet again at once
    site.publish()
    await advance(hass, freezer, 30)
    assert not _on(hass, PLUG2_SWITCH)  # 180 s pause after a stop for power

    await _reload(hass, entry)
    await advance(hass, freezer, 100)
    assert not _on(hass, PLUG2_SWITCH)
    assert hass.states.get("sensor.pump_status").state == "paused"
    pause_s = hass.states.get("sensor.pump_status").attributes["pause_s"]
    assert 0 < pause_s <= 180 - 130

    await advance(hass, freezer, 60)
    assert _on(hass, PLUG2_SWITCH)  # the pause ended when it would have without the reload
    assert switch_calls(calls)[-1] == ("turn_on", PLUG2_SWITCH)


async def test_a_reload_during_a_grace_period_keeps_the_plug_running_until_it_ends(
    hass: HomeAssistant, freezer: Any
) -> None:
    _entry, site, _calls = await _start(hass, solar_w=6000.0)
    assert _on(hass, PLUG1_SWITCH)  # the heater (solar) runs on the surplus
    site.solar_w = 0.0
    site.publish()
    await advance(hass, freezer, 60)
    assert _on(hass, PLUG1_SWITCH)
    assert hass.states.get("sensor.heater_status").state == "grace"

    await _reload(hass, _entry)
    await advance(hass, freezer, 120)
    assert _on(hass, PLUG1_SWITCH)  # still within its 300 s of grace
    assert hass.states.get("sensor.heater_status").state == "grace"
    await advance(hass, freezer, 150)
    assert not _on(hass, PLUG1_SWITCH)  # and off once the grace ran out


async def test_a_restart_during_a_pause_keeps_the_plug_off(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: Any
) -> None:
    """The state saved before the restart (30 s ago, 120 s of pause left) is honoured."""
    saved_at = dt_util.utcnow().timestamp() - 30
    hass_storage[f"{DOMAIN}.hub1.controller"] = {
        "version": 1,
        "minor_version": 1,
        "key": f"{DOMAIN}.hub1.controller",
        "data": {
            "saved_at": dt_util.utc_from_timestamp(saved_at).isoformat(),
            "snapshot": {
                "version": 1,
                "loads": {
                    PUMP: {
                        "commanded_a": 0.0,
                        "pause_s": 120.0,
                        "stopped_for_power": True,
                        "grace_s": None,
                    }
                },
                "battery": {"above_min": False, "at_target": False, "spare_ok": False},
                "overload_floor": {},
            },
        },
    }
    _entry, _site, calls = await _start(hass, entry_id="hub1")
    assert not _on(hass, PLUG2_SWITCH)
    await advance(hass, freezer, 80)
    assert not _on(hass, PLUG2_SWITCH)  # 90 s were left
    await advance(hass, freezer, 20)
    assert _on(hass, PLUG2_SWITCH)
    assert switch_calls(calls).count(("turn_on", PLUG2_SWITCH)) == 1


async def test_a_damaged_stored_state_starts_fresh(
    hass: HomeAssistant, hass_storage: dict[str, Any]
) -> None:
    hass_storage[f"{DOMAIN}.hub1.controller"] = {
        "version": 1,
        "minor_version": 1,
        "key": f"{DOMAIN}.hub1.controller",
        "data": {"saved_at": "yesterday", "snapshot": {"loads": "many"}},
    }
    await _start(hass, entry_id="hub1")
    assert _on(hass, PLUG2_SWITCH)
    assert hass.states.get("sensor.home_status").state == "ok"


async def test_after_a_reload_the_floor_goes_out_before_any_dynamic_profile(
    hass: HomeAssistant,
) -> None:
    fake = await stand_in(hass)
    ids = fake.add_charger("cp1")[1]
    fake.set_state(ids["status.connector"], "Charging")
    fake.set_state(ids["current.import"], 10.0, L1=10.0, L2=10.0, L3=10.0)
    fake.set_state(ids["current.offered"], 10.0)
    set_grid(hass, 12.0, 12.0, 12.0)
    set_solar(hass, 0.0)
    entry = make_entry(hass, plugs=False, extra=[charger()])
    await setup_hub(hass, entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    floor_id = fake.profiles()[0][1]["chargingProfileId"]
    assert len({p["chargingProfileId"] for _, p in fake.profiles()}) == 2

    sent = len(fake.profiles())
    await _reload(hass, entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    after = [p["chargingProfileId"] for _, p in fake.profiles()[sent:]]
    assert after[0] == floor_id
    assert len(after) >= 2 and after[1] != floor_id
