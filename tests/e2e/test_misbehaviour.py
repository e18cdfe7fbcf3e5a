"""Chargers that do not behave: rejected or ignored profiles, W only, stack level 0,
slow answers."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.hub_fixtures import set_grid
from tools.cp_simulator import Misbehaviour

from .conftest import builtin_charger, dynamic_limits, floors, until

LOAD = "sub_cp1_1"


async def _connected(make_hub: Any, make_sim: Any, bad: Misbehaviour, **sim_kw: Any):
    """CP1 (6 A fixed: 6-6 A) on a hub, connected with the given misbehaviour."""
    hub = await make_hub([builtin_charger("CP1", max_current_a=6.0, failsafe_floor="zero")])
    sim = make_sim("CP1", misbehaviour=bad, **sim_kw)
    await sim.start()
    await hub.session("CP1").wait_ready()
    return hub, sim


async def test_rejected_profiles_show_as_a_fault_until_the_charger_accepts_them(
    hass: HomeAssistant, make_hub: Any, make_sim: Any
) -> None:
    hub, sim = await _connected(make_hub, make_sim, Misbehaviour(reject_profiles=True))
    await sim.plug_in(1)
    await until(lambda: hub.adapter_status(LOAD) == "profile_rejected")
    status = hass.states.get(hub.entity_id("sensor", f"{LOAD}_status"))
    await until(lambda: hub.state("sensor", f"{LOAD}_status") == "fault")
    status = hass.states.get(hub.entity_id("sensor", f"{LOAD}_status"))
    assert status.attributes["adapter_status"] == "profile_rejected"
    assert sim.allowed_a(1) is None  # nothing installed

    sim.misbehaviour.reject_profiles = False  # e.g. after a firmware fix
    await sim.wait_for(lambda: sim.allowed_a(1) == 6.0)
    await until(lambda: hub.adapter_status(LOAD) == "ok")
    assert floors(sim)  # the floor was retried as well


async def test_a_charger_that_accepts_but_ignores_limits_is_non_compliant_and_reset(
    hass: HomeAssistant, make_hub: Any, make_sim: Any
) -> None:
    hub, sim = await _connected(
        make_hub, make_sim, Misbehaviour(ignore_profiles=True), car_max_a=20.0
    )
    await sim.plug_in(1)
    await sim.wait_for(lambda: 6.0 in dynamic_limits(sim))
    # it said Accepted, yet the car draws 20 A; after 3 such meter readings:
    await until(lambda: hub.adapter_status(LOAD) == "non_compliant")
    await until(lambda: hub.state("sensor", f"{LOAD}_status") == "fault")
    issue_id = "charger_non_compliant_builtin_CP1_1"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None and issue.translation_key == "charger_non_compliant"
    await sim.wait_for(lambda: bool(sim.requests("ClearChargingProfile")))
    assert sim.requests("ClearChargingProfile")[0]["connectorId"] == 1
    cleared = next(i for i, r in enumerate(sim.received) if r.action == "ClearChargingProfile")
    await sim.wait_for(
        lambda: sum(r.action == "SetChargingProfile" for r in sim.received[cleared:]) >= 2
    )  # floor and limit installed again after the clear


async def test_a_power_only_charger_gets_its_profiles_in_watts(
    hass: HomeAssistant, make_hub: Any, make_sim: Any
) -> None:
    hub, sim = await _connected(make_hub, make_sim, Misbehaviour(w_only=True))
    await sim.plug_in(1)
    await sim.wait_for(lambda: sim.draw_a(1) == 6.0)
    profiles = [r["csChargingProfiles"] for r in sim.requests("SetChargingProfile")]
    assert {p["chargingSchedule"]["chargingRateUnit"] for p in profiles} == {"W"}
    dynamic = [p for p in profiles if p["chargingProfileId"] == 8011]
    period = dynamic[-1]["chargingSchedule"]["chargingSchedulePeriod"][0]
    assert (period["limit"], period["numberPhases"]) == (6.0 * 230 * 3, 3)
    assert hub.adapter_status(LOAD) == "ok"


async def test_a_stack_level_0_charger_gets_the_floor_and_a_tx_profile_at_level_0(
    hass: HomeAssistant, make_hub: Any, make_sim: Any
) -> None:
    hub, sim = await _connected(make_hub, make_sim, Misbehaviour(max_stack_level=0))
    await sim.wait_for(lambda: bool(floors(sim)))
    assert floors(sim)[-1]["stackLevel"] == 0
    transaction_id = await sim.plug_in(1)
    await sim.wait_for(lambda: sim.draw_a(1) == 6.0)
    profiles = [r["csChargingProfiles"] for r in sim.requests("SetChargingProfile")]
    tx = [p for p in profiles if p["chargingProfilePurpose"] == "TxProfile"]
    assert tx and tx[-1]["stackLevel"] == 0 and tx[-1]["transactionId"] == transaction_id
    assert hub.adapter_status(LOAD) == "ok"


async def test_a_slow_charger_does_not_hold_up_the_others(
    hass: HomeAssistant, make_hub: Any, make_sim: Any
) -> None:
    hub = await make_hub(
        [builtin_charger(cpid, title=cpid, max_current_a=6.0) for cpid in ("SLOW", "FAST")]
    )
    sims = {cpid: make_sim(cpid) for cpid in ("SLOW", "FAST")}
    for cpid, sim in sims.items():
        await sim.start()
        await hub.session(cpid).wait_ready()
        await sim.plug_in(1)
        await sim.wait_for(lambda s=sim: s.allowed_a(1) == 6.0)
    slow, fast = sims["SLOW"], sims["FAST"]
    slow_state = hub.session("SLOW").state.connector(1)
    answered_before = slow_state.profile_sent_at
    slow.misbehaviour.reply_delay_s = 5.0

    set_grid(hass, 40.0, 40.0, 40.0)  # a big overload: both cars must pause
    await fast.wait_for(lambda: fast.allowed_a(1) == 0.0)
    await slow.wait_for(lambda: dynamic_limits(slow)[-1] == 0.0)  # sent, not answered yet
    assert slow_state.profile_sent_at == answered_before  # its answer is still pending
