"""The simulator's composite schedule follows OCPP 1.6 smart-charging rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tools.cp_simulator.schedule import ProfileStore

T0 = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _profile(
    pid: int, level: int, limit: float, purpose: str = "TxDefaultProfile", **extra: Any
) -> dict[str, Any]:
    schedule = {
        "chargingRateUnit": extra.pop("unit", "A"),
        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": limit, **extra.pop("period", {})}],
        **extra.pop("schedule", {}),
    }
    return {
        "chargingProfileId": pid,
        "stackLevel": level,
        "chargingProfilePurpose": purpose,
        "chargingProfileKind": extra.pop("kind", "Relative"),
        "chargingSchedule": schedule,
        **extra,
    }


def _limit(store: ProfileStore, at: datetime, tx: int | None = None, conn: int = 1) -> float | None:
    return store.limit_a(conn, at, transaction_id=tx)


def test_highest_stack_level_wins_and_lower_takes_over_after_its_duration() -> None:
    store = ProfileStore()
    store.install(1, _profile(1, 1, 6.0), T0)
    store.install(1, _profile(2, 3, 16.0, schedule={"duration": 60}), T0)
    store.install(1, _profile(3, 2, 10.0, schedule={"duration": 120}), T0)
    assert _limit(store, T0 + timedelta(seconds=30)) == 16.0
    assert _limit(store, T0 + timedelta(seconds=90)) == 10.0
    assert _limit(store, T0 + timedelta(seconds=500)) == 6.0


def test_valid_from_and_valid_to() -> None:
    store = ProfileStore()
    store.install(1, _profile(1, 0, 6.0), T0)
    window = {
        "validFrom": _iso(T0 + timedelta(minutes=1)),
        "validTo": _iso(T0 + timedelta(minutes=2)),
    }
    store.install(
        1,
        _profile(2, 5, 20.0, kind="Absolute", schedule={"startSchedule": _iso(T0)}, **window),
        T0,
    )
    assert _limit(store, T0 + timedelta(seconds=30)) == 6.0  # not yet valid
    assert _limit(store, T0 + timedelta(seconds=90)) == 20.0
    assert _limit(store, T0 + timedelta(seconds=120)) == 6.0  # validTo is exclusive


def test_relative_duration_counts_from_install_or_transaction_start() -> None:
    store = ProfileStore()
    later = T0 + timedelta(minutes=10)
    store.install(1, _profile(1, 2, 12.0, schedule={"duration": 120}), later)
    assert _limit(store, later + timedelta(seconds=100)) == 12.0
    assert _limit(store, later + timedelta(seconds=130)) is None
    # a charger that counts Relative from the transaction start (10 minutes ago)
    assert (
        store.limit_a(
            1,
            later + timedelta(seconds=100),
            transaction_id=7,
            tx_started_at=T0,
            relative_start="transaction",
        )
        is None
    )


def test_tx_profile_overrides_default_and_cp_max_caps() -> None:
    store = ProfileStore()
    store.install(1, _profile(1, 5, 16.0), T0)
    store.install(1, _profile(2, 0, 8.0, "TxProfile", transactionId=42), T0)
    store.install(0, _profile(3, 0, 20.0, "ChargePointMaxProfile"), T0)
    at = T0 + timedelta(seconds=1)
    assert _limit(store, at, tx=42) == 8.0  # TxProfile beats a higher TxDefault
    assert _limit(store, at, tx=None) == 16.0  # without the transaction only the default
    store.install(0, _profile(3, 0, 7.0, "ChargePointMaxProfile"), T0)  # same id: replaced
    assert _limit(store, at, tx=42) == 7.0
    store.end_transaction(42)
    assert _limit(store, at, tx=43) == 7.0


def test_connector_profile_beats_connector_zero_and_watts_convert() -> None:
    store = ProfileStore()
    store.install(0, _profile(1, 1, 10.0), T0)
    assert _limit(store, T0, conn=2) == 10.0
    store.install(2, _profile(2, 1, 6900.0, unit="W", period={"numberPhases": 3}), T0)
    assert _limit(store, T0, conn=2) == 10.0
    store.install(2, _profile(2, 1, 2300.0, unit="W", period={"numberPhases": 1}), T0)
    assert _limit(store, T0, conn=2) == 10.0
    store.install(2, _profile(2, 1, 1380.0, unit="W", period={"numberPhases": 1}), T0)
    assert _limit(store, T0, conn=2) == 6.0
    assert _limit(store, T0, conn=1) == 10.0


def test_same_purpose_and_level_replaces() -> None:
    store = ProfileStore()
    store.install(1, _profile(1, 2, 10.0), T0)
    store.install(1, _profile(9, 2, 14.0), T0)
    assert [i.profile_id for i in store.items] == [9]


def test_clear_by_id_connector_purpose_level() -> None:
    store = ProfileStore()
    store.install(1, _profile(1, 1, 6.0), T0)
    store.install(1, _profile(2, 2, 10.0), T0)
    store.install(2, _profile(3, 2, 10.0), T0)
    store.install(0, _profile(4, 0, 20.0, "ChargePointMaxProfile"), T0)
    assert store.clear(profile_id=2, connector_id=2)  # by id: other criteria ignored
    assert sorted(i.profile_id for i in store.items) == [1, 3, 4]
    assert not store.clear(stack_level=7)
    assert store.clear(connector_id=1)
    assert store.clear(purpose="ChargePointMaxProfile")
    assert [i.profile_id for i in store.items] == [3]
    assert store.clear()
    assert store.items == []


def test_recurring_daily() -> None:
    store = ProfileStore()
    start = T0 - timedelta(days=3, hours=1)
    store.install(
        1,
        _profile(
            1,
            1,
            9.0,
            kind="Recurring",
            recurrencyKind="Daily",
            schedule={"startSchedule": _iso(start), "duration": 7200},
        ),
        T0,
    )
    assert _limit(store, T0) == 9.0  # 1 h into today's repetition
    assert _limit(store, T0 + timedelta(hours=2)) is None
