"""Constants shared by the Home Assistant side: domain, config keys, defaults.

The engine never imports this module; it has its own vocabulary in ``engine/``.
"""

from __future__ import annotations

from typing import Final

DOMAIN: Final = "dynamic_ocpp_evse"
MANUFACTURER: Final = "Dynamic OCPP EVSE"

# --- hub (config entry data) -------------------------------------------------
CONF_NAME: Final = "name"
CONF_GRID_SENSOR_A: Final = "grid_sensor_a"  # entity id, A or W (unit from entity)
CONF_GRID_SENSOR_B: Final = "grid_sensor_b"  # optional: absent = phase does not exist
CONF_GRID_SENSOR_C: Final = "grid_sensor_c"
CONF_GRID_INVERT: Final = "grid_invert"  # True when the sensor reports export as +
CONF_MAIN_BREAKER_A: Final = "main_breaker_a"
CONF_VOLTAGE: Final = "voltage"
CONF_IMPORT_LIMIT_W: Final = "import_limit_w"  # fixed number (optional)
CONF_IMPORT_LIMIT_ENTITY: Final = "import_limit_entity"  # or an entity (optional)
CONF_SOLAR_ENTITY: Final = "solar_entity"
CONF_BATTERY_SOC_ENTITY: Final = "battery_soc_entity"
CONF_BATTERY_POWER_ENTITY: Final = "battery_power_entity"  # W, + = discharging
CONF_BATTERY_MIN_SOC: Final = "battery_min_soc"
CONF_BATTERY_TARGET_SOC: Final = "battery_target_soc"
CONF_BATTERY_MAX_CHARGE_W: Final = "battery_max_charge_w"
CONF_BATTERY_MAX_DISCHARGE_W: Final = "battery_max_discharge_w"
CONF_INVERTER_MAX_W: Final = "inverter_max_w"
CONF_INVERTER_MAX_W_PER_PHASE: Final = "inverter_max_w_per_phase"
CONF_INVERTER_ASYMMETRIC: Final = "inverter_asymmetric"
CONF_EXCESS_THRESHOLD_W: Final = "excess_threshold_w"
CONF_DISTRIBUTION: Final = "distribution"  # shared | priority | optimized | strict
CONF_ALLOW_GRID_CHARGING: Final = "allow_grid_charging"
CONF_UPDATE_INTERVAL_S: Final = "update_interval_s"
CONF_TIMING: Final = "timing"  # optional, not in the UI: controller timing keys
CONF_OCPP_SERVER_ENABLED: Final = "ocpp_server_enabled"
CONF_OCPP_SERVER_HOST: Final = "ocpp_server_host"
CONF_OCPP_SERVER_PORT: Final = "ocpp_server_port"
# optional TLS (OCPP security profile 2, wss://): PEM files on the Home Assistant host
CONF_OCPP_SERVER_CERTFILE: Final = "ocpp_server_certfile"
CONF_OCPP_SERVER_KEYFILE: Final = "ocpp_server_keyfile"

DEFAULT_VOLTAGE: Final = 230.0
DEFAULT_MAIN_BREAKER_A: Final = 25.0
DEFAULT_EXCESS_THRESHOLD_W: Final = 13000.0
DEFAULT_DISTRIBUTION: Final = "priority"
DEFAULT_UPDATE_INTERVAL_S: Final = 5.0
DEFAULT_BATTERY_MIN_SOC: Final = 20.0
DEFAULT_BATTERY_TARGET_SOC: Final = 80.0
DEFAULT_BATTERY_MAX_W: Final = 5000.0
DEFAULT_OCPP_SERVER_HOST: Final = "0.0.0.0"
DEFAULT_OCPP_SERVER_PORT: Final = 9016  # "OCPP 1.6"; 9000 is the ocpp integration's

DISTRIBUTION_MODES: Final = ("shared", "priority", "optimized", "strict")

CONF_EXCESS_THRESHOLD_MODE: Final = "excess_threshold_mode"  # "offset" | "gate"
EXCESS_THRESHOLD_MODES: Final = ("offset", "gate")

# --- subentries ----------------------------------------------------------------
SUBENTRY_CHARGER: Final = "charger"
SUBENTRY_PLUG: Final = "plug"
SUBENTRY_CIRCUIT: Final = "circuit"
SUBENTRY_LOAD: Final = "load"  # a generic load described in watts
SUBENTRY_THERMAL: Final = "thermal"  # a hot water tank, a heat pump / HVAC

