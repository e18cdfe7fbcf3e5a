"""Upstream settings become ours: the pure mapping functions, on upstream-shaped entries."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.dynamic_ocpp_evse.const import RATE_UNITS
from custom_components.dynamic_ocpp_evse.migration.entities import our_key
from custom_components.dynamic_ocpp_evse.migration.hub_settings import hub_timing, map_hub
from custom_components.dynamic_ocpp_evse.migration.load_settings import (
    load_timing,
    map_charger,
    map_group,
    map_plug,
)
from custom_components.dynamic_ocpp_evse.migration.upstream import effective, kind, unique_title
from custom_components.dynamic_ocpp_evse.validation import RANGES
from tests.migration import upstream_entries as up

AMPS, WATTS = RATE_UNITS


def _eff(entry: tuple[dict[str, Any], dict[str, Any], str]) -> dict[str, Any]:
    return effective(entry[0], entry[1])


def _charger(entry: dict[str, Any], **kw: Any) -> Any:
    args: dict[str, Any] = {
        "phases": ["A", "B", "C"],
        "last": {},
        "hub_mode": None,
        "known_entity": lambda _e: True,
        "unit_of": lambda _e: "A",
    }
    args.update(kw)
    return map_charger(entry, **args)


def test_entry_kinds_follow_entry_type_and_device_type() -> None:
    assert kind(_eff(up.hub_v20())) == "hub"
    assert kind({"name": "legacy single entry"}) == "hub"
    assert kind(_eff(up.charger(2, "cp1", "Left", 1))) == "charger"
    assert kind(_eff(up.plug())) == "plug"
    assert kind(_eff(up.group([]))) == "group"


def test_a_v20_hub_keeps_grid_breaker_solar_and_timing() -> None:
    mapped = map_hub(_eff(up.hub_v20()), minor=1, title="Dynamic OCPP EVSE", last={})
    data = mapped.data
    assert data["name"] == "Dynamic OCPP EVSE"
    assert (data["grid_sensor_a"], data["grid_sensor_b"], data["grid_sensor_c"]) == up.GRID
    assert data["main_breaker_a"] == 25 and data["voltage"] == 230
    assert data["solar_entity"] == "sensor.solar"
    assert data["excess_threshold_w"] == 13000 and data["update_interval_s"] == 5
    assert data["grid_invert"] is False and data["distribution"] == "priority"
    assert "import_limit_w" not in data  # v2.0 had no import limit slider
    assert "battery_soc_entity" not in data and "inverter_max_w" not in data
    assert mapped.dropped == []  # everything set had an equivalent or upstream's default


def test_a_v205_hub_keeps_battery_inverter_and_the_runtime_values_of_its_entities() -> None:
    last = {
        "distribution_mode": "Sequential - Strict",
        "home_battery_soc_min": "30.0",
        "home_battery_soc_target": "90.0",
        "allow_grid_charging": "off",
        "max_import_power": "11000.0",
        "power_buffer": "500.0",
    }
    mapped = map_hub(_eff(up.hub_v205()), minor=2, title="Site Load Management", last=last)
    data = mapped.data
    assert data["battery_soc_entity"] == "sensor.battery_soc"
    assert data["battery_power_entity"] == "sensor.battery_power"
    assert (data["battery_max_charge_w"], data["battery_max_discharge_w"]) == (4000, 4500)
    assert (data["battery_min_soc"], data["battery_target_soc"]) == (30, 90)
    assert data["allow_grid_charging"] is False and data["distribution"] == "strict"
    assert data["import_limit_w"] == 11000 and "import_limit_entity" not in data
    assert data["inverter_max_w"] == 10000 and data["inverter_asymmetric"] is True
    assert data["update_interval_s"] == 2
    dropped = "\n".join(mapped.dropped)
    assert "power buffer = 500 W" in dropped
    assert "wiring_topology = series" in dropped
    assert "auto_detect_phase_mapping" not in dropped  # still upstream's default


def test_the_import_slider_without_a_last_value_is_the_breaker_on_every_phase() -> None:
    mapped = map_hub(_eff(up.hub_v205()), minor=2, title="x", last={})
    assert mapped.data["import_limit_w"] == 17200  # 25 A x 230 V x 3, to 100 W as upstream
    hub = _eff(up.hub_v205())
    hub["max_import_power_entity_id"] = "sensor.limit"
    mapped = map_hub(hub, minor=2, title="x", last={"max_import_power": "9000"})
    assert mapped.data["import_limit_entity"] == "sensor.limit"
    assert "import_limit_w" not in mapped.data


def test_hub_values_are_distrusted() -> None:
    hub = _eff(up.hub_v205())
    hub.update(
        {
            "main_breaker_rating": float("nan"),
            "phase_voltage": "abc",
            "excess_export_threshold": True,
            "site_update_frequency": 600,
            "phase_a_current_entity_id": "None",
        }
    )
    mapped = map_hub(hub, minor=2, title="x", last={"home_battery_soc_min": "unavailable"})
    data = mapped.data
    assert data["main_breaker_a"] == 25 and data["voltage"] == 230
    assert "excess_threshold_w" not in data
    assert data["update_interval_s"] == RANGES["update_interval_s"][1]
    assert data["battery_min_soc"] == 20
    assert "grid_sensor_a" not in data
    dropped = "\n".join(mapped.dropped)
    assert "no grid sensor on phase A" in dropped and "update_interval_s: 600" in dropped


def test_pause_is_seconds_at_v20_and_minutes_at_v205() -> None:
    notes: list[str] = []
    v20 = _eff(up.charger(1, "l", "L", 1))
    assert load_timing(v20, minor=1, hub={}, dropped=notes) == {}  # 180 s: our default too
    assert load_timing({**v20, "charge_pause_duration": 600}, minor=1, hub={}, dropped=notes) == {
        "pause_s": 600
    }
    v205 = {**_eff(up.charger(2, "l", "L", 1)), "charge_pause_duration": 5}
    assert load_timing(v205, minor=2, hub={}, dropped=notes) == {"pause_s": 300}
    assert notes == []


def test_grace_and_hysteresis_of_the_hub_and_a_load_that_differs() -> None:
    notes: list[str] = []
    hub = {**_eff(up.hub_v205()), "solar_grace_period": 10, "battery_soc_hysteresis": 5}
    timing = hub_timing(hub, notes)
    assert timing == {"grace_s": 600, "soc_hysteresis": 5}
    load = _eff(up.charger(2, "l", "L", 1))  # 5 min: back to the default for this load
    assert load_timing(load, minor=2, hub=timing, dropped=notes) == {"grace_s": 300}
    assert load_timing({**load, "solar_grace_period": 10}, minor=2, hub=timing, dropped=notes) == {}
    assert hub_timing(_eff(up.hub_v205()), notes) == {}
    assert load_timing({**load, "charge_pause_duration": 600}, minor=2, hub={}, dropped=notes) == {
        "pause_s": 3600
    }
    assert notes == ["L: pause_s: 36000 is outside 0..3600, 3600 is used"]


def test_a_charger_goes_through_the_ocpp_integration_with_its_settings() -> None:
    entry = _eff(up.charger(2, "cpleft", "Left", 2, l1="B"))
    mapped = _charger(entry, last={"operating_mode": "Solar Only"})
    assert mapped is not None
    data = mapped.data
    assert data["backend"] == "ocpp_integration" and data["charge_point_id"] == "cpleft"
    assert data["connector_id"] == 1 and data["connector_count"] == 1
    assert data["phases"] == ["B", "C", "A"]
    assert (data["min_current_a"], data["max_current_a"], data["unit_max_current_a"]) == (6, 16, 16)
    assert data["priority"] == 2 and data["mode"] == "solar"
    assert data["rate_unit"] == AMPS and data["validity"] == "absolute"
    assert data["stack_level"] == 3 and data["profile_validity_s"] == 120
    assert data["min_send_interval_s"] == 15
    assert data["current_entity"] == "sensor.cpleft_current_import"
    assert data["status_entity"] == "sensor.cpleft_status_connector"
    assert data["offered_entity"] == "sensor.cpleft_current_offered"
    assert mapped.title == "Left" and mapped.dropped == []


def test_charger_modes_rate_units_and_wiring_of_both_versions() -> None:
    v20 = _eff(up.charger(1, "cp", "C", 1))
    assert _charger(v20, hub_mode="Eco").data["mode"] == "eco"
    assert _charger(v20, last={"operating_mode": "Solar Priority"}).data["mode"] == "eco"
    assert _charger(v20, last={"operating_mode": "Continuous"}).data["mode"] == "standard"
    assert _charger(v20, phases=["A"]).data["phases"] == ["A"]
    auto = {**v20, "charge_rate_unit": "auto"}
    assert _charger(auto, unit_of=lambda _e: "kW").data["rate_unit"] == WATTS
    assert _charger(auto, unit_of=lambda _e: None).data["rate_unit"] == AMPS
    assert _charger({**v20, "charge_rate_unit": "W"}).data["rate_unit"] == WATTS
    unknown = _charger(v20, known_entity=lambda _e: False).data
    assert "current_entity" not in unknown and "status_entity" not in unknown  # found by id
    assert _charger({**v20, "ocpp_device_id": None, "charger_id": None}) is None


def test_charger_values_are_distrusted_and_clamps_reported() -> None:
    entry = _eff(up.charger(2, "cp", "C", 1))
    entry.update(
        {
            "evse_minimum_charge_current": 20,
            "evse_maximum_charge_current": "x",
            "stack_level": 0,
            "charger_priority": float("inf"),
        }
    )
    mapped = _charger(entry, last={"dynamic_control": "off"})
    data = mapped.data
    assert data["max_current_a"] == 16 and data["min_current_a"] == 16
    assert data["stack_level"] == 1 and data["priority"] == 1
    dropped = "\n".join(mapped.dropped)
    assert "charger C: stack_level: 0 is outside" in dropped
    assert "dynamic control was off" in dropped


def test_a_smart_load_becomes_a_plug() -> None:
    mapped = map_plug(_eff(up.plug()), phases=["A", "B", "C"], last={}, hub_mode=None)
    assert mapped is not None
    assert mapped.data == {
        "name": "Heater",
        "switch_entity": "switch.heater",
        "power_w": 2000,
        "phases": ["B"],
        "power_entity": "sensor.heater_power",
        "priority": 3,
        "mode": "continuous",
    }
    two = {**_eff(up.plug()), "connected_to_phase": "AC"}
    last = {"operating_mode": "Excess"}
    two_phase = map_plug(two, phases=["A", "B", "C"], last=last, hub_mode=None)
    assert two_phase is not None and two_phase.data["phases"] == ["A", "C"]
    assert two_phase.data["mode"] == "excess"
    assert map_plug({"name": "x"}, phases=["A"], last={}, hub_mode=None) is None


def test_a_group_becomes_a_circuit_of_the_loads_that_exist() -> None:
    entry = _eff(up.group([up.LEFT_ID, up.RIGHT_ID, "gone"], limit=20))
    mapped = map_group(entry, members={up.LEFT_ID: up.LEFT_ID, up.RIGHT_ID: up.RIGHT_ID})
    assert mapped.data == {
        "name": "Garage",
        "limit_a": 20,
        "parent": None,
        "members": [up.LEFT_ID, up.RIGHT_ID],
    }
    assert mapped.dropped == ["circuit Garage: member gone no longer exists"]


def test_entities_are_kept_only_where_the_meaning_is_the_same() -> None:
    with_battery = {"battery_soc_entity": "sensor.soc", "import_limit_w": 9000}
    assert our_key("hub", "number", "home_battery_soc_min", with_battery) == "battery_min_soc"
    assert our_key("hub", "number", "home_battery_soc_min", {}) is None
    assert our_key("hub", "number", "max_import_power", with_battery) == "import_limit"
    assert our_key("hub", "number", "power_buffer", with_battery) is None
    assert our_key("hub", "sensor", "site_available_current_phase_b", {}) is None
    assert our_key("charger", "button", "reset_button", {}) == "reset"
    assert our_key("plug", "number", "min_current", {}) is None
    assert our_key("group", "sensor", "circuit_allocation", {}) is None


def test_titles_stay_unique() -> None:
    taken = {"left"}
    assert unique_title("Left", taken) == "Left 2"
    assert unique_title("Left", taken) == "Left 3"


_JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.lists(st.text(max_size=3), max_size=3),
)
_HUB_KEYS = list(_eff(up.hub_v205()))
_CHARGER_KEYS = list(_eff(up.charger(2, "cp", "C", 1)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(st.sampled_from(_HUB_KEYS), _JUNK, max_size=8),
    st.dictionaries(st.sampled_from(_CHARGER_KEYS), _JUNK, max_size=8),
    st.dictionaries(st.sampled_from(["max_import_power", "home_battery_soc_min"]), _JUNK),
)
def test_junk_never_raises_and_numbers_stay_in_range(
    hub_junk: dict[str, Any], charger_junk: dict[str, Any], last: dict[str, Any]
) -> None:
    hub = map_hub({**_eff(up.hub_v205()), **hub_junk}, minor=2, title="x", last=last)
    charger = _charger({**_eff(up.charger(2, "cp", "C", 1)), **charger_junk})
    values = dict(hub.data)
    if charger is not None:
        values.update(charger.data)
        assert charger.data["min_current_a"] <= charger.data["max_current_a"]
        assert set(charger.data["phases"]) <= {"A", "B", "C"}
    for key, (low, high) in RANGES.items():
        if isinstance(values.get(key), int | float):
            assert low <= values[key] <= high and math.isfinite(values[key])
    assert 0 <= hub.data["battery_min_soc"] <= hub.data["battery_target_soc"] <= 100
