"""Builders for hub config entries with subentries, set up directly (not via the flow).

The standard test site: 3 phases, 25 A main breaker, 230 V, grid sensors in A,
a solar sensor, two plugs (2000 W on phase A in solar mode, 1000 W on phase B in
continuous mode) and a 16 A garage circuit holding both. Stand-in ``switch``
services record every call and switch the state like a real plug would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from homeassistant.config_entries import ConfigSubentryDataWithId
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import HomeAssistantError
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.dynamic_ocpp_evse.const import (
    BACKEND_OCPP_INTEGRATION,
    CONF_BACKEND,
    CONF_BATTERY_POWER_ENTITY,
    CONF_BATTERY_SOC_ENTITY,
    CONF_CHARGE_POINT_ID,
    CONF_CONNECTOR_ID,
    CONF_DISTRIBUTION,
    CONF_GRID_SENSOR_A,
    CONF_GRID_SENSOR_B,
    CONF_GRID_SENSOR_C,
    CONF_IMPORT_LIMIT_W,
    CONF_LIMIT_A,
    CONF_MAIN_BREAKER_A,
    CONF_MAX_CURRENT_A,
    CONF_MEMBERS,
    CONF_MIN_CURRENT_A,
    CONF_MODE,
    CONF_NAME,
    CONF_PARENT,
    CONF_PHASES,
    CONF_POWER_W,
    CONF_PRIORITY,
    CONF_SOLAR_ENTITY,
    CONF_SWITCH_ENTITY,
    CONF_VOLTAGE,
    DOMAIN,
    SUBENTRY_CHARGER,
    SUBENTRY_CIRCUIT,
    SUBENTRY_PLUG,
)

GRID = ("sensor.grid_a", "sensor.grid_b", "sensor.grid_c")
SOLAR = "sensor.solar"
PLUG1_SWITCH = "switch.heater"
PLUG2_SWITCH = "switch.pump"
PLUG3_SWITCH = "switch.boiler"  # used by tests that add a third plug
STAND_IN_SWITCHES = (PLUG1_SWITCH, PLUG2_SWITCH, PLUG3_SWITCH)

HUB_DATA: dict[str, Any] = {
    CONF_NAME: "Home",
    CONF_GRID_SENSOR_A: GRID[0],
    CONF_GRID_SENSOR_B: GRID[1],
    CONF_GRID_SENSOR_C: GRID[2],
    CONF_MAIN_BREAKER_A: 25.0,
    CONF_VOLTAGE: 230.0,
    CONF_SOLAR_ENTITY: SOLAR,
    CONF_IMPORT_LIMIT_W: 15000.0,
    CONF_DISTRIBUTION: "priority",
}


HEATER = "sub_heater"
PUMP = "sub_pump"
GARAGE = "sub_garage"
CHARGER = "sub_charger"


def plug(
    sub_id: str, title: str, switch: str, power_w: float, phase: str, mode: str, priority: int
) -> ConfigSubentryDataWithId:
    """A plug subentry."""
    return ConfigSubentryDataWithId(
        data={
            CONF_NAME: title,
            CONF_SWITCH_ENTITY: switch,
            CONF_POWER_W: power_w,
            CONF_PHASES: [phase],
            CONF_MODE: mode,
            CONF_PRIORITY: priority,
        },
        subentry_id=sub_id,
        subentry_type=SUBENTRY_PLUG,
        title=title,
        unique_id=switch,
    )


def circuit(
    sub_id: str, title: str, limit_a: float, members: list[str], parent: str | None = None
) -> ConfigSubentryDataWithId:
    """A circuit subentry; members are subentry ids."""
    return ConfigSubentryDataWithId(
        data={CONF_NAME: title, CONF_LIMIT_A: limit_a, CONF_PARENT: parent, CONF_MEMBERS: members},
        subentry_id=sub_id,
        subentry_type=SUBENTRY_CIRCUIT,
        title=title,
        unique_id=None,
    )


def charger(
    sub_id: str = CHARGER, title: str = "Wallbox", cpid: str = "cp1", **data: Any
) -> ConfigSubentryDataWithId:
    """An OCPP-integration charger connector subentry (6-16 A, 3 phases; ``data``:
    further keys of its configuration)."""
    return ConfigSubentryDataWithId(
        data={
            CONF_NAME: title,
            CONF_BACKEND: BACKEND_OCPP_INTEGRATION,
            CONF_CHARGE_POINT_ID: cpid,
            CONF_CONNECTOR_ID: 1,
            CONF_PHASES: ["A", "B", "C"],
            CONF_MIN_CURRENT_A: 6.0,
            CONF_MAX_CURRENT_A: 16.0,
            CONF_MODE: "standard",
            CONF_PRIORITY: 1,
            **data,
        },
        subentry_id=sub_id,
        subentry_type=SUBENTRY_CHARGER,
        title=title,
        unique_id=f"{cpid}-1",
    )


def make_entry(
    hass: HomeAssistant,
    *,
    data: dict[str, Any] | None = None,
    plugs: bool = True,
    with_circuit: bool = True,
    extra: list[ConfigSubentryDataWithId] | None = None,
    entry_id: str | None = None,
) -> MockConfigEntry:
    """The standard hub (see module docstring), added to hass but not set up."""
    subentries: list[ConfigSubentryDataWithId] = []
    if plugs:
        subentries += [
            plug(HEATER, "Heater", PLUG1_SWITCH, 2000.0, "A", "solar", 1),
            plug(PUMP, "Pump", PLUG2_SWITCH, 1000.0, "B", "continuous", 2),
        ]
        if with_circuit:
            subentries.append(circuit(GARAGE, "Garage", 16.0, [HEATER, PUMP]))
    subentries += extra or []
    kwargs: dict[str, Any] = {} if entry_id is None else {"entry_id": entry_id}
    entry = MockConfigEntry(
        domain=DOMAIN, title="Home", data=data or HUB_DATA, subentries_data=subentries, **kwargs
    )
    entry.add_to_hass(hass)
    return entry


def subentry_id(entry: MockConfigEntry, title: str) -> str:
    """The id of the subentry with this title."""
    return next(sid for sid, sub in entry.subentries.items() if sub.title == title)


def set_grid(hass: HomeAssistant, a: float, b: float, c: float, unit: str = "A") -> None:
    """Set the three grid sensors (+ import, - export)."""
    for entity_id, value in zip(GRID, (a, b, c), strict=True):
        hass.states.async_set(entity_id, str(value), {"unit_of_measurement": unit})


def set_solar(hass: HomeAssistant, watts: float) -> None:
    """Set the solar production sensor."""
    hass.states.async_set(SOLAR, str(watts), {"unit_of_measurement": "W"})


def cars_plugged_in(
    hass: HomeAssistant,
    fake: Any,
    cpids: tuple[str, ...],
    *,
    status: str = "SuspendedEVSE",
    offered: float = 0.0,
) -> None:
    """Chargers ``cpids`` in the ocpp stand-in ``fake``, each with a car plugged in
    that draws nothing yet (``status``, ``offered`` A on offer), on a house drawing
    2 A per phase without sun."""
    for cpid in cpids:
        ids = fake.add_charger(cpid)[1]
        fake.set_state(ids["status.connector"], status)
        fake.set_state(ids["current.import"], 0.0, L1=0.0, L2=0.0, L3=0.0)
        fake.set_state(ids["current.offered"], offered)
    set_grid(hass, 2.0, 2.0, 2.0)
    set_solar(hass, 0.0)


class SiteModel:
    """A tiny site: house load per phase, solar spread evenly, plugs drawing when on.

    ``publish`` writes the grid meter the way a real one would read it, including
    what the plugs draw, so the hub sees its own commands take effect.
    """

    PLUGS = {PLUG1_SWITCH: ("A", 2000.0), PLUG2_SWITCH: ("B", 1000.0)}

    def __init__(self, hass: HomeAssistant, house_a: float = 2.0, solar_w: float = 0.0) -> None:
        self.hass = hass
        self.house_a = {"A": house_a, "B": house_a, "C": house_a}
        self.solar_w = solar_w

    def grid(self) -> dict[str, float]:
        """What the grid meter reads now (+ import)."""
        grid = {p: amps - self.solar_w / 3 / 230.0 for p, amps in self.house_a.items()}
        for switch, (phase, watts) in self.PLUGS.items():
            state = self.hass.states.get(switch)
            if state is not None and state.state == "on":
                grid[phase] += watts / 230.0
        return grid

    def publish(self) -> None:
        """Write solar and grid states."""
        set_solar(self.hass, self.solar_w)
        grid = self.grid()
        set_grid(self.hass, round(grid["A"], 3), round(grid["B"], 3), round(grid["C"], 3))


async def register_switch(
    hass: HomeAssistant, site: SiteModel | None = None, *, fail: bool = False
) -> list[ServiceCall]:
    """Stand-in ``switch`` services for the plug entities: record every call, switch
    the state, update the meter. Calls for other switches (the hub's own) go to the
    real services. With ``fail`` plug calls are recorded and then raise.
    """
    assert await async_setup_component(hass, "switch", {})
    originals = hass.services.async_services_for_domain("switch")
    calls: list[ServiceCall] = []

    async def handle(call: ServiceCall) -> None:
        ids = call.data["entity_id"]
        ids = ids if isinstance(ids, list) else [ids]
        others = [i for i in ids if i not in STAND_IN_SWITCHES]
        if others:
            real = originals[call.service]
            data = {**call.data, "entity_id": others}
            data = real.schema(data) if real.schema is not None else data
            await real.job.target(ServiceCall(hass, "switch", call.service, data, call.context))
        if len(others) == len(ids):
            return
        calls.append(call)
        if fail:
            raise HomeAssistantError("plug unreachable")
        new = "on" if call.service == "turn_on" else "off"
        for entity_id in ids:
            if entity_id in STAND_IN_SWITCHES:
                hass.states.async_set(entity_id, new)
        if site is not None:
            site.publish()

    hass.services.async_register("switch", "turn_on", handle)
    hass.services.async_register("switch", "turn_off", handle)
    return calls


async def settle(hass: HomeAssistant) -> None:
    """Let the debounce cooldown pass (1 s) and everything scheduled run."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=1))
    await hass.async_block_till_done()


async def advance(hass: HomeAssistant, freezer: Any, seconds: float, step: float = 5.0) -> None:
    """Let time pass in ticks, running the hub's periodic cycle each time."""
    elapsed = 0.0
    while elapsed < seconds:
        freezer.tick(step)
        elapsed += step
        async_fire_time_changed(hass)
        await hass.async_block_till_done()


def switch_calls(calls: list[ServiceCall]) -> list[tuple[str, str]]:
    """(service, entity_id) of every recorded call, in order."""
    return [(c.service, c.data["entity_id"]) for c in calls]


async def setup_hub(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Set the entry up and let the first cycle's commands run."""
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@dataclass
class RunningHub:
    """The standard hub set up on a site model (see :func:`start_hub`)."""

    entry: MockConfigEntry
    site: SiteModel
    calls: list[ServiceCall]  # the stand-in plug services' calls


async def start_hub(
    hass: HomeAssistant, site: SiteModel | None = None, *, fail: bool = False, **entry: Any
) -> RunningHub:
    """Set the standard hub (``make_entry(hass, **entry)``) up on ``site`` (default: a
    2 A house, no sun): stand-in plug services (failing with ``fail``), both plugs off,
    the meter published."""
    site = site or SiteModel(hass)
    calls = await register_switch(hass, site, fail=fail)
    hass.states.async_set(PLUG1_SWITCH, "off")
    hass.states.async_set(PLUG2_SWITCH, "off")
    site.publish()
    config_entry = make_entry(hass, **entry)
    await setup_hub(hass, config_entry)
    return RunningHub(config_entry, site, calls)


def battery_data() -> dict[str, Any]:
    """Hub data with a home battery."""
    return {
        **HUB_DATA,
        CONF_BATTERY_SOC_ENTITY: "sensor.battery_soc",
        CONF_BATTERY_POWER_ENTITY: "sensor.battery_power",
    }
