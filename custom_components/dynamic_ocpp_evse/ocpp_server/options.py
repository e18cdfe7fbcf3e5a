"""Tunables of the built-in central system (one frozen dataclass, sane defaults)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .profiles import ProfileSettings

DEFAULT_MEASURANDS = "Current.Import,Power.Active.Import,Energy.Active.Import.Register"


def utc_now() -> datetime:
    """The default clock: aware UTC now."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ServerOptions:
    """Everything the central system may be told besides host, port and known chargers."""

    heartbeat_interval_s: int = 60
    response_timeout_s: float = 10.0
    meter_interval_s: int = 10  # MeterValueSampleInterval set on connect
    measurands: str = DEFAULT_MEASURANDS  # MeterValuesSampledData set on connect
    boot_wait_s: float = 5.0  # wait this long for a BootNotification before setup
    authorize_tags: frozenset[str] | None = None  # None: accept every id tag
    send_burst: int = 10  # requests started per event-loop iteration, all chargers together
    unknown_notify_interval_s: float = 300.0  # rate limit of on_unknown_charger per id
    frame_rate_per_s: float = 20.0  # frames a charger may send per second, sustained
    frame_burst: float = 60.0  # ... and at once (boot: status of every connector)
    profile_defaults: ProfileSettings = field(default_factory=ProfileSettings)
    clock: Callable[[], datetime] = utc_now
