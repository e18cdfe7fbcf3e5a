"""The simulated charge point's installed charging profiles and their composite limit.

Pure (no I/O, times passed in). Follows OCPP 1.6 smart charging:

* A new profile replaces an installed one with the same ``chargingProfileId``, or with
  the same connector, ``chargingProfilePurpose`` and ``stackLevel``.
* Per purpose, the profile with the highest ``stackLevel`` that is in force wins. A
  profile is in force when ``validFrom <= now < validTo`` (each optional) and its
  schedule has started and not run past its ``duration`` - so when a higher profile's
  duration or validity ends, the next lower stack level takes over again (this is what
  the "stacking" example of the specification shows, and what a safe floor relies on).
* A TxProfile (for the running transaction) overrides the TxDefaultProfile; a
  TxDefaultProfile on the connector itself overrides one on connector 0 at the same
  stack level; the ChargePointMaxProfile (connector 0) caps the result.
* Absolute schedules start at ``startSchedule``; Recurring ones at the last daily or
  weekly repetition of it; Relative ones at the moment the profile was installed
  (``relative_start="install"``, the default) or at the start of the transaction
  (``"transaction"``, how some chargers read the specification).
* Limits in W are turned into A with the period's ``numberPhases`` (default 3).
* ``clear`` follows ClearChargingProfile: by id, or by any combination of connector,
  purpose and stack level (no criteria: everything).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

TX_DEFAULT = "TxDefaultProfile"
TX = "TxProfile"
CP_MAX = "ChargePointMaxProfile"

RelativeStart = Literal["install", "transaction"]


def parse_time(value: str) -> datetime:
    """Parse an OCPP ISO 8601 timestamp (``Z`` or an offset)."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass(frozen=True, slots=True)
class Installed:
    """One installed profile (camelCase csChargingProfiles) and when it arrived."""

    connector_id: int
    profile: dict[str, Any]
    installed_at: datetime

    @property
    def purpose(self) -> str:
        return str(self.profile["chargingProfilePurpose"])

    @property
    def stack_level(self) -> int:
        return int(self.profile["stackLevel"])

    @property
    def profile_id(self) -> int:
        return int(self.profile["chargingProfileId"])


