"""What one ``ocpp`` integration connector tells us through Home Assistant states.

Owns the entities of a connector (configured, or found by the ``ocpp`` integration's
unique ids) and their interpretation: connector status, draw per leg, whether a car takes
part in the allocation (with "car full" detection: ``SuspendedEV`` with no draw for
60 s), the offered current (``current_offered`` in A or ``power_offered`` in kW/W) and
the running transaction id and the charger's reconnect counter. Reads the state machine
only; never calls a service.

Draw per leg: the ``ocpp`` integration zeroes the *state* of ``current_import`` when a
session stops or is suspended but leaves its per-phase attributes ``L1``..``L3`` at their
last values. So no session (status other than Charging/SuspendedEV/SuspendedEVSE) or a
state of 0 means 0 A on every leg; the legs are used only when the state (the average of
the legs that draw) agrees with them, else the state counts on every leg.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import HomeAssistant, State

from ..const import (
    CONF_CURRENT_ENTITY,
    CONF_OFFERED_ENTITY,
    CONF_STATUS_ENTITY,
    CONF_TRANSACTION_ENTITY,
)
from .base import LoadReading
from .ocpp_unit import (
    KEYS_CURRENT_IMPORT,
    KEYS_CURRENT_OFFERED,
    KEYS_POWER_OFFERED,
    KEYS_RECONNECTS,
    KEYS_STATUS,
    KEYS_TRANSACTION,
    find_charger_entity,
    find_ocpp_entity,
)

ACTIVE_STATUSES = frozenset({"Preparing", "Charging", "SuspendedEV", "SuspendedEVSE"})
SESSION_STATUSES = frozenset({"Charging", "SuspendedEV", "SuspendedEVSE"})
FINISHED_AFTER = timedelta(seconds=60)
NEAR_ZERO_A = 0.5
ZERO_A = 0.05  # a state at or below this is "no draw"
AGREE_A = 0.5  # legs agree with the state within this much (or 10 %)
_NO_STATE = (STATE_UNAVAILABLE, STATE_UNKNOWN)


def _number(value: object) -> float | None:
    if not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _agrees(legs: list[float], state: float) -> bool:
    """True when the state is the average of the legs that draw (as the integration has it)."""
    drawing = [value for value in legs if value > 0.0]
    if not drawing:
        return False
    average = sum(drawing) / len(drawing)
    return abs(average - state) <= max(AGREE_A, 0.1 * state)


class ConnectorReader:
    """Reads one connector's entities; keeps the "car full" latch."""

    def __init__(
        self,
        hass: HomeAssistant,
        subentry_data: Mapping[str, Any],
        *,
        cpid: str,
        connector_id: int,
        legs: int,
        voltage: float,
        power_first: bool,
        now_fn: Callable[[], datetime],
    ) -> None:
        self.hass = hass
        self._cpid = cpid
        self._connector = connector_id
        self._legs = legs
        self._voltage = voltage
        self._now = now_fn

        def entity(conf: str, keys: tuple[str, ...]) -> str | None:
            configured = subentry_data.get(conf)
            if isinstance(configured, str) and configured:
                return configured
            return find_ocpp_entity(hass, cpid, connector_id, keys)

        offered_keys: tuple[str, ...] = KEYS_CURRENT_OFFERED
        if power_first:
            offered_keys = KEYS_POWER_OFFERED + KEYS_CURRENT_OFFERED
        self.current_entity = entity(CONF_CURRENT_ENTITY, KEYS_CURRENT_IMPORT)
        self.status_entity = entity(CONF_STATUS_ENTITY, KEYS_STATUS)
        self.offered_entity = entity(CONF_OFFERED_ENTITY, offered_keys)
        self.transaction_entity = entity(CONF_TRANSACTION_ENTITY, KEYS_TRANSACTION)
        self.reconnects_entity = find_charger_entity(hass, cpid, KEYS_RECONNECTS)
        self._suspended_since: datetime | None = None
        self._finished = False

    @property
    def entities(self) -> list[str]:
        """Every entity this reader looks at."""
        ids = (
            self.current_entity,
            self.status_entity,
            self.offered_entity,
            self.transaction_entity,
            self.reconnects_entity,
        )
        return [entity_id for entity_id in ids if entity_id]

    @property
    def offline(self) -> bool:
        """True when the connector status cannot be read (charger not connected)."""
        return self.status_entity is not None and self.status() is None

    def _state(self, entity_id: str | None) -> State | None:
        if not entity_id:
            return None
        state = self.hass.states.get(entity_id)
        if state is None or state.state in _NO_STATE:
            return None
        return state

    def status(self) -> str | None:
        """OCPP connector status (Available, Charging, ...) or None."""
        state = self._state(self.status_entity)
        return None if state is None else state.state

    def in_session(self) -> bool:
        """True while a transaction runs (the charger then reports what it offers)."""
        return self.status() in SESSION_STATUSES

    def draw(self) -> list[float | None] | None:
        """Current per leg (A), L1 first; None when unknown (see the module docstring)."""
        state = self._state(self.current_entity)
        average = None if state is None else _number(state.state)
        if state is None or average is None:
            return None
        status = self.status()
        if average <= ZERO_A or (status is not None and status not in SESSION_STATUSES):
            return [0.0] * self._legs
        attrs = state.attributes
        legs = [
            _number(attrs.get(f"L{leg}", attrs.get(f"L{leg}-N")))
            for leg in range(1, self._legs + 1)
        ]
        known = [max(0.0, value) for value in legs if value is not None]
        if len(known) == self._legs and _agrees(known, average):
            return list(known)
        return [average] * self._legs

    def reading(self) -> LoadReading:
        """Draw and activity for the coordinator; advances the "car full" latch."""
        status = self.status()
        if status is None:
            return LoadReading(draw_a=None, active=None)
        draw = self.draw()
        known = [value for value in draw or () if value is not None]
        low = bool(known) and max(known) < NEAR_ZERO_A
        now = self._now()
        if status == "SuspendedEV" and low:
            if self._suspended_since is None:
                self._suspended_since = now
            elif now - self._suspended_since >= FINISHED_AFTER:
                self._finished = True
        else:
            self._suspended_since = None
        # Paused by us after it finished, it reports SuspendedEVSE: still finished.
        if self._finished and (
            status not in ("SuspendedEV", "SuspendedEVSE") or (bool(known) and not low)
        ):
            self._finished = False
        return LoadReading(draw_a=draw, active=status in ACTIVE_STATUSES and not self._finished)

    def offered_a(self, rate_unit: str) -> float | None:
        """What the charger offers, in A per phase (power converted with V x legs)."""
        state = self._state(self.offered_entity)
        value = None if state is None else _number(state.state)
        if state is None or value is None:
            return None
        unit = state.attributes.get("unit_of_measurement")
        if unit is None:
            unit = "kW" if rate_unit == "W" else "A"
        if unit in ("kW", "W"):
            watts = value * 1000 if unit == "kW" else value
            return watts / (self._voltage * self._legs)
        return value

    def offered_reported(self) -> datetime | None:
        """When the offered value was last reported (even if unchanged)."""
        state = self._state(self.offered_entity)
        return None if state is None else state.last_reported

    def transaction_id(self) -> int | None:
        """The running transaction id, or None."""
        if self.transaction_entity is None:
            self.transaction_entity = find_ocpp_entity(
                self.hass, self._cpid, self._connector, KEYS_TRANSACTION
            )
        state = self._state(self.transaction_entity)
        value = None if state is None else _number(state.state)
        return int(value) if value is not None and value > 0 else None

    def reconnects(self) -> float | None:
        """The ``ocpp`` integration's reconnect counter of the charger, or None."""
        state = self._state(self.reconnects_entity)
        return None if state is None else _number(state.state)
