"""The inputs of plans that must be asked for: prices from a price action, the solar forecast.

One :class:`PlanInputs` per hub, held by the coordinator. Each cycle the
coordinator calls :meth:`PlanInputs.schedule`, which starts :meth:`PlanInputs.refresh`
as a background task when something is due, and plans with the cached results
(:meth:`PlanInputs.prices`, :meth:`PlanInputs.production_w`): the control cycle
never waits for an action.

Prices, by the hub's ``price_source`` option:

- ``entity``: read from the price entity's attributes by :mod:`.planning` (nothing
  is called here; :meth:`PlanInputs.prices` answers None);
- ``nordpool``: the core action ``nordpool.get_prices_for_date`` with the chosen
  Nord Pool config entry, for today and for tomorrow (local dates), with the
  area and currency when set (else the entry's own);
- ``tibber``: the core action ``tibber.get_prices`` from the start of today to the
  end of tomorrow (local), the home named (else the first with prices).

An action is called with ``return_response=True``, blocking, within
``CALL_TIMEOUT_S``: at setup, then once an hour, and once more after 13:00 local
when tomorrow's prices are missing (they are published around noon); after a
failure again ``RETRY_S`` later. A missing action, an error, a timeout or an
answer without a readable price brings no new prices: those already known count
until they end, and without any the plan uses as little grid energy as possible.
It is reported once as a warning (again after it worked in between); it never
breaks the control cycle.

Solar forecast: from Home Assistant's energy dashboard configuration, each solar
source's ``config_entry_solar_forecast`` entries, asked through their
integration's energy platform (``async_get_solar_forecast``, as the energy
dashboard does), converted and added up by :mod:`.forecast`; refreshed every
``FORECAST_REFRESH_S`` (every ``FORECAST_WAIT_S`` while a forecast's integration
or entry is not loaded yet and answers nothing, as after a restart). Without a
configured forecast there is none.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from homeassistant.components.energy.data import async_get_manager
from homeassistant.components.energy.websocket_api import async_get_energy_platforms
from homeassistant.core import HomeAssistant, callback
from homeassistant.util import dt as dt_util

from .const import (
    CONF_PRICE_AREA,
    CONF_PRICE_CURRENCY,
    CONF_PRICE_NORDPOOL_ENTRY,
    CONF_PRICE_SOURCE,
    CONF_PRICE_TIBBER_HOME,
    DEFAULT_PRICE_SOURCE,
    PRICE_SOURCES,
)
from .forecast import add_up, from_wh_hours
from .prices import Interval, from_response, merge

_LOGGER = logging.getLogger(__name__)

CALL_TIMEOUT_S = 10.0
PRICE_REFRESH_S = 3600.0
RETRY_S = 900.0
FORECAST_REFRESH_S = 900.0
FORECAST_WAIT_S = 60.0
"""Asked again this soon while a forecast's integration is not loaded yet (a restart)."""
TOMORROW_HOUR = 13
"""From this local hour on, tomorrow's day-ahead prices are expected."""

NORDPOOL = ("nordpool", "get_prices_for_date")
TIBBER = ("tibber", "get_prices")


class InputUnavailable(Exception):
    """An input could not be had (the message says why, for the log)."""


def price_source(data: Mapping[str, Any]) -> str:
    """The hub's price source (an unknown value counts as the default, ``entity``)."""
    source = data.get(CONF_PRICE_SOURCE)
    return source if source in PRICE_SOURCES else DEFAULT_PRICE_SOURCE