def _schedule_start(
    item: Installed, now: datetime, tx_started_at: datetime | None, relative_start: RelativeStart
) -> datetime:
    profile = item.profile
    schedule = profile["chargingSchedule"]
    kind = profile.get("chargingProfileKind", "Absolute")
    if kind == "Relative":
        if relative_start == "transaction" and tx_started_at is not None:
            return tx_started_at
        return item.installed_at
    start = parse_time(schedule["startSchedule"]) if "startSchedule" in schedule else None
    if start is None:
        return item.installed_at
    if kind == "Recurring" and start <= now:
        step = timedelta(days=7 if profile.get("recurrencyKind") == "Weekly" else 1)
        start += step * ((now - start) // step)
    return start


def period_of(
    item: Installed,
    now: datetime,
    *,
    tx_started_at: datetime | None = None,
    relative_start: RelativeStart = "install",
) -> dict[str, Any] | None:
    """The schedule period of this profile in force at ``now``; None when not in force."""
    profile = item.profile
    if "validFrom" in profile and now < parse_time(profile["validFrom"]):
        return None
    if "validTo" in profile and now >= parse_time(profile["validTo"]):
        return None
    schedule = profile["chargingSchedule"]
    elapsed = (now - _schedule_start(item, now, tx_started_at, relative_start)).total_seconds()
    if elapsed < 0:
        return None
    duration = schedule.get("duration")
    if duration is not None and elapsed >= float(duration):
        return None
    current: dict[str, Any] | None = None
    for period in sorted(schedule["chargingSchedulePeriod"], key=lambda p: p["startPeriod"]):
        if float(period["startPeriod"]) <= elapsed:
            current = period
    return current


def limit_of(
    item: Installed,
    now: datetime,
    *,
    voltage: float,
    tx_started_at: datetime | None = None,
    relative_start: RelativeStart = "install",
) -> float | None:
    """The limit (A per phase) this profile imposes at ``now``; None when not in force."""
    current = period_of(item, now, tx_started_at=tx_started_at, relative_start=relative_start)
    if current is None:
        return None
    limit = float(current["limit"])
    if item.profile["chargingSchedule"]["chargingRateUnit"] == "W":
        limit /= voltage * int(current.get("numberPhases", 3))
    return limit


class ProfileStore:
    """The profiles installed on one simulated charge point."""

    def __init__(self) -> None:
        self._items: list[Installed] = []

    @property
    def items(self) -> list[Installed]:
        """Installed profiles (copies of the list, oldest first)."""
        return list(self._items)

    def install(self, connector_id: int, profile: dict[str, Any], now: datetime) -> None:
        """Install ``profile``, replacing one with its id or its connector/purpose/level."""
        new = Installed(connector_id, profile, now)
        self._items = [
            old
            for old in self._items
            if old.profile_id != new.profile_id
            and not (
                old.connector_id == connector_id
                and old.purpose == new.purpose
                and old.stack_level == new.stack_level
            )
        ]
        self._items.append(new)

    def clear(
        self,
        *,
        profile_id: int | None = None,
        connector_id: int | None = None,
        purpose: str | None = None,
        stack_level: int | None = None,
    ) -> bool:
        """ClearChargingProfile semantics; return True when something was removed."""

        def matches(item: Installed) -> bool:
            if profile_id is not None:
                return item.profile_id == profile_id
            return (
                (connector_id is None or item.connector_id == connector_id)
                and (purpose is None or item.purpose == purpose)
                and (stack_level is None or item.stack_level == stack_level)
            )

        kept = [item for item in self._items if not matches(item)]
        removed = len(kept) != len(self._items)
        self._items = kept
        return removed

    def end_transaction(self, transaction_id: int) -> None:
        """Drop the TxProfiles of a finished transaction."""
        self._items = [
            item
            for item in self._items
            if not (item.purpose == TX and item.profile.get("transactionId") == transaction_id)
        ]

    def _winning(
        self,
        candidates: list[Installed],
        now: datetime,
        voltage: float,
        tx_started_at: datetime | None,
        relative: RelativeStart,
    ) -> tuple[Installed, float] | None:
        # highest stack level first; at a tie the connector's own profile beats connector 0
        ordered = sorted(candidates, key=lambda i: (i.stack_level, i.connector_id), reverse=True)
        for item in ordered:
            limit = limit_of(
                item,
                now,
                voltage=voltage,
                tx_started_at=tx_started_at,
                relative_start=relative,
            )
            if limit is not None:
                return item, limit
        return None

    def _winner(
        self,
        candidates: list[Installed],
        now: datetime,
        voltage: float,
        tx_started_at: datetime | None,
        relative: RelativeStart,
    ) -> float | None:
        won = self._winning(candidates, now, voltage, tx_started_at, relative)
        return None if won is None else won[1]

    def _connector_candidates(
        self, connector_id: int, transaction_id: int | None
    ) -> tuple[list[Installed], list[Installed]]:
        """(TxProfiles of the running transaction, TxDefaultProfiles) for a connector."""
        tx = [
            i
            for i in self._items
            if transaction_id is not None
            and i.purpose == TX
            and i.connector_id == connector_id
            and i.profile.get("transactionId", transaction_id) == transaction_id
        ]
        defaults = [
            i
            for i in self._items
            if i.purpose == TX_DEFAULT and i.connector_id in (0, connector_id)
        ]
        return tx, defaults

    def phases(
        self,
        connector_id: int,
        now: datetime,
        *,
        transaction_id: int | None,
        tx_started_at: datetime | None = None,
        voltage: float = 230.0,
        relative_start: RelativeStart = "install",
    ) -> int | None:
        """``numberPhases`` of the profile that governs a connector now (None: none says)."""
        args = (now, voltage, tx_started_at, relative_start)
        for candidates in self._connector_candidates(connector_id, transaction_id):
            won = self._winning(candidates, *args)
            if won is not None:
                period = period_of(
                    won[0], now, tx_started_at=tx_started_at, relative_start=relative_start
                )
                value = None if period is None else period.get("numberPhases")
                return int(value) if value in (1, 2, 3) else None
        return None

    def limit_a(
        self,
        connector_id: int,
        now: datetime,
        *,
        transaction_id: int | None,
        tx_started_at: datetime | None = None,
        voltage: float = 230.0,
        relative_start: RelativeStart = "install",
    ) -> float | None:
        """Composite limit (A per phase) for one connector at ``now``; None = unlimited."""
        args = (now, voltage, tx_started_at, relative_start)
        tx, defaults = self._connector_candidates(connector_id, transaction_id)
        limit = self._winner(tx, *args)
        if limit is None:
            limit = self._winner(defaults, *args)
        cap = self._winner([i for i in self._items if i.purpose == CP_MAX], *args)
        if cap is not None:
            limit = cap if limit is None else min(limit, cap)
        return limit

    def station_cap_a(self, now: datetime, *, voltage: float = 230.0) -> float | None:
        """The ChargePointMaxProfile limit for the whole station (None: none)."""
        cps = [i for i in self._items if i.purpose == CP_MAX]
        return self._winner(cps, now, voltage, None, "install")
