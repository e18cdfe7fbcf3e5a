"""The hub coordinator: states -> measurements -> controller -> commands -> adapters.

One per hub (``entry.runtime_data``). Event-driven: every state change of an
input entity schedules a recompute through a short debouncer, a grid reading
above the main breaker recomputes at once (same cycle), and a periodic tick
keeps the controller's timers (pause, grace, refresh, stale inputs) moving.
Commands go to the adapters through a :class:`.commands.CommandRunner`
(background workers with a timeout, latest command wins, back-off for a failing
load): a slow or failing device never blocks the loop or the others. Plans get
their prices and solar forecast from a :class:`.plan_inputs.PlanInputs`, refreshed
in the background (the cycle plans with what it has).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.event import async_track_state_change_event, async_track_time_interval
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator
from homeassistant.util import dt as dt_util

from .adapters.base import LoadAdapter, LoadReading
from .adapters.factory import create_adapter
from .commands import CommandRunner
from .const import (
    CONF_IMPORT_LIMIT_ENTITY,
    CONF_MAIN_BREAKER_A,
    CONF_UPDATE_INTERVAL_S,
    DEFAULT_MAIN_BREAKER_A,
    DEFAULT_UPDATE_INTERVAL_S,
    DOMAIN,
)
from .controller_store import ControllerStore
from .engine import Controller, ScenarioError
from .engine.plausibility import import_limit
from .measurements import (
    SiteReading,
    as_screened,
    build_measurements,
    grid_amps,
    hub_input_entities,
    read_load,
    read_site,
)
from .plan_inputs import PlanInputs
from .plan_store import PlanStore
from .planning import PlanBook
from .repairs import InputWatch, named_refusals
from .scenario_config import GRID_SENSOR_KEYS, build_config, managed_load_ids, voltage
from .settings import LOAD_SUBENTRY_TYPES, Settings, build_settings
from .views import HubResult, LoadView, circuit_views, hub_status, load_status, reason_word

if TYPE_CHECKING:
    from .ocpp_runtime import OcppServerRuntime
    from .ocpp_server.server import CentralSystem

_LOGGER = logging.getLogger(__name__)

DEBOUNCE_S = 0.1  # coalesces bursts (3 phases at once); 0.3 s cost ~250 ms at p95


@dataclass(slots=True)
class RuntimeData:
    """What a loaded hub keeps in ``entry.runtime_data``."""

    coordinator: HubCoordinator
    ocpp_server: OcppServerRuntime | None = None  # the built-in central system, when enabled


type DynamicOcppEvseConfigEntry = ConfigEntry[RuntimeData]


class HubCoordinator(DataUpdateCoordinator[HubResult]):
    """Runs the control loop of one hub."""

    config_entry: DynamicOcppEvseConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: DynamicOcppEvseConfigEntry,
        clock: Callable[[], float] | None = None,
        central: CentralSystem | None = None,
    ) -> None:
        super().__init__(hass, _LOGGER, config_entry=entry, name=f"{DOMAIN} {entry.title}")
        self._clock = clock
        self.settings: Settings = build_settings(hass, entry)
        self.adapters: dict[str, LoadAdapter] = {
            sub_id: create_adapter(hass, entry.data, sub, central=central)
            for sub_id, sub in entry.subentries.items()
            if sub.subentry_type in LOAD_SUBENTRY_TYPES
        }
        self.config_error: str | None = None
        self._controller: Controller | None = None
        self._controller_config: dict[str, Any] | None = None
        self._restored_phases: dict[str, int] = {}
        self._started = False
        self._import_limit_w: float | None = None
        self._import_limit_why: str | None = None
        self._grid_seen = False
        self.plans = PlanBook()
        self.plan_store = PlanStore(hass, entry.entry_id)
        self._plan_floors: dict[str, float] = {}
        self.runner = CommandRunner(hass, entry, self.name, self.adapters, self._now)
        self.store = ControllerStore(hass, entry.entry_id)
        self._restored: tuple[Any, float] | None = None
        self.commands = self.runner.log
        self._unsubs: list[CALLBACK_TYPE] = []
        self._debouncer: Debouncer[None] = Debouncer(
            hass, _LOGGER, cooldown=DEBOUNCE_S, immediate=True, function=self.async_recompute
        )
        try:
            breaker = float(entry.data.get(CONF_MAIN_BREAKER_A, DEFAULT_MAIN_BREAKER_A))
        except (TypeError, ValueError):
            breaker = DEFAULT_MAIN_BREAKER_A
        self._breaker_a = breaker
        self.input_entities: list[str] = list(
            dict.fromkeys(
                hub_input_entities(entry.data)
                + [e for a in self.adapters.values() for e in a.input_entities]
            )
        )
        self.inputs = InputWatch(hass, entry.entry_id, entry.title, self.input_entities)
        # prices from a price action and the solar forecast, for plans
        self.plan_inputs = PlanInputs(hass, entry.data, self.name, self.async_schedule_recompute)

    # -- lifecycle -----------------------------------------------------------------
    async def async_start(self) -> None:
        """Restore what the controller kept, prepare the adapters, subscribe, run a cycle."""
        self._restored = await self.store.async_load()
        self.plans.restore(await self.plan_store.async_load())
        self.runner.start()
        self._unsubs.append(
            async_track_state_change_event(self.hass, self.input_entities, self._state_changed)
        )
        try:
            seconds = float(
                self.config_entry.data.get(CONF_UPDATE_INTERVAL_S, DEFAULT_UPDATE_INTERVAL_S)
            )
        except (TypeError, ValueError):
            seconds = DEFAULT_UPDATE_INTERVAL_S
        self._unsubs.append(
            async_track_time_interval(
                self.hass, self._tick, timedelta(seconds=max(1.0, seconds)), name=self.name
            )
        )
        self._unsubs.append(self.inputs.async_start())
        self._started = True
        self.async_recompute()

    async def async_stop(self) -> None:
        """Stop listening, finish or cancel pending commands, release the adapters."""
        self._started = False
        for unsub in self._unsubs:
            unsub()
        self._unsubs.clear()
        self._debouncer.async_shutdown()
        self.plan_inputs.stop()
        self.inputs.async_clear()
        await self.runner.stop()
        if self._controller is not None:
            controller, now = self._controller, self._now()
            await self.store.async_save(lambda: controller.snapshot(now))
        await self.plan_store.async_save(self.plans.to_dict())
        await self.async_shutdown()

    def _now(self) -> float:
        return self._clock() if self._clock is not None else time.monotonic()

    async def _async_update_data(self) -> HubResult:
        """Used by a manual refresh: one cycle now."""
        return self._cycle()

    # -- triggers ---------------------------------------------------------------------
    @callback
    def _state_changed(self, event: Event[EventStateChangedData]) -> None:
        if self._overload_in(event):
            self.async_recompute()  # never wait with an overload
        else:
            self._debouncer.async_schedule_call()

    def _overload_in(self, event: Event[EventStateChangedData]) -> bool:
        entity_id = event.data["entity_id"]
        data = self.config_entry.data
        if entity_id not in {data.get(key) for key in GRID_SENSOR_KEYS.values()}:
            return False
        amps = grid_amps(self.hass, data, entity_id)
        return amps is not None and amps > self._breaker_a

    @callback
    def _tick(self, _now: Any) -> None:
        self.async_recompute()

    @callback
    def async_settings_changed(self) -> None:
        """A user setting changed: apply it now (or with the first cycle)."""
        if self._started:
            self.async_recompute()

    @callback
    def async_schedule_recompute(self) -> None:
        """Something outside the state machine changed (a built-in charger): recompute soon."""
        self._debouncer.async_schedule_call()

    @callback
    def async_recompute(self) -> None:
        """Run one control cycle now and notify the entities."""
        if not self._started:
            return
        self.async_set_updated_data(self._cycle())

    @callback
    def restore_phases(self, load_id: str, count: int) -> None:
        """The phase count a switching charger was left on before a restart."""
        self._restored_phases[load_id] = count
        if self._controller is not None:
            self._controller.restore_phases(load_id, count)

    # -- the cycle ----------------------------------------------------------------------
    def _ensure_controller(self, site: SiteReading) -> Controller | None:
        bounds = None if self._controller is None else self._controller.bounds
        limit, self._import_limit_why = import_limit(site.import_limit_w, bounds)
        if limit is not None:
            self._import_limit_w = limit
        # An unreadable import limit entity keeps its last value rather than lifting the cap.
        cooling = {
            lid: bool(getattr(adapter, "cooling", False))
            for lid, adapter in self.adapters.items()
            if hasattr(adapter, "cooling")
        }
        config = build_config(
            self.config_entry,
            self.settings,
            self._import_limit_w,
            cooling=cooling,
            plan_floors=self._plan_floors,
        )
        if config == self._controller_config and self._controller is not None:
            return self._controller
        try:
            if self._controller is None:
                self._controller = Controller(config)
                for load_id, count in self._restored_phases.items():
                    self._controller.restore_phases(load_id, count)
                if self._restored is not None:
                    # Pauses, grace periods, boost and overload holds go on where they were.
                    snapshot, elapsed = self._restored
                    self._controller.restore(snapshot, self._now(), elapsed)
                    self._restored = None
            else:
                self._controller.update_config(config)
        except (ScenarioError, KeyError, TypeError, ValueError) as err:
            if self.config_error != str(err):
                _LOGGER.error("%s: configuration cannot be used: %s", self.name, err)
            self.config_error = str(err)
            return None
        self.config_error = None
        self._controller_config = config
        return self._controller

    def _cycle(self) -> HubResult:
        site = read_site(self.hass, self.config_entry.data)
        readings: dict[str, LoadReading] = {lid: read_load(a) for lid, a in self.adapters.items()}
        managed = managed_load_ids(self.config_entry, self.settings)
        measurements = build_measurements(site, {lid: readings[lid] for lid in managed})
        wall = dt_util.utcnow()
        self.plan_inputs.schedule(wall)  # prices and forecast: asked in the background
        try:
            self._plan_floors = self.plans.floors(
                self.hass,
                self.config_entry,
                self.settings,
                wall,
                prices=self.plan_inputs.prices(),
                production_w=self.plan_inputs.production_w(),
                import_limit_w=self._import_limit_w,
            )
        except Exception:  # a plan that cannot be made is no floor, never a stopped loop
            _LOGGER.exception("%s: plans cannot be made", self.name)
            self._plan_floors = {}
        controller = self._ensure_controller(site)
        result: dict[str, Any] | None = None
        if controller is not None:
            try:
                result = controller.step(measurements, self._now())
            except Exception:  # never let a bad cycle stop the loop
                _LOGGER.exception("%s: controller step failed", self.name)
        implausible: dict[str, tuple[str, str]] = {}
        if controller is not None and result is not None:
            # What the entities show is what the controller's gate let in.
            implausible = named_refusals(self.config_entry, controller.screened.rejected)
            measurements = controller.screened.measurements
            site, readings = as_screened(site, readings, measurements)
            self.runner.dispatch(result)
            self.store.schedule_save(lambda: controller.snapshot(self._now()))
            # the house draw as the gate let it in: grid less the managed loads, per phase
            self.plans.learn(
                self.config_entry, site.grid_a, {lid: readings[lid] for lid in managed}, wall
            )
        self.plans.record(self.config_entry, readings, wall)
        self.plan_store.schedule_save(self.plans.to_dict)
        self._unreadable(site, implausible)
        self.inputs.async_check(implausible=implausible)
        return self._result(site, readings, managed, measurements, result)

    def _unreadable(self, site: SiteReading, found: dict[str, tuple[str, str]]) -> None:
        """Add the hub's inputs whose state is there but is no number, and a bad import limit."""
        for entity_id in site.unavailable:
            state = self.hass.states.get(entity_id)
            if state is not None and state.state not in ("unavailable", "unknown", ""):
                found[entity_id] = (entity_id, f"state {state.state[:40]!r} is not a number")
        limit_entity = self.config_entry.data.get(CONF_IMPORT_LIMIT_ENTITY)
        if limit_entity and self._import_limit_why is not None:
            found[str(limit_entity)] = (str(limit_entity), self._import_limit_why)

    def _result(
        self,
        site: SiteReading,
        readings: dict[str, LoadReading],
        managed: list[str],
        measurements: dict[str, Any],
        result: dict[str, Any] | None,
    ) -> HubResult:
        status: str
        reason: str | None
        if self.config_error is not None:
            status, reason = "config_error", self.config_error
        else:
            if all(v is not None for v in site.grid_a.values()):
                self._grid_seen = True
            # Until every grid phase has been read once the hub is still starting up.
            status, reason = hub_status(site, result, result is not None and self._grid_seen)
            if status == "ok" and self.inputs.implausible:
                reason = "readings not believed: " + ", ".join(sorted(self.inputs.implausible))
        views: dict[str, LoadView] = {}
        for lid, adapter in self.adapters.items():
            command = (result or {}).get("loads", {}).get(lid) if lid in managed else None
            view = LoadView(
                kind=self.config_entry.subentries[lid].subentry_type,
                managed=lid in managed,
                reading=readings[lid],
                adapter_status=adapter.status,
                command=command,
            )
            view.status = load_status(view)
            view.reason, view.reason_ref = (
                ("manual", None) if not view.managed else reason_word((command or {}).get("reason"))
            )
            views[lid] = view
        return HubResult(
            status=status,
            status_reason=reason,
            voltage=voltage(self.config_entry.data),
            site=site,
            measurements=measurements,
            result=result,
            loads=views,
            circuits=circuit_views(self.config_entry, readings),
            updated_at=dt_util.utcnow(),
            implausible=dict(self.inputs.implausible),
        )

    async def async_reset_load(self, lid: str) -> None:
        """Ask a load's adapter to bring its device back to a known state."""
        await self.adapters[lid].async_reset()
        self.async_recompute()
