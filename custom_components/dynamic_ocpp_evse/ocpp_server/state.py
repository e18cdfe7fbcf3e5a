"""What the central system knows about each charge point and connector (plain dataclasses).

Written only by the charger's message handlers and its session; read by Home Assistant
glue through ``ChargePointSession.state``. Units: A, W, Wh; times are aware UTC datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class ConnectorState:
    """One connector (1..N); connector 0 holds the status of the whole unit."""

    connector_id: int
    status: str | None = None  # OCPP ChargePointStatus, e.g. "Charging"
    error_code: str | None = None
    current_a: list[float | None] = field(default_factory=lambda: [None, None, None])
    power_w: float | None = None
    energy_wh: float | None = None  # meter register (total, energy-dashboard style)
    transaction_id: int | None = None
    id_tag: str | None = None
    meter_start_wh: float | None = None
    session_energy_wh: float | None = None
    offered_limit_a: float | None = None  # limit of the last profile the charger accepted
    reported_offered_a: float | None = None  # Current.Offered as the charger reports it
    profile_status: str | None = None  # "Accepted", "Rejected", "NotSupported", "failed"
    profile_sent_at: datetime | None = None
    floor_installed: bool = False
    last_meter_at: datetime | None = None

    def update_session_energy(self) -> None:
        """Recompute session energy from the register and the transaction's meter start."""
        if self.energy_wh is not None and self.meter_start_wh is not None:
            self.session_energy_wh = max(0.0, self.energy_wh - self.meter_start_wh)


@dataclass(slots=True)
class ChargerState:
    """One charge point: identity, link status, configuration read on connect."""

    cpid: str
    connected: bool = False
    booted: bool = False
    last_seen: datetime | None = None
    vendor: str | None = None
    model: str | None = None
    serial: str | None = None
    firmware: str | None = None
    number_of_connectors: int | None = None
    rate_units: tuple[str, ...] | None = None  # ("A",), ("W",) or ("A", "W")
    max_stack_level: int | None = None
    configuration: dict[str, str] = field(default_factory=dict)
    connectors: dict[int, ConnectorState] = field(default_factory=dict)
    # configured connectors the charger says it does not have (NumberOfConnectors, or
    # a SetChargingProfile refused for the connector id): nothing is sent to them
    missing_connectors: frozenset[int] = frozenset()

    def connector(self, connector_id: int) -> ConnectorState:
        """Return the state of a connector, creating it on first use."""
        found = self.connectors.get(connector_id)
        if found is None:
            found = self.connectors[connector_id] = ConnectorState(connector_id)
        return found

    def connector_by_transaction(self, transaction_id: int) -> ConnectorState | None:
        """Return the connector running ``transaction_id``, if any."""
        for conn in self.connectors.values():
            if conn.transaction_id == transaction_id:
                return conn
        return None
