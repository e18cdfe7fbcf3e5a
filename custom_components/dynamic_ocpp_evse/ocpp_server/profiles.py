"""Pure builder of OCPP 1.6 charging profiles (the ``csChargingProfiles`` JSON object).

Shared by the built-in central system and the adapter for the Home Assistant ``ocpp``
integration (pass the result as ``custom_profile`` there, or as
``cs_charging_profiles`` of ``ocpp.v16.call.SetChargingProfile``). No I/O, no clock
reads: the caller passes ``now``.

API
---
``build_profile(connector_id, limit_a, *, min_a, phases, voltage, unit, kind,
stack_level, validity, validity_s, now, transaction_id=None) -> dict``
    The short-lived dynamic profile for one connector.

    * ``limit_a``: wanted current per phase. Rounded *down* to 0.1 A; anything below
      ``min_a`` (or negative) is sent as 0 (pause), never a value between 0 and min.
    * ``unit``: ``"A"`` or ``"W"``; W = A x ``voltage`` x ``phases`` (rounded down to 1 W).
    * ``kind``: ``"tx_default"`` (TxDefaultProfile) or ``"tx"`` (TxProfile, needs
      ``transaction_id``).
    * ``validity``: ``"absolute"`` -> chargingProfileKind Absolute with ``startSchedule``,
      ``validFrom`` = now and ``validTo`` = now + ``validity_s`` (ISO 8601 UTC, ``Z``);
      ``"relative"`` -> chargingProfileKind Relative, no timestamps at all, the schedule
      lasts ``duration`` = ``validity_s`` seconds (immune to charger clock drift).
    * ``validity_s`` of 0 or None means permanent (no duration, no validTo).

``build_floor_profile(connector_id, floor_a, *, phases, voltage, unit, stack_level)
-> dict``
    The permanent safe-floor TxDefaultProfile (no validity, no duration) that the
    charger falls back to when the dynamic profile expires. Install it at a stack
    level *below* the dynamic one: ``floor_stack_level(dynamic_level)`` gives it, or
    None when the dynamic level is 0 (then the charger cannot hold both).

``profile_id(connector_id, role) -> int``
    Fixed ids ``8000 + connector*10 + role`` (role ``ROLE_TX_DEFAULT``=1,
    ``ROLE_TX``=2, ``ROLE_FLOOR``=3), far from the ids the ``ocpp`` integration uses
    (1000, 2000+N, 3000+N, 4000-4999).

``offered_limit_a(limit_a, min_a) -> float``
    The current (A) that ``build_profile`` will put in the profile.

``ProfileSettings``
    A frozen bundle of the keyword arguments above (per connector), with
    ``settings.build(connector_id, limit_a, now=..., transaction_id=...)`` and
    ``settings.build_floor(connector_id)`` shortcuts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

RateUnit = Literal["A", "W"]
ProfileKind = Literal["tx_default", "tx"]
Validity = Literal["absolute", "relative"]

PROFILE_ID_BASE = 8000
ROLE_TX_DEFAULT = 1
ROLE_TX = 2
ROLE_FLOOR = 3

PURPOSE_TX_DEFAULT = "TxDefaultProfile"
PURPOSE_TX = "TxProfile"
PURPOSE_MAX = "ChargePointMaxProfile"


def profile_id(connector_id: int, role: int) -> int:
    """Return our fixed chargingProfileId for a connector (0-99) and role."""
    if not 0 <= connector_id <= 99:
        raise ValueError(f"connector id out of range: {connector_id}")
    return PROFILE_ID_BASE + connector_id * 10 + role


def offered_limit_a(limit_a: float, min_a: float) -> float:
    """Round down to 0.1 A; below ``min_a`` (or not a number) becomes 0 (pause)."""
    if math.isnan(limit_a) or limit_a <= 0:
        return 0.0
    rounded = math.floor(limit_a * 10 + 1e-6) / 10
    if rounded < min_a:
        return 0.0
    return rounded


def floor_stack_level(dynamic_stack_level: int) -> int | None:
    """Stack level for the floor profile: one below the dynamic one (None if impossible)."""
    return dynamic_stack_level - 1 if dynamic_stack_level > 0 else None


def iso_utc(moment: datetime) -> str:
    """Format an aware datetime as ISO 8601 UTC with a ``Z`` suffix, whole seconds."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime; pass an aware UTC time")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _rate(limit_a: float, unit: RateUnit, phases: int, voltage: float) -> float:
    if unit == "A":
        return limit_a
    if unit == "W":
        return float(math.floor(limit_a * voltage * phases + 1e-6))
    raise ValueError(f"unknown rate unit: {unit!r}")


