"""End-to-end tests of the central system against the simulator over real websockets."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from custom_components.dynamic_ocpp_evse.ocpp_server.command_queue import (
    CommandFailed,
    CommandTimeout,
)
from custom_components.dynamic_ocpp_evse.ocpp_server.options import ServerOptions
from custom_components.dynamic_ocpp_evse.ocpp_server.profiles import ProfileSettings, iso_utc
from custom_components.dynamic_ocpp_evse.ocpp_server.session import CommandRejected
from custom_components.dynamic_ocpp_evse.ocpp_server.state import ChargerState
from tools.cp_simulator import Misbehaviour

from .conftest import FakeClock, until


async def _connected(make_system: Any, make_sim: Any, cpid: str = "CP1", **sim_kw: Any):
    system = make_system({cpid: None})
    await system.start()
    sim = make_sim(cpid, **sim_kw)
    await sim.start()
    session = system.charger(cpid)
    await session.wait_ready()
    return system, sim, session


async def test_boot_status_and_meter_values_reach_the_state(
    make_system: Any, make_sim: Any, clock: FakeClock
) -> None:
    changes: list[bool] = []

    def on_change(cpid: str, state: ChargerState) -> None:
        changes.append(state.connected)

    system = make_system({"CP1": None}, on_state_change=on_change)
    await system.start()
    sim = make_sim("CP1", connectors=2, ramp_a_per_s=100.0)
    await sim.start()
    session = system.charger("CP1")
    await session.wait_ready()
    state = session.state
    assert state.connected and state.vendor == "DynamicOCPP" and state.model == "Simulator"
    assert state.number_of_connectors == 2
    assert state.rate_units == ("A", "W")
    assert state.max_stack_level == 8
    # the central system asked for the measurands and the interval it needs
    assert sim.station.config["MeterValueSampleInterval"] == "1"
    assert "Current.Import" in sim.station.config["MeterValuesSampledData"]

    await sim.plug_in(1)
    await (await session.set_limit(1, 10.0))
    clock.advance(30)
    await sim.send_meter_values(1)
    conn = state.connector(1)
    assert conn.status == "Charging"
    assert conn.transaction_id == sim.connectors[1].transaction_id
    assert conn.current_a == [10.0, 10.0, 10.0]
    assert conn.power_w == pytest.approx(6900.0)
    # 3 x 230 V x 10 A for 30 s = 57.5 Wh (less a 0.1 s ramp), metered in kWh
    assert conn.energy_wh == pytest.approx(57.5, abs=0.5)
    assert conn.session_energy_wh == pytest.approx(57.5, abs=1.0)
    assert state.connector(2).status == "Available"
    assert changes and all(changes)


async def test_set_limit_sends_the_profile_and_the_car_draws_it(
    make_system: Any, make_sim: Any, clock: FakeClock
) -> None:
    _system, sim, session = await _connected(make_system, make_sim, ramp_a_per_s=2.0)
    await sim.plug_in(1)
    settings = ProfileSettings(stack_level=3, validity_s=60, phases=3)
    assert await (await session.set_limit(1, 10.07, settings)) == "Accepted"

    now = clock()
    assert sim.requests("SetChargingProfile")[-1] == {
        "connectorId": 1,
        "csChargingProfiles": {
            "chargingProfileId": 8011,
            "stackLevel": 3,
            "chargingProfilePurpose": "TxDefaultProfile",
            "chargingProfileKind": "Absolute",
            "validFrom": iso_utc(now),
            "validTo": iso_utc(now + timedelta(seconds=60)),
            "chargingSchedule": {
                "startSchedule": iso_utc(now),
                "chargingRateUnit": "A",
                "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 10.0, "numberPhases": 3}],
                "duration": 60,
            },
        },
    }
    assert session.state.connector(1).offered_limit_a == 10.0
    clock.advance(2)
    assert sim.draw_a(1) == pytest.approx(4.0)  # ramping at 2 A/s
    clock.advance(10)
    assert sim.draw_a(1) == pytest.approx(10.0)
    clock.advance(60)  # the short-lived profile expired and no floor was installed
    assert sim.allowed_a(1) is None


async def test_floor_takes_over_when_the_dynamic_profile_expires(
    make_system: Any, make_sim: Any, clock: FakeClock
) -> None:
    _system, sim, session = await _connected(make_system, make_sim, ramp_a_per_s=100.0)
    settings = ProfileSettings(stack_level=2, validity_s=120, floor_a=6.0)
    assert await (await session.install_floor(1, settings)) == "Accepted"
    floor = sim.requests("SetChargingProfile")[-1]["csChargingProfiles"]
    assert (floor["chargingProfileId"], floor["stackLevel"]) == (8013, 1)
    assert "validTo" not in floor
    await sim.plug_in(1)
    await (await session.set_limit(1, 16.0))
    clock.advance(5)
    assert sim.draw_a(1) == 16.0
    clock.advance(120)
    assert sim.draw_a(1) == 6.0
    assert session.state.connector(1).floor_installed


async def test_ten_quick_limits_are_coalesced(make_system: Any, make_sim: Any) -> None:
    _system, sim, session = await _connected(make_system, make_sim)
    before = len(sim.requests("SetChargingProfile"))
    futures = [await session.set_limit(1, 6.0 + i) for i in range(10)]
    results = await asyncio.gather(*futures)
    sent = sim.requests("SetChargingProfile")[before:]
    assert set(results) == {"Accepted"}
    assert 1 <= len(sent) <= 2
    last = sent[-1]["csChargingProfiles"]["chargingSchedule"]["chargingSchedulePeriod"][0]
    assert last["limit"] == 15.0
    assert sim.allowed_a(1) == 15.0


async def test_slow_charger_does_not_delay_a_fast_one(make_system: Any, make_sim: Any) -> None:
    system = make_system({"SLOW": None, "FAST": None})
    await system.start()
    slow = make_sim("SLOW", misbehaviour=Misbehaviour(reply_delay_s=30))
    fast = make_sim("FAST")
    await slow.start()
    await fast.start()
    slow_future = await system.charger("SLOW").set_limit(1, 8.0)
    fast_session = system.charger("FAST")
    await fast_session.wait_ready()
    assert await (await fast_session.set_limit(1, 9.0)) == "Accepted"
    assert fast.allowed_a(1) == 9.0
    assert not slow_future.done()
    await slow.stop()
    with pytest.raises(CommandFailed):
        await slow_future


async def test_no_answer_is_a_timeout(
    make_system: Any, make_sim: Any, options: ServerOptions
) -> None:
    system = make_system({"CP1": None}, options=replace(options, response_timeout_s=0.3))
    await system.start()
    sim = make_sim("CP1", misbehaviour=Misbehaviour(reply_delay_s=5))
    await sim.start()
    session = system.charger("CP1")
    await session.wait_ready()  # configuration timed out, setup went on
    with pytest.raises(CommandTimeout):
        await (await session.set_limit(1, 10.0))
    assert session.state.connector(1).profile_status == "failed"
    assert session.state.connector(1).offered_limit_a is None


async def test_callerror_is_a_failure_not_a_success(make_system: Any, make_sim: Any) -> None:
    _system, sim, session = await _connected(
        make_system, make_sim, misbehaviour=Misbehaviour(call_error_actions={"SetChargingProfile"})
    )
    with pytest.raises(CommandFailed, match="CALLERROR"):
        await (await session.set_limit(1, 10.0))
    assert session.state.connector(1).profile_status == "failed"
    assert session.state.connector(1).offered_limit_a is None


async def test_rejected_profile_is_reported(make_system: Any, make_sim: Any) -> None:
    _system, sim, session = await _connected(
        make_system, make_sim, misbehaviour=Misbehaviour(reject_profiles=True)
    )
    with pytest.raises(CommandRejected) as err:
        await (await session.set_limit(1, 10.0))
    assert err.value.status == "Rejected"
    assert session.state.connector(1).profile_status == "Rejected"
    assert session.state.connector(1).offered_limit_a is None


async def test_w_only_charger_gets_watts(make_system: Any, make_sim: Any) -> None:
    _system, sim, session = await _connected(
        make_system, make_sim, misbehaviour=Misbehaviour(w_only=True)
    )
    assert session.state.rate_units == ("W",)
    await (await session.set_limit(1, 10.0, ProfileSettings(unit="A", phases=3)))
    schedule = sim.requests("SetChargingProfile")[-1]["csChargingProfiles"]["chargingSchedule"]
    assert schedule["chargingRateUnit"] == "W"
    assert schedule["chargingSchedulePeriod"][0]["limit"] == 6900.0
    assert sim.allowed_a(1) == pytest.approx(10.0)


async def test_stack_level_zero_charger_gets_floor_and_tx_profile(
    make_system: Any, make_sim: Any, clock: FakeClock
) -> None:
    _system, sim, session = await _connected(
        make_system, make_sim, misbehaviour=Misbehaviour(max_stack_level=0), ramp_a_per_s=100.0
    )
    settings = ProfileSettings(stack_level=2, floor_a=6.0)
    await (await session.install_floor(1, settings))
    assert await (await session.set_limit(1, 12.0)) == "Deferred"  # no transaction yet
    await sim.plug_in(1)
    await sim.wait_for(lambda: sim.allowed_a(1) == 12.0)
    profile = sim.requests("SetChargingProfile")[-1]["csChargingProfiles"]
    assert profile["chargingProfilePurpose"] == "TxProfile"
    assert profile["stackLevel"] == 0
    assert profile["transactionId"] == sim.connectors[1].transaction_id
    clock.advance(200)  # TxProfile expired: the floor at level 0 remains
    assert sim.allowed_a(1) == 6.0


@pytest.mark.parametrize("boot", [True, False])
async def test_reconnect_resends_floor_and_profile(
    make_system: Any, make_sim: Any, boot: bool
) -> None:
    seen: list[bool] = []
    system = make_system({"CP1": None}, on_state_change=lambda _c, s: seen.append(s.connected))
    await system.start()
    sim = make_sim("CP1", boot_on_reconnect=boot)
    await sim.start()
    session = system.charger("CP1")
    await session.wait_ready()
    await (await session.install_floor(1, ProfileSettings(floor_a=0.0)))
    await (await session.set_limit(1, 12.0))
    await sim.drop_connection(lose_profiles=True)
    assert sim.allowed_a(1) is None
    await sim.wait_for(lambda: sim.allowed_a(1) == 12.0 and sim.connections == 2)
    assert False in seen  # the disconnect was reported
    assert session.state.connected
    assert sim.boots == (2 if boot else 1)
    assert len(sim.profiles.items) == 2  # floor and dynamic profile


async def test_disconnect_marks_charger_offline_and_fails_commands(
    make_system: Any, make_sim: Any
) -> None:
    _system, sim, session = await _connected(make_system, make_sim, auto_reconnect=False)
    await sim.stop()
    await until(lambda: not session.state.connected)
    with pytest.raises(CommandFailed):
        await (await session.set_limit(1, 10.0))


async def test_reset_clears_and_reinstalls(make_system: Any, make_sim: Any) -> None:
    _system, sim, session = await _connected(make_system, make_sim)
    await (await session.install_floor(1, ProfileSettings(floor_a=6.0)))
    await (await session.set_limit(1, 10.0))
    sim.profiles.install(1, _foreign_profile(), sim.clock())
    assert sim.allowed_a(1) == 3.0  # someone else's profile at a high stack level
    await (await session.reset())
    await sim.wait_for(lambda: len(sim.profiles.items) == 2)
    assert sim.requests("ClearChargingProfile")[-1] == {"connectorId": 1}
    assert sorted(i.profile_id for i in sim.profiles.items) == [8011, 8013]
    assert sim.allowed_a(1) == 10.0


def _foreign_profile() -> dict[str, Any]:
    return {
        "chargingProfileId": 1,
        "stackLevel": 8,
        "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Relative",
        "chargingSchedule": {
            "chargingRateUnit": "A",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 3.0}],
        },
    }


async def test_remote_start_and_stop(make_system: Any, make_sim: Any) -> None:
    _system, sim, session = await _connected(make_system, make_sim)
    assert await (await session.remote_start(1, "TAG1")) == "Accepted"
    await until(lambda: session.state.connector(1).transaction_id is not None)
    assert session.state.connector(1).id_tag == "TAG1"
    assert await (await session.remote_stop(1)) == "Accepted"
    await until(lambda: session.state.connector(1).transaction_id is None)
    with pytest.raises(CommandFailed, match="no transaction"):
        await (await session.remote_stop(1))


async def test_authorize_list_refuses_other_tags(
    make_system: Any, make_sim: Any, options: ServerOptions
) -> None:
    system = make_system(
        {"CP1": None}, options=replace(options, authorize_tags=frozenset({"GOOD"}))
    )
    await system.start()
    sim = make_sim("CP1", connectors=2)
    await sim.start()
    assert await sim.plug_in(1, id_tag="BAD") is None
    assert await sim.plug_in(2, id_tag="GOOD") is not None
    state = system.charger("CP1").state
    assert state.connector(1).transaction_id is None
    assert state.connector(2).transaction_id == sim.connectors[2].transaction_id


async def test_accept_but_ignore_shows_in_the_measured_current(
    make_system: Any, make_sim: Any, clock: FakeClock
) -> None:
    _system, sim, session = await _connected(
        make_system, make_sim, misbehaviour=Misbehaviour(ignore_profiles=True), car_max_a=16.0
    )
    await sim.plug_in(1)
    assert await (await session.set_limit(1, 8.0)) == "Accepted"
    clock.advance(30)
    await sim.send_meter_values(1)
    conn = session.state.connector(1)
    assert conn.offered_limit_a == 8.0  # what the charger claims
    assert conn.current_a == [16.0, 16.0, 16.0]  # what it does: the compliance check's input