# common to loads (charger connector, plug)
CONF_PRIORITY: Final = "priority"
CONF_MODE: Final = "mode"  # the initial operating mode; the select entity owns it after
CONF_PHASES: Final = "phases"  # list of site phases, L1 first, e.g. ["B"] or ["A","B","C"]
CONF_MIN_CURRENT_A: Final = "min_current_a"
CONF_MAX_CURRENT_A: Final = "max_current_a"

# charger (one subentry per connector)
CONF_BACKEND: Final = "backend"  # "ocpp_integration" | "builtin_server"
BACKEND_OCPP_INTEGRATION: Final = "ocpp_integration"
BACKEND_BUILTIN: Final = "builtin_server"
CONF_CHARGE_POINT_ID: Final = "charge_point_id"  # OCPP cpid (= ocpp integration devid)
CONF_CONNECTOR_ID: Final = "connector_id"
CONF_CONNECTOR_COUNT: Final = "connector_count"
CONF_UNIT_MAX_A: Final = "unit_max_current_a"
CONF_UNIT_CONCURRENT: Final = "unit_concurrent"  # True: all connectors at once
CONF_CURRENT_ENTITY: Final = "current_entity"  # current_import (A, per-phase attrs L1..L3)
CONF_STATUS_ENTITY: Final = "status_entity"  # status_connector
CONF_OFFERED_ENTITY: Final = "offered_entity"  # current_offered (A) or power_offered
CONF_RATE_UNIT: Final = "rate_unit"  # "a" | "w" (entries before 0.2 hold "A" | "W")
CONF_PROFILE_KIND: Final = "profile_kind"  # "tx_default" | "tx"
CONF_STACK_LEVEL: Final = "stack_level"
CONF_VALIDITY: Final = "validity"  # "relative" | "absolute"
CONF_PROFILE_VALIDITY_S: Final = "profile_validity_s"
CONF_MIN_SEND_INTERVAL_S: Final = "min_send_interval_s"
CONF_FAILSAFE_FLOOR: Final = "failsafe_floor"  # "minimum" | "zero"
CONF_COMPLIANCE_CYCLES: Final = "compliance_cycles"
CONF_PASSWORD: Final = "password"  # built-in server, security profile 1

DEFAULT_MIN_CURRENT_A: Final = 6.0
DEFAULT_MAX_CURRENT_A: Final = 16.0
DEFAULT_PRIORITY: Final = 1
DEFAULT_STACK_LEVEL: Final = 2
DEFAULT_PROFILE_VALIDITY_S: Final = 120
DEFAULT_MIN_SEND_INTERVAL_S: Final = 15
DEFAULT_COMPLIANCE_CYCLES: Final = 3

# plug
CONF_SWITCH_ENTITY: Final = "switch_entity"
CONF_POWER_W: Final = "power_w"
CONF_POWER_ENTITY: Final = "power_entity"  # optional measured power (W)

CONF_IDLE_W: Final = "idle_w"  # plug idle: below this power while on ...
CONF_IDLE_S: Final = "idle_s"  # ... for this long: it stops reserving its rated power

# generic load (and the switch of a thermal load)
CONF_CONTROL: Final = "control"  # "switch" | "setpoint" (number / input_number)
CONTROL_SWITCH: Final = "switch"
CONTROL_SETPOINT: Final = "setpoint"
CONTROL_THERMOSTAT: Final = "thermostat"  # water_heater / climate (thermal only)
CONF_CONTROL_ENTITY: Final = "control_entity"
CONF_SETPOINT_UNIT: Final = "setpoint_unit"  # "w" | "a"
SETPOINT_UNITS: Final = ("w", "a")
CONF_SETPOINT_STEP: Final = "setpoint_step"  # in the setpoint's unit
CONF_MIN_POWER_W: Final = "min_power_w"
CONF_MAX_POWER_W: Final = "max_power_w"
CONF_MIN_ON_S: Final = "min_on_s"
CONF_MIN_OFF_S: Final = "min_off_s"

# thermal load
CONF_THERMAL_KIND: Final = "thermal_kind"  # "water" | "room"
THERMAL_KINDS: Final = ("water", "room")
CONF_TEMPERATURE_ENTITY: Final = "temperature_entity"
CONF_OUTDOOR_ENTITY: Final = "outdoor_entity"
CONF_TARGET_C: Final = "target_c"
CONF_HYSTERESIS_C: Final = "hysteresis_c"
CONF_BOOST_C: Final = "boost_c"  # water: boost temperature; room: pre-heat/cool offset
CONF_LIMIT_C: Final = "limit_c"  # water: max temperature; room: max (heat) / min (cool)
CONF_MIN_C: Final = "min_c"  # room: min temperature (cooling never goes below)
CONF_COOLING: Final = "cooling"  # room: "auto" (from the climate's HVAC mode) | "heat" | "cool"
COOLING_CHOICES: Final = ("auto", "heat", "cool")