def _schedule(rate: float, unit: RateUnit, phases: int) -> dict[str, Any]:
    return {
        "chargingRateUnit": unit,
        "chargingSchedulePeriod": [{"startPeriod": 0, "limit": rate, "numberPhases": phases}],
    }


def build_profile(
    connector_id: int,
    limit_a: float,
    *,
    min_a: float,
    phases: int,
    voltage: float,
    unit: RateUnit,
    kind: ProfileKind,
    stack_level: int,
    validity: Validity,
    validity_s: float | None,
    now: datetime,
    transaction_id: int | None = None,
) -> dict[str, Any]:
    """Build the dynamic profile for one connector (see the module docstring)."""
    if not 1 <= phases <= 3:
        raise ValueError(f"phases must be 1..3, got {phases}")
    if stack_level < 0:
        raise ValueError(f"negative stack level: {stack_level}")
    if kind == "tx":
        if transaction_id is None:
            raise ValueError("a TxProfile needs the running transaction id")
        purpose, role = PURPOSE_TX, ROLE_TX
    elif kind == "tx_default":
        purpose, role = PURPOSE_TX_DEFAULT, ROLE_TX_DEFAULT
    else:
        raise ValueError(f"unknown profile kind: {kind!r}")

    amps = offered_limit_a(limit_a, min_a)
    schedule = _schedule(_rate(amps, unit, phases, voltage), unit, phases)
    profile: dict[str, Any] = {
        "chargingProfileId": profile_id(connector_id, role),
        "stackLevel": stack_level,
        "chargingProfilePurpose": purpose,
    }
    if kind == "tx":
        profile["transactionId"] = transaction_id
    duration = int(validity_s) if validity_s else 0
    if validity == "absolute":
        profile["chargingProfileKind"] = "Absolute"
        start = iso_utc(now)
        schedule = {"startSchedule": start, **schedule}
        if duration:
            schedule["duration"] = duration
            profile["validFrom"] = start
            profile["validTo"] = iso_utc(now + timedelta(seconds=duration))
    elif validity == "relative":
        profile["chargingProfileKind"] = "Relative"
        if duration:
            schedule["duration"] = duration
    else:
        raise ValueError(f"unknown validity: {validity!r}")
    profile["chargingSchedule"] = schedule
    return profile


def build_floor_profile(
    connector_id: int,
    floor_a: float,
    *,
    phases: int,
    voltage: float,
    unit: RateUnit,
    stack_level: int,
) -> dict[str, Any]:
    """Build the permanent safe-floor TxDefaultProfile (no validity, no duration).

    ``floor_a`` is sent as given, rounded down to 0.1 A (0 is a valid floor: pause).
    """
    if not 1 <= phases <= 3:
        raise ValueError(f"phases must be 1..3, got {phases}")
    if stack_level < 0:
        raise ValueError(f"negative stack level: {stack_level}")
    amps = offered_limit_a(floor_a, 0.0)
    return {
        "chargingProfileId": profile_id(connector_id, ROLE_FLOOR),
        "stackLevel": stack_level,
        "chargingProfilePurpose": PURPOSE_TX_DEFAULT,
        "chargingProfileKind": "Relative",
        "chargingSchedule": _schedule(_rate(amps, unit, phases, voltage), unit, phases),
    }


@dataclass(frozen=True, slots=True)
class ProfileSettings:
    """How to build one connector's profiles (defaults match the integration's)."""

    min_a: float = 6.0
    phases: int = 3
    voltage: float = 230.0
    unit: RateUnit = "A"
    kind: ProfileKind = "tx_default"
    stack_level: int = 2
    validity: Validity = "absolute"
    validity_s: float | None = 120
    floor_a: float | None = None  # permanent safe floor; None = do not install one

    def build(
        self,
        connector_id: int,
        limit_a: float,
        *,
        now: datetime,
        transaction_id: int | None = None,
    ) -> dict[str, Any]:
        """``build_profile`` with these settings."""
        return build_profile(
            connector_id,
            limit_a,
            min_a=self.min_a,
            phases=self.phases,
            voltage=self.voltage,
            unit=self.unit,
            kind=self.kind,
            stack_level=self.stack_level,
            validity=self.validity,
            validity_s=self.validity_s,
            now=now,
            transaction_id=transaction_id,
        )

    def build_floor(self, connector_id: int) -> dict[str, Any] | None:
        """The floor profile one stack level below ``stack_level`` (None if impossible)."""
        level = floor_stack_level(self.stack_level)
        if self.floor_a is None or level is None:
            return None
        return build_floor_profile(
            connector_id,
            self.floor_a,
            phases=self.phases,
            voltage=self.voltage,
            unit=self.unit,
            stack_level=level,
        )
