"""The simulated charge point's hardware and firmware rules, without any networking.

Connectors with cars, the installed profiles, the configuration keys, the misbehaviour
switches, and the decisions a charger makes: accept or reject a profile, what a
connector is allowed to draw now, which status it is in, what its meter reads.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from .car import Car
from .models import Misbehaviour, SimConnector
from .schedule import CP_MAX, TX, ProfileStore, RelativeStart

CURRENT = "Current.Import"
WRITABLE = ("MeterValueSampleInterval", "MeterValuesSampledData", "HeartbeatInterval")


class Station:
    """State and rules of one simulated charge point."""

    def __init__(
        self,
        *,
        connectors: int,
        clock: Callable[[], datetime],
        voltage: float = 230.0,
        car_phases: int = 3,
        car_max_a: float = 32.0,
        ramp_a_per_s: float = 2.0,
        misbehaviour: Misbehaviour | None = None,
        relative_start: RelativeStart = "install",
    ) -> None:
        self.clock = clock
        self.voltage = voltage
        self.misbehaviour = misbehaviour or Misbehaviour()
        self.relative_start: RelativeStart = relative_start
        self.connectors = {
            n: SimConnector(n, Car(car_phases, car_max_a, ramp_a_per_s, voltage))
            for n in range(1, connectors + 1)
        }
        self.profiles = ProfileStore()
        self.honours_phases = False
        """A switching charger: it follows the governing profile's numberPhases."""
        self.config = {
            "MeterValueSampleInterval": "60",
            "MeterValuesSampledData": "Energy.Active.Import.Register",
            "HeartbeatInterval": "300",
        }

    # ------------------------------------------------------------ configuration
    def configuration(self) -> dict[str, tuple[str, bool]]:
        """All configuration keys: value and read-only flag."""
        bad = self.misbehaviour
        conf = {
            "NumberOfConnectors": (str(len(self.connectors)), True),
            "ChargingScheduleAllowedChargingRateUnit": (
                "Power" if bad.w_only else "Current,Power",
                True,
            ),
            "ChargeProfileMaxStackLevel": (str(bad.max_stack_level), True),
            "ChargingScheduleMaxPeriods": ("24", True),
        }
        conf.update({k: (v, False) for k, v in self.config.items()})
        return conf

    def change_configuration(self, key: str, value: str) -> str:
        """ChangeConfiguration status for ``key`` (and apply it when writable)."""
        if key in WRITABLE:
            self.config[key] = value
            return "Accepted"
        return "Rejected" if key in self.configuration() else "NotSupported"

    # ----------------------------------------------------------------- profiles
    def set_profile(self, connector_id: int, profile: dict[str, Any]) -> str:
        """Validate and install a profile; return the SetChargingProfile status."""
        bad = self.misbehaviour
        purpose = profile.get("chargingProfilePurpose")
        unit = profile.get("chargingSchedule", {}).get("chargingRateUnit")
        conn = self.connectors.get(connector_id)
        if (
            bad.reject_profiles
            or (connector_id != 0 and conn is None)
            or int(profile.get("stackLevel", 0)) > bad.max_stack_level
            or (bad.w_only and unit == "A")
            or (purpose == CP_MAX and connector_id != 0)
        ):
            return "Rejected"
        if purpose == TX:
            running = conn.transaction_id if conn is not None else None
            if running is None or profile.get("transactionId", running) != running:
                return "Rejected"
        if not bad.ignore_profiles:
            self.profiles.install(connector_id, profile, self.clock())
        return "Accepted"

    def clear_profiles(self, **criteria: Any) -> str:
        """ClearChargingProfile status (Accepted when something was removed)."""
        return "Accepted" if self.profiles.clear(**criteria) else "Unknown"

    # -------------------------------------------------------------------- model
    def allowed_a(self, connector_id: int) -> float | None:
        """The composite limit (A per phase) on a connector now; None = unlimited."""
        conn = self.connectors[connector_id]
        now = self.clock()
        limit = self.profiles.limit_a(
            connector_id,
            now,
            transaction_id=conn.transaction_id,
            tx_started_at=conn.tx_started_at,
            voltage=self.voltage,
            relative_start=self.relative_start,
        )
        cap = self.profiles.station_cap_a(now, voltage=self.voltage)
        active = sum(1 for c in self.connectors.values() if c.transaction_id is not None)
        if cap is not None and active > 1 and limit is not None:
            limit = min(limit, cap / active)  # the station limit is shared
        return limit

    def draw_a(self, connector_id: int) -> float:
        """Advance the car to the clock's now and return its draw per phase (A)."""
        conn = self.connectors[connector_id]
        charging = conn.transaction_id is not None
        if self.honours_phases:
            wanted = self.profiles.phases(
                connector_id,
                self.clock(),
                transaction_id=conn.transaction_id,
                tx_started_at=conn.tx_started_at,
                voltage=self.voltage,
                relative_start=self.relative_start,
            )
            if wanted in (1, 3):
                conn.car.switch_phases(wanted, self.clock())
        return conn.car.update(self.clock(), self.allowed_a(connector_id), charging)

    def status_for(self, connector_id: int) -> str:
        """The OCPP status the connector should report now."""
        conn = self.connectors[connector_id]
        if conn.transaction_id is None:
            return "Preparing" if conn.plugged else "Available"
        if conn.car.full:
            return "SuspendedEV"
        if conn.car.target_a(self.allowed_a(connector_id), True) <= 0:
            return "SuspendedEVSE"
        return "Charging"

    def meter_samples(self, connector_id: int) -> list[dict[str, Any]]:
        """One MeterValues sample set: current per phase (A), power (kW), register (kWh)."""
        draw = self.draw_a(connector_id)
        car = self.connectors[connector_id].car
        # Every leg the charger is wired for (3), as real chargers meter: the legs the
        # car does not draw on (a 1-phase car, or one phase switched) read 0 A.
        samples: list[dict[str, Any]] = [
            {
                "value": f"{draw if i < car.active_phases else 0.0:.1f}",
                "measurand": "Current.Import",
                "phase": f"L{i + 1}",
                "unit": "A",
            }
            for i in range(max(car.phases, car.legs))
        ]
        samples.append(
            {"value": f"{car.power_w / 1000:.3f}", "measurand": "Power.Active.Import", "unit": "kW"}
        )
        offered = self.allowed_a(connector_id)  # its charging profiles' limit (None: none)
        if offered is not None:
            samples.append({"value": f"{offered:.1f}", "measurand": "Current.Offered", "unit": "A"})
        samples.append(
            {
                "value": f"{car.energy_wh / 1000:.4f}",
                "measurand": "Energy.Active.Import.Register",
                "unit": "kWh",
            }
        )
        return samples
