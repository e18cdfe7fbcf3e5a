"""Config entries exactly as upstream (Dynamic OCPP EVSE 2.x / Load Juggler) stores them.

Keys, value spellings, titles and the split between ``data`` (fixed at creation)
and ``options`` (everything else) follow upstream's config flow: v2.0
(2.0.0, flow version 2.1: one hub, chargers; pause in seconds; hub-level charging
mode select) and 2.0.5 (flow version 2.2: per-load operating mode, import limit
slider, circuit groups; pause in minutes). v2.0 had no circuit groups; the v2.0
site below still has one shaped as 2.0.4 and later write it, so that both sites
exercise the same wiring. Unique ids of upstream's entities are
``<entry's entity_id>_<suffix>``. Holds no tests.
"""

from __future__ import annotations

from typing import Any

HUB_ID = "01HUBUPSTREAM0000000000000"
LEFT_ID = "01LEFTCHARGER0000000000000"
RIGHT_ID = "01RIGHTCHARGER000000000000"
GROUP_ID = "01GARAGEGROUP0000000000000"
GRID = ("sensor.grid_a", "sensor.grid_b", "sensor.grid_c")


def hub_v20() -> tuple[dict[str, Any], dict[str, Any], str]:
    """(data, options, title) of a hub created by 2.0.0 and set up once."""
    data = {
        "name": "Dynamic OCPP EVSE",
        "entity_id": "dynamic_ocpp_evse",
        "entry_type": "hub",
        # added by upstream's hub setup
        "battery_soc_target_entity_id": "number.dynamic_ocpp_evse_home_battery_soc_target",
        "allow_grid_charging_entity_id": "switch.dynamic_ocpp_evse_allow_grid_charging",
        "power_buffer_entity_id": "number.dynamic_ocpp_evse_power_buffer",
        "integration_version": "2.0.0",
    }
    options = {
        "phase_a_current_entity_id": GRID[0],
        "phase_b_current_entity_id": GRID[1],
        "phase_c_current_entity_id": GRID[2],
        "main_breaker_rating": 25,
        "invert_phases": False,
        "max_import_power_entity_id": None,
        "phase_voltage": 230,
        "excess_export_threshold": 13000,
        "site_update_frequency": 5,
        "inverter_max_power": None,
        "inverter_max_power_per_phase": None,
        "inverter_supports_asymmetric": False,
        "inverter_output_phase_a_entity_id": None,
        "inverter_output_phase_b_entity_id": None,
        "inverter_output_phase_c_entity_id": None,
        "wiring_topology": "parallel",
        "solar_production_entity_id": "sensor.solar",
        "battery_soc_entity_id": None,
        "battery_power_entity_id": None,
        "battery_max_charge_power": 5000,
        "battery_max_discharge_power": 5000,
        "battery_soc_hysteresis": 3,
        "charging_mode_entity_id": "select.dynamic_ocpp_evse_charging_mode",
        "battery_soc_target_entity_id": "number.dynamic_ocpp_evse_home_battery_soc_target",
        "allow_grid_charging_entity_id": "switch.dynamic_ocpp_evse_allow_grid_charging",
        "power_buffer_entity_id": "number.dynamic_ocpp_evse_power_buffer",
    }
    return data, options, "Dynamic OCPP EVSE"


def hub_v205() -> tuple[dict[str, Any], dict[str, Any], str]:
    """(data, options, title) of a hub created by 2.0.5 (with a home battery)."""
    data = {
        "name": "Site Load Management",
        "entity_id": "site_load_management",
        "entry_type": "hub",
        "battery_soc_target_entity_id": "number.site_load_management_home_battery_soc_target",
        "allow_grid_charging_entity_id": "switch.site_load_management_allow_grid_charging",
        "power_buffer_entity_id": "number.site_load_management_power_buffer",
        "integration_version": "2.0.0",
    }
    options = {
        "phase_a_current_entity_id": GRID[0],
        "phase_b_current_entity_id": GRID[1],
        "phase_c_current_entity_id": GRID[2],
        "main_breaker_rating": 25,
        "invert_phases": False,
        "enable_max_import_power": True,
        "max_import_power_entity_id": None,
        "phase_voltage": 230,
        "excess_export_threshold": 13000,
        "site_update_frequency": 2,
        "auto_detect_phase_mapping": True,
        "solar_grace_period": 5,
        "inverter_max_power": 10000,
        "inverter_max_power_per_phase": None,
        "inverter_supports_asymmetric": True,
        "inverter_output_phase_a_entity_id": None,
        "inverter_output_phase_b_entity_id": None,
        "inverter_output_phase_c_entity_id": None,
        "wiring_topology": "series",
        "solar_production_entity_id": "sensor.solar",
        "battery_soc_entity_id": "sensor.battery_soc",
        "battery_power_entity_id": "sensor.battery_power",
        "battery_max_charge_power": 4000,
        "battery_max_discharge_power": 4500,
        "battery_soc_hysteresis": 3,
        "battery_soc_target_entity_id": "number.site_load_management_home_battery_soc_target",
        "allow_grid_charging_entity_id": "switch.site_load_management_allow_grid_charging",
        "power_buffer_entity_id": "number.site_load_management_power_buffer",
    }
    return data, options, "Site Load Management"


