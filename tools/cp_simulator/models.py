"""Plain data of the simulator: misbehaviour switches, one connector, one received request."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .car import Car


@dataclass(slots=True)
class Misbehaviour:
    """Ways the simulated charger can be made difficult (may be changed at run time)."""

    reject_profiles: bool = False  # answer SetChargingProfile with Rejected
    ignore_profiles: bool = False  # answer Accepted but never apply the profile
    w_only: bool = False  # ChargingScheduleAllowedChargingRateUnit = Power; A is rejected
    max_stack_level: int = 8  # ChargeProfileMaxStackLevel; 0 = "stack level 0 only"
    reply_delay_s: float = 0.0  # answer every request this late (blocks the receive loop)
    call_error_actions: set[str] = field(default_factory=set)  # answer these with CALLERROR


@dataclass(slots=True)
class SimConnector:
    """One connector of the simulated charger and the car plugged into it."""

    connector_id: int
    car: Car
    status: str = "Available"
    plugged: bool = False
    transaction_id: int | None = None
    tx_started_at: datetime | None = None
    id_tag: str | None = None


@dataclass(frozen=True, slots=True)
class Received:
    """A request the central system sent, as it arrived on the wire (camelCase JSON)."""

    action: str
    payload: dict[str, Any]
    at: datetime  # simulator clock
    perf: float  # time.perf_counter() at arrival (for latency measurements)
