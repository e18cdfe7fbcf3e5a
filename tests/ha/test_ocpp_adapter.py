"""What the OCPP integration adapter sends: profiles, floors, units, timing of sends."""

from __future__ import annotations

import pytest
from homeassistant.core import HomeAssistant

from custom_components.dynamic_ocpp_evse.const import (
    CONF_FAILSAFE_FLOOR,
    CONF_PHASES,
    CONF_PROFILE_KIND,
    CONF_RATE_UNIT,
    CONF_STACK_LEVEL,
    CONF_VALIDITY,
)
from tests.ha.test_ocpp_adapter_standin import (
    Clock,
    OcppStandIn,
    command,
    make_adapter,
    stand_in,
)


@pytest.fixture
async def fake(hass: HomeAssistant) -> OcppStandIn:
    """The ocpp integration with one idle single-connector charger CP1."""
    fake = await stand_in(hass)
    ids = fake.add_charger("CP1")[1]
    fake.set_state(ids["status.connector"], "Available")
    fake.set_state(ids["current.import"], 0.0)
    fake.set_state(ids["current.offered"], 0.0)
    return fake


def _schedule(limit: float, unit: str = "A", phases: int = 3) -> dict:
    return {
        "chargingRateUnit": unit,
        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": limit, "numberPhases": phases}],
    }


async def test_setup_installs_a_permanent_floor_below_the_dynamic_stack_level(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    adapter = make_adapter(hass, Clock(), **{CONF_STACK_LEVEL: 3})
    await adapter.async_setup()

    (call,) = fake.calls("set_charge_rate")
    assert (call["devid"], call["conn_id"]) == ("CP1", 1)
    assert "limit_amps" not in call and "limit_watts" not in call
    assert fake.profiles() == [
        (
            1,
            {
                "chargingProfileId": 8013,
                "stackLevel": 2,
                "chargingProfilePurpose": "TxDefaultProfile",
                "chargingProfileKind": "Relative",
                "chargingSchedule": _schedule(6.0),
            },
        )
    ]
    assert adapter.status == "unconfirmed"  # sent; nothing shows it is in force yet


async def test_zero_floor_pauses_the_charger_when_we_are_gone(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    adapter = make_adapter(hass, Clock(), **{CONF_FAILSAFE_FLOOR: "zero"})
    await adapter.async_setup()

    assert fake.limits() == [0.0]


async def test_absolute_dynamic_profile_carries_its_validity_window(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    adapter = make_adapter(hass, Clock())
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))

    conn_id, profile = fake.profiles()[-1]
    assert conn_id == 1
    assert profile == {
        "chargingProfileId": 8011,
        "stackLevel": 2,
        "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Absolute",
        "validFrom": "2026-01-01T11:59:00Z",  # a minute early: for chargers that lag
        "validTo": "2026-01-01T12:02:00Z",
        "chargingSchedule": {
            "startSchedule": "2026-01-01T11:59:00Z",
            "duration": 180,
            **_schedule(10.0),
        },
    }


async def test_relative_dynamic_profile_has_a_duration_and_no_timestamps(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    adapter = make_adapter(hass, Clock(), **{CONF_VALIDITY: "relative"})
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))

    _, profile = fake.profiles()[-1]
    assert profile == {
        "chargingProfileId": 8011,
        "stackLevel": 2,
        "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Relative",
        "chargingSchedule": {"duration": 120, **_schedule(10.0)},
    }


async def test_tx_profile_is_bound_to_the_running_transaction(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    ids = fake.entities["CP1"][1]
    adapter = make_adapter(hass, Clock(), **{CONF_PROFILE_KIND: "tx"})
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))
    assert len(fake.profiles()) == 1  # only the floor: no transaction to bind to

    fake.set_state(ids["transaction.id"], 42)
    await adapter.async_apply(command(10.0, send=False))

    _, profile = fake.profiles()[-1]
    assert profile["chargingProfilePurpose"] == "TxProfile"
    assert profile["transactionId"] == 42
    assert profile["chargingProfileId"] == 8012


async def test_nothing_is_sent_while_nothing_changes_until_the_refresh(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    clock = Clock()
    adapter = make_adapter(hass, clock)
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))
    sent = len(fake.profiles())

    for i in range(9):  # 45 s of unchanged commands, some of them flagged send
        clock.advance(5)
        await adapter.async_apply(command(10.0, send=i % 2 == 0))
    assert len(fake.profiles()) == sent

    clock.advance(5)  # 50 s: refreshed before half of the 120 s validity has elapsed
    await adapter.async_apply(command(10.0, send=False))
    assert len(fake.profiles()) == sent + 1
    assert fake.profiles()[-1][1]["validTo"] == "2026-01-01T12:02:50Z"