# circuit
CONF_LIMIT_A: Final = "limit_a"
CONF_PARENT: Final = "parent"  # subentry id of the parent circuit, or None
CONF_MEMBERS: Final = "members"  # subentry ids of loads and circuits

CONF_PRICE_ENTITY: Final = "price_entity"
CONF_PRICE_SOURCE: Final = "price_source"  # where prices come from: PRICE_SOURCES
PRICE_SOURCES: Final = ("entity", "nordpool", "tibber")
DEFAULT_PRICE_SOURCE: Final = "entity"
CONF_PRICE_NORDPOOL_ENTRY: Final = "price_nordpool_entry"  # core Nord Pool config entry id
CONF_PRICE_AREA: Final = "price_area"  # Nord Pool delivery area (e.g. SE3); empty: the entry's
CONF_PRICE_CURRENCY: Final = "price_currency"  # Nord Pool currency; empty: the entry's
NORDPOOL_CURRENCIES: Final = ("DKK", "EUR", "NOK", "PLN", "SEK")
CONF_PRICE_TIBBER_HOME: Final = "price_tibber_home"  # Tibber home name; empty: the first
PLAN_ENERGY_MAX_KWH: Final = 200.0
DEFAULT_DEPARTURE: Final = "07:00:00"
# plans by state of charge (charger subentry, section "Plans by state of charge")
CONF_SOC_ENTITY: Final = "soc_entity"  # the car's state of charge (%)
CONF_BATTERY_CAPACITY_KWH: Final = "battery_capacity_kwh"
BATTERY_CAPACITY_RANGE_KWH: Final = (1.0, 300.0)

LOAD_MODES_CHARGER: Final = ("standard", "eco", "solar", "excess", "off")
LOAD_MODES_PLUG: Final = ("continuous", "solar", "excess", "off")
LOAD_MODES_GENERIC: Final = ("continuous", "eco", "solar", "excess", "off")

# --- added by the config flow (choices and defaults of the forms) ---------------
CONF_TRANSACTION_ENTITY: Final = "transaction_entity"  # transaction_id (for tx profiles)
# Form options are lowercase (translation keys); OCPP gets "A"/"W" (rate_unit_of).
RATE_UNITS: Final = ("a", "w")
PROFILE_KINDS: Final = ("tx_default", "tx")
VALIDITY_KINDS: Final = ("absolute", "relative")
FAILSAFE_FLOORS: Final = ("minimum", "zero")
DEFAULT_RATE_UNIT: Final = "a"
DEFAULT_PROFILE_KIND: Final = "tx_default"
DEFAULT_VALIDITY: Final = "absolute"
DEFAULT_FAILSAFE_FLOOR: Final = "minimum"
DEFAULT_MODE_CHARGER: Final = "standard"
DEFAULT_MODE_PLUG: Final = "continuous"
DEFAULT_CIRCUIT_LIMIT_A: Final = 16.0
DEFAULT_PLUG_POWER_W: Final = 2000.0
DEFAULT_MODE_GENERIC: Final = "solar"
DEFAULT_MODE_THERMAL: Final = "eco"
DEFAULT_LOAD_MAX_W: Final = 3000.0
DEFAULT_ROOM_MIN_C: Final = 17.0
THERMAL_DEFAULTS: Final = {  # kind -> target, hysteresis, boost, limit (C)
    "water": (45.0, 3.0, 70.0, 75.0),
    "room": (21.0, 0.5, 2.0, 25.0),
}

# --- phase switching (chargers that can run on one phase or three) ----------------
CONF_PHASE_SWITCHING: Final = "phase_switching"  # how: none | ocpp | entity
PHASE_SWITCHING_METHODS: Final = ("none", "ocpp", "entity")
CONF_PHASE_SWITCH_ENTITY: Final = "phase_switch_entity"  # switch/select of a vendor integration
CONF_PHASE_MIN_INTERVAL_S: Final = "phase_min_interval_s"
CONF_PHASE_UP_DELAY_S: Final = "phase_up_delay_s"  # 1 -> 3 advice must hold this long
CONF_PHASE_DOWN_DELAY_S: Final = "phase_down_delay_s"  # 3 -> 1 advice must hold this long
CONF_PHASE_MODE: Final = "phase_mode"
PHASE_MODES: Final = ("auto", "1", "3")
DEFAULT_PHASE_MIN_INTERVAL_S: Final = 300.0
DEFAULT_PHASE_UP_DELAY_S: Final = 60.0
DEFAULT_PHASE_DOWN_DELAY_S: Final = 180.0
