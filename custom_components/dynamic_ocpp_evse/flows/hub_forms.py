"""The forms of the hub flow: one short site form with collapsed sections, and the battery.

The site form asks what the controller needs to run (name, grid sensors, main
breaker, voltage); everything optional sits in collapsed sections: import limit,
solar, prices for plans (a price entity or the core Nord Pool or Tibber action),
battery (only its state-of-charge sensor: the other battery fields are a
follow-up form shown once one is chosen), inverter, built-in OCPP server, and
the advanced controller settings (distribution mode, timings and margins).
Only field definitions live here; the steps and their checks are in
``config_flow.py``.
"""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from homeassistant.helpers import selector

from ..const import (
    CONF_ALLOW_GRID_CHARGING,
    CONF_BATTERY_MAX_CHARGE_W,
    CONF_BATTERY_MAX_DISCHARGE_W,
    CONF_BATTERY_MIN_SOC,
    CONF_BATTERY_POWER_ENTITY,
    CONF_BATTERY_SOC_ENTITY,
    CONF_BATTERY_TARGET_SOC,
    CONF_DISTRIBUTION,
    CONF_EXCESS_THRESHOLD_MODE,
    CONF_EXCESS_THRESHOLD_W,
    CONF_GRID_INVERT,
    CONF_GRID_SENSOR_A,
    CONF_GRID_SENSOR_B,
    CONF_GRID_SENSOR_C,
    CONF_IMPORT_LIMIT_ENTITY,
    CONF_IMPORT_LIMIT_W,
    CONF_INVERTER_ASYMMETRIC,
    CONF_INVERTER_MAX_W,
    CONF_INVERTER_MAX_W_PER_PHASE,
    CONF_MAIN_BREAKER_A,
    CONF_NAME,
    CONF_OCPP_SERVER_CERTFILE,
    CONF_OCPP_SERVER_ENABLED,
    CONF_OCPP_SERVER_HOST,
    CONF_OCPP_SERVER_KEYFILE,
    CONF_OCPP_SERVER_PORT,
    CONF_PRICE_AREA,
    CONF_PRICE_CURRENCY,
    CONF_PRICE_ENTITY,
    CONF_PRICE_NORDPOOL_ENTRY,
    CONF_PRICE_SOURCE,
    CONF_PRICE_TIBBER_HOME,
    CONF_SOLAR_ENTITY,
    CONF_VOLTAGE,
    DEFAULT_BATTERY_MAX_W,
    DEFAULT_BATTERY_MIN_SOC,
    DEFAULT_BATTERY_TARGET_SOC,
    DEFAULT_DISTRIBUTION,
    DEFAULT_EXCESS_THRESHOLD_W,
    DEFAULT_MAIN_BREAKER_A,
    DEFAULT_OCPP_SERVER_HOST,
    DEFAULT_OCPP_SERVER_PORT,
    DEFAULT_PRICE_SOURCE,
    DEFAULT_VOLTAGE,
    DISTRIBUTION_MODES,
    EXCESS_THRESHOLD_MODES,
    NORDPOOL_CURRENCIES,
    PRICE_SOURCES,
)
from .helpers import boolean, choice, entity_of, number, text
from .sections import collapsed
from .timing import hub_timing_fields

GRID_KEYS = (CONF_GRID_SENSOR_A, CONF_GRID_SENSOR_B, CONF_GRID_SENSOR_C)

SECTION_IMPORT_LIMIT = "import_limit"
SECTION_SOLAR = "solar"
SECTION_PRICES = "prices"
SECTION_BATTERY = "battery"
SECTION_INVERTER = "inverter"
SECTION_OCPP_SERVER = "ocpp_server"
SECTION_ADVANCED = "advanced"

# the battery fields asked in the follow-up form (the SOC sensor is in the site form)
BATTERY_KEYS = (
    CONF_BATTERY_POWER_ENTITY,
    CONF_BATTERY_MIN_SOC,
    CONF_BATTERY_TARGET_SOC,
    CONF_BATTERY_MAX_CHARGE_W,
    CONF_BATTERY_MAX_DISCHARGE_W,
    CONF_ALLOW_GRID_CHARGING,
)


def _power_sensor() -> Any:
    return entity_of((["sensor"], ["power"]))


