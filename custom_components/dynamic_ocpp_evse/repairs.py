"""Repair issues (and the log lines) for the hub's inputs.

An issue is raised when a configured input entity is removed or renamed in the
entity registry, when it has been missing, unavailable or unknown for more
than ten minutes, or when its readings have not been believed (not a number,
beyond the physical bounds of ``engine.plausibility``) for more than ten
minutes; it is cleared as soon as the input reports a usable value again. An
implausible input is logged at warning the first time only (later episodes at
debug), never every cycle.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import STATE_UNAVAILABLE, STATE_UNKNOWN
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .const import (
    CONF_BATTERY_POWER_ENTITY,
    CONF_BATTERY_SOC_ENTITY,
    CONF_SOLAR_ENTITY,
    DOMAIN,
)
from .scenario_config import GRID_SENSOR_KEYS

_LOGGER = logging.getLogger(__name__)

UNAVAILABLE_FOR = timedelta(minutes=10)
ISSUE_UNAVAILABLE = "input_unavailable"
ISSUE_MISSING = "input_missing"
ISSUE_IMPLAUSIBLE = "input_implausible"


def issue_id(entry_id: str, entity_id: str) -> str:
    """The repair issue id for one input of one hub."""
    return f"{entry_id}_{entity_id}"


class InputWatch:
    """Tracks how long each input has been unusable and raises/clears issues."""

    def __init__(
        self, hass: HomeAssistant, entry_id: str, hub_name: str, entity_ids: Iterable[str]
    ) -> None:
        self._hass = hass
        self._entry_id = entry_id
        self._hub = hub_name
        self._entities = list(dict.fromkeys(entity_ids))
        self._since: dict[str, datetime] = {}
        self._raised: set[str] = set()
        self._implausible_since: dict[str, datetime] = {}
        self._warned: set[str] = set()
        self.implausible: dict[str, str] = {}
        """Input name -> why its latest reading was not believed."""

    @property
    def problems(self) -> list[str]:
        """Inputs with an open repair issue."""
        return sorted(self._raised)

    @callback
    def async_start(self) -> CALLBACK_TYPE:
        """Listen for registry removals/renames; returns the unsubscribe callback."""
        return self._hass.bus.async_listen(er.EVENT_ENTITY_REGISTRY_UPDATED, self._registry_updated)

    @callback
    def _registry_updated(self, event: Event[er.EventEntityRegistryUpdatedData]) -> None:
        data = event.data
        gone: str | None = None
        if data["action"] == "remove":
            gone = data["entity_id"]
        elif data["action"] == "update" and "old_entity_id" in data:
            gone = data["old_entity_id"]
        if gone in self._entities:
            self._raise(gone, ISSUE_MISSING)

    @callback
    def async_check(
        self,
        now: datetime | None = None,
        implausible: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        """Update issues from the current states (call every cycle).

        ``implausible``: input key -> (name shown to the user, why it was not
        believed) for every reading the controller's gate refused this cycle.
        """
        now = now or dt_util.utcnow()
        self._check_implausible(now, implausible or {})
        for entity_id in self._entities:
            state = self._hass.states.get(entity_id)
            if state is not None and state.state not in (STATE_UNAVAILABLE, STATE_UNKNOWN):
                self._since.pop(entity_id, None)
                if entity_id in self._raised and entity_id not in self._implausible_since:
                    self._raised.discard(entity_id)
                    ir.async_delete_issue(self._hass, DOMAIN, issue_id(self._entry_id, entity_id))
                continue
            since = self._since.setdefault(entity_id, now)
            if entity_id not in self._raised and now - since > UNAVAILABLE_FOR:
                key = ISSUE_MISSING if state is None else ISSUE_UNAVAILABLE
                self._raise(entity_id, key)

    def _check_implausible(self, now: datetime, found: Mapping[str, tuple[str, str]]) -> None:
        for key in list(self._implausible_since):
            if key in found:
                continue
            del self._implausible_since[key]
            _LOGGER.debug("%s: %s reads plausibly again", self._hub, key)
            if key in self._raised:
                self._raised.discard(key)
                ir.async_delete_issue(self._hass, DOMAIN, issue_id(self._entry_id, key))
        self.implausible = dict(found.values())
        for key, (name, why) in found.items():
            if key not in self._implausible_since:
                self._implausible_since[key] = now
                first = key not in self._warned
                self._warned.add(key)
                _LOGGER.log(
                    logging.WARNING if first else logging.DEBUG,
                    "%s: reading of %s not believed (%s); it counts as missing until it "
                    "reads plausibly again",
                    self._hub,
                    name,
                    why,
                )
            if key not in self._raised and now - self._implausible_since[key] > UNAVAILABLE_FOR:
                self._raise(key, ISSUE_IMPLAUSIBLE, name, why)

    def _raise(
        self, key: str, translation_key: str, name: str | None = None, why: str = ""
    ) -> None:
        self._raised.add(key)
        placeholders = {"entity_id": name or key, "hub": self._hub}
        if translation_key == ISSUE_IMPLAUSIBLE:
            placeholders["reason"] = why
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            issue_id(self._entry_id, key),
            is_fixable=False,
            is_persistent=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key=translation_key,
            translation_placeholders=placeholders,
        )

    @callback
    def async_clear(self) -> None:
        """Remove every issue this hub raised (unload or removal)."""
        for entity_id in list(self._raised):
            ir.async_delete_issue(self._hass, DOMAIN, issue_id(self._entry_id, entity_id))
        self._raised.clear()
        self._implausible_since.clear()


@callback
def async_clear_entry_issues(hass: HomeAssistant, entry_id: str) -> None:
    """Delete every issue of a removed hub, including ones from earlier runs."""
    registry = ir.async_get(hass)
    for domain, issue in list(registry.issues):
        if domain == DOMAIN and issue.startswith(f"{entry_id}_"):
            ir.async_delete_issue(hass, DOMAIN, issue)


def named_refusals(entry: ConfigEntry, rejected: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """The plausibility gate's refusals keyed by input (the entity id, or the load
    for a draw or temperature), with a name a user knows and why."""
    data = entry.data
    site_keys = {
        "solar": CONF_SOLAR_ENTITY,
        "battery.soc": CONF_BATTERY_SOC_ENTITY,
        "battery.power": CONF_BATTERY_POWER_ENTITY,
    }
    named: dict[str, tuple[str, str]] = {}
    for key, why in rejected.items():
        kind, _, load_id = key.partition(".")
        if kind in ("temperature", "ambient"):  # a thermal load's sensors
            sub = entry.subentries.get(load_id)
            named[f"{kind}_{load_id}"] = (sub.title if sub else load_id, f"{kind} {why}")
            continue
        if key.startswith("load."):
            load_id = key.removeprefix("load.")
            sub = entry.subentries.get(load_id)
            named[f"draw_{load_id}"] = (sub.title if sub else load_id, f"draw {why}")
            continue
        conf = GRID_SENSOR_KEYS.get(key.removeprefix("grid.")) or site_keys.get(key)
        entity_id = str(data.get(conf) or key) if conf else key
        named[entity_id] = (entity_id, why)
    return named