async def test_an_increase_waits_for_the_minimum_send_interval(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    clock = Clock()
    adapter = make_adapter(hass, clock)
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))

    clock.advance(5)
    await adapter.async_apply(command(12.0))
    clock.advance(5)
    await adapter.async_apply(command(14.0))
    assert fake.limits()[-1] == 10.0

    clock.advance(5)  # 15 s after the last send; the controller does not repeat itself
    await adapter.async_apply(command(14.0, send=False))
    assert fake.limits()[-1] == 14.0


async def test_a_decrease_is_sent_at_once(hass: HomeAssistant, fake: OcppStandIn) -> None:
    clock = Clock()
    adapter = make_adapter(hass, clock)
    await adapter.async_setup()
    await adapter.async_apply(command(16.0))

    clock.advance(1)
    await adapter.async_apply(command(8.0))

    assert fake.limits()[-2:] == [16.0, 8.0]


async def test_below_minimum_is_a_pause_and_limits_round_down(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    clock = Clock()
    adapter = make_adapter(hass, clock)
    await adapter.async_setup()
    for target in (10.37, 6.04, 5.99, 2.0):
        clock.advance(20)
        await adapter.async_apply(command(target))

    assert fake.limits()[1:] == [10.3, 6.0, 0.0]  # 2.0 A is the same pause: not re-sent


async def test_watt_limits_are_amps_times_voltage_times_phases(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    adapter = make_adapter(hass, Clock(), **{CONF_RATE_UNIT: "W", CONF_PHASES: ["B"]})
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))

    floor, dynamic = (profile["chargingSchedule"] for _, profile in fake.profiles())
    assert floor["chargingRateUnit"] == dynamic["chargingRateUnit"] == "W"
    assert floor["chargingSchedulePeriod"][0]["limit"] == 1380.0  # 6 A x 230 V x 1
    assert dynamic["chargingSchedulePeriod"][0]["limit"] == 2300.0


async def test_a_charger_that_only_takes_watts_gets_watts(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    fake.config["ChargingScheduleAllowedChargingRateUnit"] = "Power"
    adapter = make_adapter(hass, Clock(), **{CONF_RATE_UNIT: "A"})
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))

    assert {"devid": "CP1", "ocpp_key": "ChargingScheduleAllowedChargingRateUnit"} in fake.calls(
        "get_configuration"
    )
    _, profile = fake.profiles()[-1]
    assert profile["chargingSchedule"]["chargingRateUnit"] == "W"
    assert fake.limits()[-1] == 6900.0  # 10 A x 230 V x 3


async def test_stack_level_is_capped_by_what_the_charger_supports(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    fake.config["ChargeProfileMaxStackLevel"] = "1"
    adapter = make_adapter(hass, Clock(), **{CONF_STACK_LEVEL: 5})
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))

    assert [profile["stackLevel"] for _, profile in fake.profiles()] == [0, 1]


async def test_no_floor_when_the_charger_has_room_for_one_profile_only(
    hass: HomeAssistant, fake: OcppStandIn
) -> None:
    fake.config["MaxChargingProfilesInstalled"] = "1"
    adapter = make_adapter(hass, Clock())
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))

    assert [profile["chargingProfileId"] for _, profile in fake.profiles()] == [8011]


async def test_connectors_of_one_charger_never_share_a_profile_id(
    hass: HomeAssistant,
) -> None:
    fake = await stand_in(hass)
    ids = fake.add_charger("CP2", connectors=2)
    for conn in (1, 2):
        fake.set_state(ids[conn]["status.connector"], "Charging")
    clock = Clock()
    adapters = [make_adapter(hass, clock, cpid="CP2", connector=conn) for conn in (1, 2)]
    for adapter in adapters:
        await adapter.async_setup()
        await adapter.async_apply(command(8.0))

    sent = {(conn, profile["chargingProfileId"]) for conn, profile in fake.profiles()}
    assert sent == {(1, 8013), (1, 8011), (2, 8023), (2, 8021)}
    assert {data["devid"] for data in fake.calls("set_charge_rate")} == {"CP2"}


async def test_nothing_is_sent_to_a_charger_the_ocpp_integration_does_not_know(
    hass: HomeAssistant,
) -> None:
    fake = await stand_in(hass)
    adapter = make_adapter(hass, Clock(), cpid="GHOST")
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))
    await adapter.async_reset()

    assert fake.log == []
    assert adapter.status == "charger_missing"