def site_schema() -> vol.Schema:
    """The site form (built fresh each time: the frontend's suggestions go into it)."""
    grid = entity_of((["sensor"], ["current", "power"]))
    fields: dict[Any, Any] = {
        vol.Required(CONF_NAME): text(),
        vol.Required(CONF_GRID_SENSOR_A): grid,
        vol.Optional(CONF_GRID_SENSOR_B): grid,
        vol.Optional(CONF_GRID_SENSOR_C): grid,
        vol.Optional(CONF_GRID_INVERT, default=False): boolean(),
        vol.Required(CONF_MAIN_BREAKER_A, default=DEFAULT_MAIN_BREAKER_A): number(
            "A", 1, CONF_MAIN_BREAKER_A
        ),
        vol.Required(CONF_VOLTAGE, default=DEFAULT_VOLTAGE): number("V", 1, CONF_VOLTAGE),
    }
    fields |= collapsed(
        SECTION_IMPORT_LIMIT,
        {
            vol.Optional(CONF_IMPORT_LIMIT_W): number("W", 100, CONF_IMPORT_LIMIT_W),
            vol.Optional(CONF_IMPORT_LIMIT_ENTITY): entity_of(
                (["sensor"], ["power"]), (["number", "input_number"], None)
            ),
        },
    )
    fields |= collapsed(
        SECTION_SOLAR,
        {
            vol.Optional(CONF_SOLAR_ENTITY): _power_sensor(),
            vol.Required(CONF_EXCESS_THRESHOLD_W, default=DEFAULT_EXCESS_THRESHOLD_W): number(
                "W", 100, CONF_EXCESS_THRESHOLD_W
            ),
            vol.Required(CONF_EXCESS_THRESHOLD_MODE, default="offset"): choice(
                list(EXCESS_THRESHOLD_MODES), "excess_threshold_mode"
            ),
        },
    )
    fields |= collapsed(SECTION_PRICES, price_fields())
    fields |= collapsed(
        SECTION_BATTERY,
        {vol.Optional(CONF_BATTERY_SOC_ENTITY): entity_of((["sensor"], ["battery"]))},
    )
    fields |= collapsed(
        SECTION_INVERTER,
        {
            vol.Optional(CONF_INVERTER_MAX_W): number("W", 100, CONF_INVERTER_MAX_W),
            vol.Optional(CONF_INVERTER_MAX_W_PER_PHASE): number(
                "W", 100, CONF_INVERTER_MAX_W_PER_PHASE
            ),
            vol.Optional(CONF_INVERTER_ASYMMETRIC, default=False): boolean(),
        },
    )
    fields |= collapsed(
        SECTION_OCPP_SERVER,
        {
            vol.Optional(CONF_OCPP_SERVER_ENABLED, default=False): boolean(),
            vol.Required(CONF_OCPP_SERVER_HOST, default=DEFAULT_OCPP_SERVER_HOST): text(),
            vol.Required(CONF_OCPP_SERVER_PORT, default=DEFAULT_OCPP_SERVER_PORT): number(
                None, 1, CONF_OCPP_SERVER_PORT
            ),
            vol.Optional(CONF_OCPP_SERVER_CERTFILE): text(),  # both set: wss://
            vol.Optional(CONF_OCPP_SERVER_KEYFILE): text(),
        },
    )
    fields |= collapsed(
        SECTION_ADVANCED,
        {
            vol.Required(CONF_DISTRIBUTION, default=DEFAULT_DISTRIBUTION): choice(
                DISTRIBUTION_MODES, "distribution"
            ),
            **hub_timing_fields(),
        },
    )
    return vol.Schema(fields)


def price_fields() -> dict[Any, Any]:
    """Where plans get prices: a price entity, or the core Nord Pool or Tibber action."""
    return {
        vol.Required(CONF_PRICE_SOURCE, default=DEFAULT_PRICE_SOURCE): choice(
            list(PRICE_SOURCES), "price_source"
        ),
        vol.Optional(CONF_PRICE_ENTITY): entity_of((["sensor", "event"], None)),
        vol.Optional(CONF_PRICE_NORDPOOL_ENTRY): selector.ConfigEntrySelector(
            selector.ConfigEntrySelectorConfig(integration="nordpool")
        ),
        vol.Optional(CONF_PRICE_AREA): text(),
        vol.Optional(CONF_PRICE_CURRENCY): choice(list(NORDPOOL_CURRENCIES)),
        vol.Optional(CONF_PRICE_TIBBER_HOME): text(),
    }


def battery_schema() -> vol.Schema:
    """The battery form, shown once a battery state-of-charge sensor is chosen."""
    return vol.Schema(
        {
            vol.Optional(CONF_BATTERY_POWER_ENTITY): _power_sensor(),
            vol.Required(CONF_BATTERY_MIN_SOC, default=DEFAULT_BATTERY_MIN_SOC): number(
                "%", 1, CONF_BATTERY_MIN_SOC
            ),
            vol.Required(CONF_BATTERY_TARGET_SOC, default=DEFAULT_BATTERY_TARGET_SOC): number(
                "%", 1, CONF_BATTERY_TARGET_SOC
            ),
            vol.Required(CONF_BATTERY_MAX_CHARGE_W, default=DEFAULT_BATTERY_MAX_W): number(
                "W", 100, CONF_BATTERY_MAX_CHARGE_W
            ),
            vol.Required(CONF_BATTERY_MAX_DISCHARGE_W, default=DEFAULT_BATTERY_MAX_W): number(
                "W", 100, CONF_BATTERY_MAX_DISCHARGE_W
            ),
            vol.Optional(CONF_ALLOW_GRID_CHARGING, default=True): boolean(),
        }
    )
