"""Thermal load adapters: a ``water_heater`` or ``climate`` entity, or a switch, plus temperatures.

Reading: the load's temperature comes from its temperature sensor, else from the
controlled entity's ``current_temperature``; the outdoor sensor, when set, is
the ambient the model loses heat towards. A reading in degrees F is converted.
The draw is the power sensor's reading, else the rated power while the device
runs (a climate's ``hvac_action`` heating/cooling, else while it was told to).

Control: the engine decides on or off; the setpoint only has to let the device
run as far as the engine allows.

- ``water_heater``: on -> ``water_heater.set_temperature`` to the boost ceiling
  (never past the maximum); off -> to the entity's ``min_temp`` (its own
  protection minimum), else the band's bottom less 5 C.
- ``climate``: on -> ``climate.set_hvac_mode`` heat or cool (when not already)
  and ``climate.set_temperature`` to the ceiling; off -> ``set_hvac_mode`` off.
- a switch: as a plug (``SwitchPlugAdapter``), with the temperatures added.

Heating or cooling (a room set to ``auto``): the climate's HVAC mode when it is
``heat`` or ``cool``; otherwise outdoor warmer than the target means cooling;
without an outdoor reading, May to September cools (November to March in the
southern hemisphere).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigSubentry
from homeassistant.const import ATTR_UNIT_OF_MEASUREMENT, STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State
from homeassistant.util import dt as dt_util

from ..const import (
    CONF_CONTROL_ENTITY,
    CONF_COOLING,
    CONF_OUTDOOR_ENTITY,
    CONF_POWER_ENTITY,
    CONF_TARGET_C,
    CONF_TEMPERATURE_ENTITY,
    CONF_THERMAL_KIND,
)
from ..load_config import rated_w, thermal_block
from ..measurements import numeric_state, power_w
from ..scenario_config import load_phases, site_phases, voltage
from .base import LoadCommand, LoadReading
from .service_calls import Call, ServiceCaller
from .switch import SwitchPlugAdapter

_LOGGER = logging.getLogger(__name__)
RUNNING_ACTIONS = frozenset({"heating", "cooling"})


def _celsius(state: State | None, value: float | None) -> float | None:
    if value is None or state is None:
        return value
    unit = str(state.attributes.get(ATTR_UNIT_OF_MEASUREMENT, "")).upper()
    return (value - 32.0) * 5.0 / 9.0 if unit in ("°F", "F") else value


def read_temperatures(
    hass: HomeAssistant, data: Mapping[str, Any], device: str | None
) -> tuple[float | None, float | None]:
    """(load temperature, outdoor temperature) in degrees C; None when unknown."""
    temp: float | None = None
    sensor = data.get(CONF_TEMPERATURE_ENTITY)
    if sensor:
        state = hass.states.get(str(sensor))
        temp = _celsius(state, numeric_state(state))
    elif device:
        state = hass.states.get(device)
        if state is not None and state.state not in (STATE_UNAVAILABLE, STATE_UNKNOWN):
            raw = state.attributes.get("current_temperature")
            if isinstance(raw, int | float) and not isinstance(raw, bool):
                temp = _celsius_of_system(hass, float(raw))
    ambient: float | None = None
    outdoor = data.get(CONF_OUTDOOR_ENTITY)
    if outdoor:
        state = hass.states.get(str(outdoor))
        ambient = _celsius(state, numeric_state(state))
    return temp, ambient


def _celsius_of_system(hass: HomeAssistant, value: float) -> float:
    """A climate / water heater temperature (in the system's unit) in degrees C."""
    unit = hass.config.units.temperature_unit
    return (value - 32.0) * 5.0 / 9.0 if unit == "°F" else value


def _to_system(hass: HomeAssistant, celsius: float) -> float:
    return celsius * 9.0 / 5.0 + 32.0 if hass.config.units.temperature_unit == "°F" else celsius


def season_cooling(hass: HomeAssistant, data: Mapping[str, Any], device: str | None) -> bool:
    """Whether a room is cooled now rather than heated (see the module docstring)."""
    if data.get(CONF_THERMAL_KIND) != "room":
        return False
    choice = data.get(CONF_COOLING, "auto")
    if choice in ("heat", "cool"):
        return bool(choice == "cool")
    state = hass.states.get(device) if device else None
    if (
        state is not None
        and device
        and device.startswith("climate.")
        and state.state
        in (
            "heat",
            "cool",
        )
    ):
        return state.state == "cool"
    _, outdoor = read_temperatures(hass, data, None)
    target = data.get(CONF_TARGET_C, 21.0)
    if outdoor is not None and isinstance(target, int | float):
        return outdoor > float(target)
    month = dt_util.now().month
    summer = 5 <= month <= 9
    southern = float(hass.config.latitude) < 0
    return (month >= 11 or month <= 3) if southern else summer


class ThermalSwitchAdapter(SwitchPlugAdapter):
    """A thermal load switched on and off (a tank with a contactor), with its temperatures."""

    def __init__(
        self,
        hass: HomeAssistant,
        hub_data: Mapping[str, Any],
        subentry: ConfigSubentry,
        switch_entity: str,
    ) -> None:
        super().__init__(
            hass,
            hub_data,
            subentry,
            switch_entity=switch_entity,
            rated_w=rated_w(subentry.data),
        )
        self._data = dict(subentry.data)

    @property
    def input_entities(self) -> list[str]:
        """The switch, power sensor and temperature sensors."""
        extra = [self._data.get(CONF_TEMPERATURE_ENTITY), self._data.get(CONF_OUTDOOR_ENTITY)]
        return super().input_entities + [str(e) for e in extra if e]

    @property
    def cooling(self) -> bool:
        """Heating or cooling now (a switched room follows its setting or the season)."""
        return season_cooling(self._hass, self._data, None)

    def read(self) -> LoadReading:
        """The switch's reading with the temperatures."""
        reading = super().read()
        temp, ambient = read_temperatures(self._hass, self._data, None)
        return LoadReading(reading.draw_a, reading.active, True, temp, ambient)


class ThermostatAdapter(ServiceCaller):
    """Controls a thermal load through a water_heater or climate entity."""

    def __init__(
        self, hass: HomeAssistant, hub_data: Mapping[str, Any], subentry: ConfigSubentry
    ) -> None:
        self._hass = hass
        self._data = dict(subentry.data)
        self._entity = str(subentry.data.get(CONF_CONTROL_ENTITY, ""))
        self._domain = self._entity.partition(".")[0]
        power_entity = subentry.data.get(CONF_POWER_ENTITY)
        self._power_entity: str | None = str(power_entity) if power_entity else None
        self._legs = len(load_phases(subentry, site_phases(hub_data)))
        self._volts = voltage(hub_data)
        self._rated_w = rated_w(subentry.data)
        self._commanded: bool | None = None
        self._applied: tuple[bool, bool] | None = None
        self._failed = False
        self._busy = False
        self._status = "ok"
        self.last_error: str | None = None

    def __repr__(self) -> str:
        return f"ThermostatAdapter({self._entity})"

    @property
    def input_entities(self) -> list[str]:
        """The device, power sensor and temperature sensors."""
        extra = (
            self._entity,
            self._power_entity,
            self._data.get(CONF_TEMPERATURE_ENTITY),
            self._data.get(CONF_OUTDOOR_ENTITY),
        )
        return [str(e) for e in extra if e]

    @property
    def status(self) -> str:
        """ "ok", "offline" (device cannot be read) or "service_failed"."""
        return self._status

    @property
    def cooling(self) -> bool:
        """Whether a room is cooled now (from the climate's HVAC mode or the season)."""
        return season_cooling(self._hass, self._data, self._entity)

    def _state(self) -> State | None:
        state = self._hass.states.get(self._entity)
        if state is None or state.state in (STATE_UNAVAILABLE, STATE_UNKNOWN):
            return None
        return state

    def read(self) -> LoadReading:
        """Draw per leg and temperatures; inactive-unknown when the device is unavailable."""
        state = self._state()
        temp, ambient = read_temperatures(self._hass, self._data, self._entity)
        if state is None:
            if not self._failed:
                self._status = "offline"
            return LoadReading(None, None, True, temp, ambient)
        if self._status == "offline":
            self._status = "ok"
        watts = power_w(self._hass.states.get(self._power_entity)) if self._power_entity else None
        if watts is None:
            action = state.attributes.get("hvac_action")
            running = action in RUNNING_ACTIONS if action is not None else bool(self._commanded)
            watts = self._rated_w if running and state.state != "off" else 0.0
        amps = max(0.0, watts) / (self._volts * self._legs)
        return LoadReading([amps] * self._legs, True, True, temp, ambient)

    async def async_setup(self) -> None:
        """Nothing to prepare."""

    async def async_apply(self, command: LoadCommand) -> None:
        """Run (setpoint at the ceiling) or rest (setpoint low / HVAC off) as commanded."""
        desired = command.current_a > 0
        if self._busy or self._state() is None:
            return
        wanted = (desired, self.cooling)  # a flip to cooling changes the setpoint
        if wanted == self._applied and not self._failed and not command.send:
            return
        await self._run(desired, wanted)

    def _calls(self, on: bool) -> list[tuple[str, dict[str, Any]]]:
        cooling = self.cooling
        block = thermal_block(self._data, cooling)
        state = self._state()
        attrs = state.attributes if state is not None else {}
        if self._domain == "climate":
            if not on:
                return [("set_hvac_mode", {"hvac_mode": "off"})]
            calls: list[tuple[str, dict[str, Any]]] = []
            mode = "cool" if cooling else "heat"
            if state is None or state.state != mode:
                calls.append(("set_hvac_mode", {"hvac_mode": mode}))
            ceiling = _to_system(self._hass, block["boost_c"])
            calls.append(("set_temperature", {"temperature": ceiling}))
            return calls
        if on:
            return [("set_temperature", {"temperature": _to_system(self._hass, block["boost_c"])})]
        low = attrs.get("min_temp")
        if not isinstance(low, int | float) or isinstance(low, bool):
            low = _to_system(self._hass, block["target_c"] - block["hysteresis_c"] - 5.0)
        return [("set_temperature", {"temperature": float(low)})]

    async def _run(self, on: bool, wanted: tuple[bool, bool]) -> None:
        def calls() -> list[Call]:
            return [(self._domain, service, data) for service, data in self._calls(on)]

        if await self._call_services(self._entity, f"control ({self._domain})", calls):
            self._commanded = on
            self._applied = wanted

    async def async_reset(self) -> None:
        """Forget what was commanded: the next command is applied afresh."""
        self._commanded = None
        self._applied = None
        self._failed = False

    async def async_unload(self) -> None:
        """Leave the device as it is."""
