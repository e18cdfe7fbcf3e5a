"""Unit tests for the OCPP 1.6 charging-profile builder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from custom_components.dynamic_ocpp_evse.ocpp_server.profiles import (
    build_floor_profile,
    build_profile,
    floor_stack_level,
    offered_limit_a,
    profile_id,
)

NOW = datetime(2025, 5, 1, 12, 0, 0, 123456, tzinfo=UTC)


def _build(limit_a: float, **kw: object) -> dict:
    args: dict = {
        "min_a": 6.0,
        "phases": 3,
        "voltage": 230.0,
        "unit": "A",
        "kind": "tx_default",
        "stack_level": 2,
        "validity": "absolute",
        "validity_s": 120,
        "now": NOW,
    }
    args.update(kw)
    return build_profile(1, limit_a, **args)


def test_absolute_tx_default_in_amps() -> None:
    assert _build(10.0) == {
        "chargingProfileId": 8011,
        "stackLevel": 2,
        "chargingProfilePurpose": "TxDefaultProfile",
        "chargingProfileKind": "Absolute",
        "validFrom": "2025-05-01T12:00:00Z",
        "validTo": "2025-05-01T12:02:00Z",
        "chargingSchedule": {
            "startSchedule": "2025-05-01T12:00:00Z",
            "chargingRateUnit": "A",
            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": 10.0, "numberPhases": 3}],
            "duration": 120,
        },
    }


def test_relative_has_duration_and_no_timestamps() -> None:
    profile = _build(10.0, validity="relative", validity_s=90)
    assert profile["chargingProfileKind"] == "Relative"
    assert profile["chargingSchedule"]["duration"] == 90
    assert "validFrom" not in profile and "validTo" not in profile
    assert "startSchedule" not in profile["chargingSchedule"]


def test_watts_are_amps_times_volts_times_phases() -> None:
    profile = _build(10.0, unit="W", phases=3, voltage=230.0)
    period = profile["chargingSchedule"]["chargingSchedulePeriod"][0]
    assert profile["chargingSchedule"]["chargingRateUnit"] == "W"
    assert period["limit"] == 6900.0
    single = _build(16.0, unit="W", phases=1, voltage=230.0)
    assert single["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"] == 3680.0


def test_tx_profile_carries_transaction_id_and_own_id() -> None:
    profile = _build(8.0, kind="tx", transaction_id=42)
    assert profile["chargingProfilePurpose"] == "TxProfile"
    assert profile["transactionId"] == 42
    assert profile["chargingProfileId"] == 8012
    with pytest.raises(ValueError):
        _build(8.0, kind="tx")


@pytest.mark.parametrize(
    ("wanted", "sent"),
    [(10.19, 10.1), (6.0, 6.0), (5.99, 0.0), (3.0, 0.0), (-2.0, 0.0), (16.7, 16.7), (0.0, 0.0)],
)
def test_rounding_down_and_below_minimum_is_zero(wanted: float, sent: float) -> None:
    profile = _build(wanted)
    assert profile["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"] == sent
    assert offered_limit_a(wanted, 6.0) == sent


def test_floor_is_permanent_at_lower_stack_level() -> None:
    floor = build_floor_profile(2, 6.0, phases=1, voltage=230.0, unit="A", stack_level=1)
    assert floor["chargingProfileId"] == 8023
    assert floor["stackLevel"] == 1
    assert floor["chargingProfilePurpose"] == "TxDefaultProfile"
    assert "validTo" not in floor and "duration" not in floor["chargingSchedule"]
    assert floor["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"] == 6.0
    assert floor_stack_level(2) == 1
    assert floor_stack_level(0) is None


def test_ids_avoid_those_of_the_ocpp_integration() -> None:
    ids = {profile_id(c, r) for c in range(0, 100) for r in (1, 2, 3)}
    assert all(not (1000 <= i < 5000) for i in ids)
    assert len(ids) == 300


def test_timestamps_are_utc() -> None:
    local = NOW.astimezone(timezone(timedelta(hours=2)))
    assert _build(10.0, now=local)["validFrom"] == "2025-05-01T12:00:00Z"