class PlanInputs:
    """Prices from a price action and the solar forecast, cached, refreshed when due."""

    def __init__(
        self,
        hass: HomeAssistant,
        data: Mapping[str, Any],
        name: str,
        on_update: Callable[[], None] | None = None,
    ) -> None:
        self.hass = hass
        self.name = name
        self.source = price_source(data)
        self._data = dict(data)
        self._on_update = on_update
        self._prices: list[Interval] = []
        self._production: list[Interval] = []
        self._prices_tried: datetime | None = None
        self._prices_ok = False
        self._forecast_tried: datetime | None = None
        self._forecast_waiting = False  # an entry's integration was not loaded yet
        self._task: asyncio.Task[None] | None = None
        self._reported: set[str] = set()

    # -- what the planner gets ------------------------------------------------------
    def prices(self) -> list[Interval] | None:
        """The prices from the action (None: the source is the price entity)."""
        return None if self.source == "entity" else list(self._prices)

    def production_w(self) -> list[Interval]:
        """The solar forecast as ``(start_s, end_s, watts)`` ([] when there is none)."""
        return list(self._production)

    def summary(self) -> dict[str, Any]:
        """What the inputs hold, for diagnostics: source, spans, when asked, open problems."""

        def span(intervals: list[Interval]) -> list[str] | None:
            if not intervals:
                return None
            return [
                dt_util.utc_from_timestamp(intervals[0][0]).isoformat(),
                dt_util.utc_from_timestamp(intervals[-1][1]).isoformat(),
            ]

        def moment(when: datetime | None) -> str | None:
            return None if when is None else when.isoformat()

        return {
            "price_source": self.source,
            "prices": {
                "intervals": len(self._prices),
                "span": span(self._prices),
                "asked": moment(self._prices_tried),
                "last_ok": self._prices_ok,
            },
            "forecast": {
                "intervals": len(self._production),
                "span": span(self._production),
                "asked": moment(self._forecast_tried),
            },
            "problems": sorted(self._reported),
        }

    # -- when ----------------------------------------------------------------------------
    def prices_due(self, now: datetime) -> bool:
        """Whether the price action should be called now."""
        if self.source == "entity":
            return False
        tried = self._prices_tried
        if tried is None:
            return True
        waited = (now - tried).total_seconds()
        if waited >= (PRICE_REFRESH_S if self._prices_ok else RETRY_S) or waited < 0:
            return True
        local = dt_util.as_local(now)
        published = local.replace(hour=TOMORROW_HOUR, minute=0, second=0, microsecond=0)
        return local >= published and tried < published and not self._has_tomorrow(local)

    def forecast_due(self, now: datetime) -> bool:
        """Whether the solar forecast should be asked for now."""
        tried = self._forecast_tried
        every = FORECAST_WAIT_S if self._forecast_waiting else FORECAST_REFRESH_S
        return tried is None or not 0 <= (now - tried).total_seconds() < every

    def _has_tomorrow(self, local: datetime) -> bool:
        tomorrow = dt_util.start_of_local_day(local.date() + timedelta(days=1)).timestamp()
        return any(start >= tomorrow for start, _end, _price in self._prices)

    # -- refreshing ------------------------------------------------------------------------
    @callback
    def schedule(self, now: datetime) -> None:
        """Start a refresh in the background when one is due and none is running."""
        if self._task is not None and not self._task.done():
            return
        if self.prices_due(now) or self.forecast_due(now):
            self._task = self.hass.async_create_background_task(
                self.refresh(now), name=f"{self.name} plan inputs"
            )

    def stop(self) -> None:
        """Cancel a refresh under way (the hub is unloading)."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None

    async def refresh(self, now: datetime) -> None:
        """Ask for whatever is due; never raises (a failure is no input, reported once)."""
        changed = False
        if self.prices_due(now):
            self._prices_tried = now
            try:
                found = await self._fetch_prices(now)
            except asyncio.CancelledError:
                raise
            except Exception as err:  # any failure is no new prices, never a crash
                self._report("prices", f"no prices from {self._action_name()}: {_why(err)}")
                # day-ahead prices do not change: those known still count until they end
                found = [i for i in self._prices if i[1] > now.timestamp()]
                self._prices_ok = False
            else:
                self._recovered("prices", f"prices from {self._action_name()} again")
                self._prices_ok = True
            changed |= found != self._prices
            self._prices = found
        if self.forecast_due(now):
            self._forecast_tried = now
            production = await self._fetch_forecast()
            changed |= production != self._production
            self._production = production
        if changed and self._on_update is not None:
            self._on_update()

    def _action_name(self) -> str:
        domain, service = NORDPOOL if self.source == "nordpool" else TIBBER
        return f"{domain}.{service}"

    async def _fetch_prices(self, now: datetime) -> list[Interval]:
        local = dt_util.as_local(now)
        if self.source == "nordpool":
            return await self._nordpool(local)
        start = dt_util.start_of_local_day(local.date())
        end = dt_util.start_of_local_day(local.date() + timedelta(days=2))
        response = await self._call(TIBBER, {"start": start.isoformat(), "end": end.isoformat()})
        found = from_response(response, self._data.get(CONF_PRICE_TIBBER_HOME) or None)
        if not found:
            raise InputUnavailable("the answer holds no price that can be read")
        return found

    async def _nordpool(self, local: datetime) -> list[Interval]:
        base: dict[str, Any] = {"config_entry": self._data.get(CONF_PRICE_NORDPOOL_ENTRY)}
        area = self._data.get(CONF_PRICE_AREA) or None
        if area:
            base["areas"] = str(area).upper()
        if currency := self._data.get(CONF_PRICE_CURRENCY):
            base["currency"] = str(currency).upper()
        today = await self._call(NORDPOOL, {**base, "date": local.date().isoformat()})
        found = from_response(today, area)
        if not found:
            raise InputUnavailable("the answer holds no price that can be read")
        tomorrow = (local + timedelta(days=1)).date().isoformat()
        try:  # published around noon: before that, Nord Pool answers with an error
            found += from_response(await self._call(NORDPOOL, {**base, "date": tomorrow}), area)
        except asyncio.CancelledError:
            raise
        except Exception as err:  # tomorrow missing is normal before noon
            _LOGGER.debug("%s: no prices for %s yet: %s", self.name, tomorrow, _why(err))
        return merge([found])  # in time order, an overlap counted once

    async def _call(self, action: tuple[str, str], data: dict[str, Any]) -> Any:
        domain, service = action
        if not self.hass.services.has_service(domain, service):
            raise InputUnavailable("the action is not available (is the integration set up?)")
        async with asyncio.timeout(CALL_TIMEOUT_S):
            return await self.hass.services.async_call(
                domain, service, data, blocking=True, return_response=True
            )

    async def _fetch_forecast(self) -> list[Interval]:
        try:
            entry_ids = await self._forecast_entries()
            if not entry_ids:
                return []
            platforms = await async_get_energy_platforms(self.hass)
        except asyncio.CancelledError:
            raise
        except Exception as err:  # no forecast, never a crash
            self._report("forecast", f"no solar forecast: {_why(err)}")
            return []
        parts: list[list[Interval]] = []
        self._forecast_waiting = False
        for entry_id in entry_ids:
            entry = self.hass.config_entries.async_get_entry(entry_id)
            if entry is None:
                continue  # removed: the energy dashboard still lists it
            if entry.domain not in platforms:
                self._forecast_waiting = True  # its integration is not loaded (yet)
                continue
            try:
                async with asyncio.timeout(CALL_TIMEOUT_S):
                    forecast = await platforms[entry.domain](self.hass, entry_id)
            except asyncio.CancelledError:
                raise
            except Exception as err:  # one forecast less, never a crash
                why = f"no solar forecast from {entry.title}: {_why(err)}"
                self._report(f"forecast {entry_id}", why)
                continue
            self._recovered(f"forecast {entry_id}", f"solar forecast from {entry.title} again")
            if forecast is None:
                self._forecast_waiting = True  # its entry is not loaded (yet)
            parts.append(from_wh_hours(forecast))
        self._recovered("forecast", "solar forecast again")
        return add_up(parts)

    async def _forecast_entries(self) -> list[str]:
        """The forecast config entries of the energy dashboard's solar sources."""
        manager = await async_get_manager(self.hass)
        prefs = manager.data
        sources = prefs.get("energy_sources") if isinstance(prefs, Mapping) else None
        found: list[str] = []
        for source in sources if isinstance(sources, list) else []:
            if not isinstance(source, Mapping) or source.get("type") != "solar":
                continue
            entries = source.get("config_entry_solar_forecast")
            for entry_id in entries if isinstance(entries, list) else []:
                if isinstance(entry_id, str) and entry_id not in found:
                    found.append(entry_id)
        return found

    # -- reporting -------------------------------------------------------------------------
    def _report(self, key: str, message: str) -> None:
        if key in self._reported:
            _LOGGER.debug("%s: %s", self.name, message)
            return
        self._reported.add(key)
        _LOGGER.warning(
            "%s: %s; plans go on without it, it is asked for again later", self.name, message
        )

    def _recovered(self, key: str, message: str) -> None:
        if key in self._reported:
            self._reported.discard(key)
            _LOGGER.info("%s: %s", self.name, message)


def _why(err: BaseException) -> str:
    if isinstance(err, TimeoutError):
        return f"no answer within {CALL_TIMEOUT_S:g} s"
    return str(err) or type(err).__name__
