"""MeterValues parsing: per-phase currents, kW and kWh conversion, defaults."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from custom_components.dynamic_ocpp_evse.ocpp_server.meter import (
    CURRENT,
    ENERGY,
    MAX_CURRENT_A,
    MAX_ENERGY_WH,
    MAX_POWER_W,
    POWER,
    apply_meter_values,
)
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


def test_the_reported_garbage_is_missing_never_a_value() -> None:
    """The issue's MeterValues: '1e308', 'NaN' and '-50' A must not become readings."""
    conn = ConnectorState(1, current_a=[10.0, 10.0, 10.0], power_w=6900.0)
    rejected: list[str] = []
    apply_meter_values(
        conn,
        [
            {
                "sampled_value": [
                    {"value": "1e308", "measurand": "Current.Import", "phase": "L1"},
                    {"value": "NaN", "measurand": "Current.Import", "phase": "L2"},
                    {"value": "-50", "measurand": "Current.Import", "phase": "L3"},
                    {"value": "inf", "measurand": "Power.Active.Import"},
                ]
            }
        ],
        NOW,
        rejected,
    )
    assert conn.current_a == [None, None, None]
    assert conn.power_w is None
    assert conn.last_meter_at is None  # nothing believable arrived
    assert len(rejected) == 4 and "1e308" in rejected[0]


def test_one_bad_phase_leaves_the_others_and_noise_reads_as_zero() -> None:
    conn = _apply(
        {"value": "1e5", "measurand": "Current.Import", "phase": "L1", "unit": "A"},
        {"value": "-0.2", "measurand": "Current.Import", "phase": "L2", "unit": "A"},
        {"value": "7", "measurand": "Current.Import", "phase": "L3", "unit": "A"},
        {"value": "7", "measurand": "Current.Import", "phase": "L3", "unit": "kW"},  # wrong unit
        {"value": "-1", "measurand": "Energy.Active.Import.Register"},
    )
    assert conn.current_a == [None, 0.0, 7.0]
    assert conn.energy_wh is None


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "value": st.one_of(
                    st.text(max_size=12),
                    st.sampled_from(["1e308", "-1e308", "NaN", "inf", "-inf", "-50", "1e999"]),
                    st.floats(allow_nan=True, allow_infinity=True).map(str),
                    st.integers(),
                    st.none(),
                ),
                "measurand": st.sampled_from([CURRENT, POWER, ENERGY, "Voltage", 7]),
                "unit": st.sampled_from([None, "A", "W", "kW", "Wh", "kWh", "V", 3]),
            },
            optional={"phase": st.sampled_from(["L1", "L2", "L3", "N", "L1-N", None])},
        ),
        max_size=8,
    )
)
def test_garbage_never_yields_a_non_finite_or_absurd_reading(samples: list[dict]) -> None:
    conn = ConnectorState(1)
    apply_meter_values(conn, [{"sampled_value": samples}, {"nonsense": 1}], NOW)
    for value in conn.current_a:
        assert value is None or 0.0 <= value <= MAX_CURRENT_A
    assert conn.power_w is None or 0.0 <= conn.power_w <= 3 * MAX_POWER_W
    assert conn.energy_wh is None or 0.0 <= conn.energy_wh <= 3 * MAX_ENERGY_WH


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