def charger(
    minor: int, cpid: str, name: str, priority: int, *, l1: str = "A"
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """(data, options, title) of an OCPP charger entry of the hub ``HUB_ID``."""
    data: dict[str, Any] = {
        "entity_id": cpid,
        "name": name,
        "entry_type": "charger",
        "hub_entry_id": HUB_ID,
        "charger_id": cpid,
        "ocpp_device_id": cpid,
        "evse_current_import_entity_id": f"sensor.{cpid}_current_import",
        "evse_current_offered_entity_id": f"sensor.{cpid}_current_offered",
    }
    options: dict[str, Any] = {
        "charger_priority": priority,
        "evse_minimum_charge_current": 6,
        "evse_maximum_charge_current": 16,
        "charger_l1_phase": l1,
        "charger_l2_phase": "B" if l1 == "A" else "C",
        "charger_l3_phase": "C" if l1 == "A" else "A",
        "charge_rate_unit": "A",
        "profile_validity_mode": "absolute",
        "update_frequency": 15,
        "ocpp_profile_timeout": 120,
        "charge_pause_duration": 180 if minor < 2 else 3,
        "stack_level": 3,
        "min_current_entity_id": f"number.{cpid}_min_current",
        "max_current_entity_id": f"number.{cpid}_max_current",
    }
    if minor >= 2:
        data.update(
            {
                "evse_current_import_l1_entity_id": None,
                "evse_current_import_l2_entity_id": None,
                "evse_current_import_l3_entity_id": None,
                "evse_power_offered_entity_id": None,
                "evse_power_import_entity_id": None,
            }
        )
        options.update({"device_type": "evse", "solar_grace_period": 5})
    return data, options, f"{name} Charger"


def group(members: list[str], limit: int = 20) -> tuple[dict[str, Any], dict[str, Any], str]:
    """(data, options, title) of a circuit group of the hub ``HUB_ID``."""
    data = {
        "entity_id": "garage",
        "name": "Garage",
        "entry_type": "group",
        "device_type": "group",
        "hub_entry_id": HUB_ID,
    }
    options = {"circuit_group_current_limit": limit, "circuit_group_members": members}
    return data, options, "Garage"


def plug(name: str = "Heater") -> tuple[dict[str, Any], dict[str, Any], str]:
    """(data, options, title) of a 2.0.5 smart load entry of the hub ``HUB_ID``."""
    data = {
        "entity_id": "heater",
        "name": name,
        "entry_type": "charger",
        "device_type": "plug",
        "hub_entry_id": HUB_ID,
        "plug_switch_entity_id": "switch.heater",
    }
    options = {
        "plug_power_rating": 2000,
        "connected_to_phase": "B",
        "charger_priority": 3,
        "plug_power_monitor_entity_id": "sensor.heater_power",
        "update_frequency": 15,
        "solar_grace_period": 5,
    }
    return data, options, f"{name} Smart Load"


# (platform, suffix) of every entity upstream creates, per entry kind and version
HUB_ENTITIES_V20 = [
    ("select", "charging_mode"),
    ("select", "distribution_mode"),
    ("number", "power_buffer"),
    ("sensor", "site_info"),
    ("sensor", "net_site_consumption"),
    ("sensor", "site_available_current_phase_a"),
    ("sensor", "site_available_current_phase_b"),
    ("sensor", "site_available_current_phase_c"),
    ("sensor", "total_evse_power"),
    ("sensor", "solar_surplus_power"),
]
HUB_ENTITIES_V205 = [
    ("select", "distribution_mode"),
    ("number", "power_buffer"),
    ("number", "max_import_power"),
    ("number", "home_battery_soc_target"),
    ("number", "home_battery_soc_min"),
    ("switch", "allow_grid_charging"),
    ("sensor", "site_info"),
    ("sensor", "hub_status"),
    ("sensor", "battery_soc"),
    ("sensor", "net_site_consumption"),
    ("sensor", "solar_power"),
    ("sensor", "site_available_current_phase_a"),
    ("sensor", "site_available_current_phase_b"),
    ("sensor", "site_available_current_phase_c"),
    ("sensor", "total_evse_power"),
]
CHARGER_ENTITIES_V20 = [
    ("sensor", "available_current"),
    ("sensor", "allocated_current"),
    ("number", "min_current"),
    ("number", "max_current"),
    ("switch", "dynamic_control"),
    ("button", "reset_button"),
]
CHARGER_ENTITIES_V205 = [
    *CHARGER_ENTITIES_V20,
    ("select", "operating_mode"),
    ("sensor", "charging_status"),
]
GROUP_ENTITIES = [("sensor", "circuit_allocation")]
