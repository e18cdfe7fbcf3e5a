"""MeterValues parsing: per-phase currents, kW and kWh conversion, defaults."""

from __future__ import annotations

from datetime import UTC, datetime

from custom_components.dynamic_ocpp_evse.ocpp_server.meter import apply_meter_values
from custom_components.dynamic_ocpp_evse.ocpp_server.state import ConnectorState

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def _apply(*samples: dict) -> ConnectorState:
    conn = ConnectorState(1, meter_start_wh=1000.0)
    apply_meter_values(conn, [{"timestamp": "x", "sampled_value": list(samples)}], NOW)
    return conn


def test_per_phase_current_power_in_kw_energy_in_kwh() -> None:
    conn = _apply(
        {"value": "7.5", "measurand": "Current.Import", "phase": "L1", "unit": "A"},
        {"value": "7.4", "measurand": "Current.Import", "phase": "L2-N", "unit": "A"},
        {"value": "0.1", "measurand": "Current.Import", "phase": "N", "unit": "A"},
        {"value": "3.45", "measurand": "Power.Active.Import", "unit": "kW"},
        {"value": "12.5", "measurand": "Energy.Active.Import.Register", "unit": "kWh"},
    )
    assert conn.current_a == [7.5, 7.4, None]
    assert conn.power_w == 3450.0
    assert conn.energy_wh == 12500.0
    assert conn.session_energy_wh == 11500.0
    assert conn.last_meter_at == NOW


def test_defaults_and_per_phase_power_sum() -> None:
    conn = _apply(
        {"value": "2500"},  # no measurand: energy register in Wh
        {"value": "1000", "measurand": "Power.Active.Import", "phase": "L1", "unit": "W"},
        {"value": "1100", "measurand": "Power.Active.Import", "phase": "L2", "unit": "W"},
        {"value": "16", "measurand": "Current.Import"},
        {"value": "junk", "measurand": "Current.Offered"},
    )
    assert conn.energy_wh == 2500.0
    assert conn.power_w == 2100.0
    assert conn.current_a == [16.0, None, None]


def test_nothing_recognised_changes_nothing() -> None:
    conn = ConnectorState(1)
    changed = apply_meter_values(
        conn, [{"sampled_value": [{"value": "x", "measurand": "Current.Import"}]}], NOW
    )
    assert not changed and conn.current_a == [None, None, None] and conn.last_meter_at is None


def test_current_offered_is_what_the_charger_reports_it_offers() -> None:
    conn = _apply(
        {"value": "16", "measurand": "Current.Offered", "unit": "A"},
        {"value": "7.5", "measurand": "Current.Import", "phase": "L1", "unit": "A"},
    )
    assert conn.reported_offered_a == 16.0
    assert conn.current_a == [7.5, None, None]  # an offer is no draw
    per_phase = _apply(
        *({"value": "10", "measurand": "Current.Offered", "phase": p} for p in ("L1", "L2", "L3"))
    )
    assert per_phase.reported_offered_a == 10.0


def test_absurd_offers_are_ignored() -> None:
    for value in ("nan", "inf", "-6", "100000", "ten"):
        conn = _apply({"value": value, "measurand": "Current.Offered", "unit": "A"})
        assert conn.reported_offered_a is None, value
