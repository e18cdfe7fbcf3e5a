"""Home Assistant glue of the migration: entries, subentries, registries, repair issue.

Our own version 1 entries only get the new version number (an upstream 1.x
entry, version 1 too, is told apart by its keys and becomes a hub with its one
charger). An upstream 2.x hub (version 2) absorbs its child entries: each
charger, smart load and circuit group becomes a subentry whose id is the
child's entry id (so the child's device, which upstream identified by that id,
becomes the subentry's device); entities with the same meaning keep their
entity ids under new unique ids; then the child entries are removed and one
repair issue lists what could not be carried over.

Home Assistant migrates the entries of a domain concurrently, each under its
own setup lock, and in no particular order. A child entry therefore never
waits for its hub: it reports failure (its entry shows a migration error for
the moment) and the hub's migration removes it. A child whose hub was already
migrated (for example one restored from a backup) adds itself to that hub and
removes itself once its own migration has returned.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry, UnknownEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.restore_state import async_get as async_get_restore_data
from homeassistant.helpers.typing import UNDEFINED

from ..const import CONF_CHARGE_POINT_ID, CONF_CONNECTOR_ID, CONF_TIMING, DOMAIN, SUBENTRY_CHARGER
from ..devices import ocpp_device_link
from . import entities as ent
from .hub_settings import hub_timing, map_hub
from .load_settings import load_timing, map_charger, map_group, map_plug
from .upstream import (
    CHARGER_KEYS,
    KIND_CHARGER,
    KIND_GROUP,
    KIND_HUB,
    KIND_PLUG,
    SUBENTRY_TYPES,
    UP_ENTITY_ID,
    UP_HUB_ENTRY_ID,
    Mapped,
    effective,
    is_upstream_single_entry,
    kind,
    site_phases,
    unique_title,
)

_LOGGER = logging.getLogger(__name__)
VERSION, MINOR_VERSION = 3, 1
UPSTREAM_VERSION = 2
ISSUE_KEY = "upstream_migration"


def issue_id(hub_entry_id: str) -> str:
    """The migration's repair issue of one hub (cleared with the hub's other issues)."""
    return f"{hub_entry_id}_{ISSUE_KEY}"


async def async_migrate_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    """Bring an entry to version 3 (False: Home Assistant keeps it, not loaded)."""
    if entry.version == 1 and not is_upstream_single_entry(entry.data):
        hass.config_entries.async_update_entry(entry, version=VERSION, minor_version=MINOR_VERSION)
        return True
    if entry.version == 1:  # upstream 1.x: one entry for the site and its one charger
        return await _async_migrate_hub(hass, entry, effective(entry.data, entry.options))
    if entry.version != UPSTREAM_VERSION:
        return entry.version == VERSION  # a newer minor is fine; a newer major is not
    if hass.config_entries.async_get_entry(entry.entry_id) is None:
        return False  # removed meanwhile by its hub's migration
    up = effective(entry.data, entry.options)
    if kind(up) == KIND_HUB:
        return await _async_migrate_hub(hass, entry, up)
    return _child_waits_for_hub(hass, entry, up)


# --- children ----------------------------------------------------------------------
def _child_waits_for_hub(hass: HomeAssistant, entry: ConfigEntry, up: dict[str, Any]) -> bool:
    hub = hass.config_entries.async_get_entry(str(up.get(UP_HUB_ENTRY_ID)))
    if hub is None or hub.domain != DOMAIN:
        _LOGGER.warning(
            "%s (Dynamic OCPP EVSE 2.x) belongs to a hub that no longer exists; "
            "delete it or add it again under a hub",
            entry.title,
        )
        return False
    if hub.version == VERSION and entry.entry_id not in hub.subentries:
        # The hub is ours already (and is not migrating right now): join it.
        migrated = _Migration(hass, hub, minor=entry.minor_version)
        migrated.absorb([entry])
        migrated.publish_issue(extend=True)
    if hub.version == VERSION:
        hass.async_create_task(_async_remove(hass, entry.entry_id), f"remove {entry.entry_id}")
    return False  # otherwise the hub's migration takes it in and removes it


async def _async_remove(hass: HomeAssistant, entry_id: str) -> None:
    """Remove a child entry that is a subentry now (once: several paths may ask)."""
    if hass.config_entries.async_get_entry(entry_id) is None:
        return
    try:
        await hass.config_entries.async_remove(entry_id)
    except UnknownEntry:
        return  # removed meanwhile


# --- hub -----------------------------------------------------------------------------
async def _async_migrate_hub(hass: HomeAssistant, entry: ConfigEntry, up: dict[str, Any]) -> bool:
    children = [
        child
        for child in hass.config_entries.async_entries(DOMAIN)
        if child.entry_id != entry.entry_id
        and child.version == UPSTREAM_VERSION
        and child.data.get(UP_HUB_ENTRY_ID) == entry.entry_id
    ]
    single = entry.version == 1  # upstream 1.x
    migration = _Migration(hass, entry, minor=0 if single else entry.minor_version)
    hub = map_hub(up, minor=entry.minor_version, title=entry.title, last=migration.last(entry, up))
    data = dict(hub.data)
    notes: list[str] = []
    if timing := hub_timing(up, notes):
        data[CONF_TIMING] = timing
    migration.dropped += hub.dropped + [f"hub: {note}" for note in notes]
    migration.hub_mode = migration.last(entry, up).get("charging_mode")
    hass.config_entries.async_update_entry(
        entry, data=data, options={}, version=VERSION, minor_version=MINOR_VERSION
    )
    if single and up.get("evse_current_import_entity_id"):
        migration.add_single_charger(up)  # upstream 1.x kept its charger in the hub
    migration.move_entities(entry, up, KIND_HUB, None)
    migration.absorb(children)
    migration.publish_issue()
    for child in children:  # those that could not be mapped are listed in the issue
        await _async_remove(hass, child.entry_id)
    _LOGGER.info(
        "Migrated %s from Dynamic OCPP EVSE %s with %d loads and circuits",
        entry.title,
        "1.x" if single else "2.x",
        len(children),
    )
    return True


class _Migration:
    """One hub's migration: the registries, the children taken in, the notes."""

    def __init__(self, hass: HomeAssistant, hub: ConfigEntry, *, minor: int) -> None:
        self.hass = hass
        self.hub = hub
        self.minor = minor
        self.dropped: list[str] = []
        self.hub_mode: str | None = None
        self.single_charger_id: str | None = None  # the charger of an upstream 1.x entry
        self.entities = er.async_get(hass)
        self.devices = dr.async_get(hass)

    # -- reading upstream's entities ---------------------------------------------
    def _upstream_entities(self, entry_id: str, prefix: str | None) -> dict[str, er.RegistryEntry]:
        """Upstream's entities of one entry by unique id suffix (2.x or 1.x prefix)."""
        found: dict[str, er.RegistryEntry] = {}
        for reg in er.async_entries_for_config_entry(self.entities, entry_id):
            if reg.platform != DOMAIN:
                continue
            for candidate in (prefix, entry_id):
                if suffix := ent.suffix_of(reg.unique_id, candidate):
                    found[suffix] = reg
                    break
        return found

    def last(self, entry: ConfigEntry, up: Mapping[str, Any]) -> dict[str, str]:
        """Last states (before this restart) of an upstream entry's entities."""
        try:
            stored = async_get_restore_data(self.hass).last_states
        except KeyError:  # restore data not loaded (never in a running instance)
            return {}
        prefix = up.get(UP_ENTITY_ID)
        states: dict[str, str] = {}
        for suffix, reg in self._upstream_entities(entry.entry_id, prefix).items():
            if (last := stored.get(reg.entity_id)) is not None:
                states[suffix] = last.state.state
        return states

    def _known_entity(self, entity_id: str) -> bool:
        return self.entities.async_get(entity_id) is not None or bool(
            self.hass.states.get(entity_id)
        )

    def _unit_of(self, entity_id: str) -> str | None:
        reg = self.entities.async_get(entity_id)
        if reg is not None and reg.unit_of_measurement:
            return reg.unit_of_measurement
        state = self.hass.states.get(entity_id)
        unit = state.attributes.get("unit_of_measurement") if state else None
        return unit if isinstance(unit, str) else None

    # -- children -> subentries ------------------------------------------------------
    def absorb(self, children: list[ConfigEntry]) -> None:
        """Add a subentry for every child (loads first: circuits name them)."""
        order = {KIND_CHARGER: 0, KIND_PLUG: 0, KIND_GROUP: 1}
        ups = {c.entry_id: effective(c.data, c.options) for c in children}
        members = {sid: sid for sid in self.hub.subentries}
        taken = {sub.title.casefold() for sub in self.hub.subentries.values()}
        phases = site_phases(self.hub.data)
        for child in sorted(children, key=lambda c: order.get(kind(ups[c.entry_id]), 2)):
            up = ups[child.entry_id]
            child_kind = kind(up)
            last = self.last(child, up)
            mapped: Mapped | None
            if child_kind == KIND_CHARGER:
                mapped = map_charger(
                    up,
                    phases=phases,
                    last=last,
                    hub_mode=self.hub_mode,
                    known_entity=self._known_entity,
                    unit_of=self._unit_of,
                )
            elif child_kind == KIND_PLUG:
                mapped = map_plug(up, phases=phases, last=last, hub_mode=self.hub_mode)
            elif child_kind == KIND_GROUP:
                mapped = map_group(up, members=members)
            else:
                mapped = None
            if mapped is None:
                self.dropped.append(
                    f"{child.title}: removed, it has no OCPP device id or switch; add it again"
                )
                continue
            hub_timing_now = self.hub.data.get(CONF_TIMING) or {}
            if child_kind != KIND_GROUP and (
                timing := load_timing(
                    up, minor=self.minor, hub=hub_timing_now, dropped=self.dropped
                )
            ):
                mapped.data[CONF_TIMING] = timing
            if (
                child.entry_id not in self.hub.subentries
                and self._add_subentry(child, child_kind, mapped, taken) is None
            ):
                continue
            members[child.entry_id] = child.entry_id
            self.dropped += mapped.dropped
            device_id = self._adopt_device(child)
            self.move_entities(child, up, child_kind, child.entry_id, device_id)

    def add_single_charger(self, up: Mapping[str, Any]) -> None:
        """The charger of an upstream 1.x entry (its device id: the sensors' prefix)."""
        current = str(up.get("evse_current_import_entity_id") or "")
        base = current.split(".", 1)[-1].removesuffix("_current_import")
        own = {k: v for k, v in up.items() if k in CHARGER_KEYS}
        mapped = map_charger(
            {"ocpp_device_id": base, "name": base or "Charger", **own},
            phases=site_phases(self.hub.data),
            last={},
            hub_mode=self.hub_mode,
            known_entity=self._known_entity,
            unit_of=self._unit_of,
        )
        if mapped is None:
            self.dropped.append("charger: no OCPP device id; add it again")
            return
        hub_timing_now = self.hub.data.get(CONF_TIMING) or {}
        if timing := load_timing(own, minor=0, hub=hub_timing_now, dropped=self.dropped):
            mapped.data[CONF_TIMING] = timing
        taken = {sub.title.casefold() for sub in self.hub.subentries.values()}
        self.single_charger_id = self._add_subentry(
            self.hub, KIND_CHARGER, mapped, taken, subentry_id=None
        )
        self.dropped += mapped.dropped

    def _add_subentry(
        self,
        child: ConfigEntry,
        child_kind: str,
        mapped: Mapped,
        taken: set[str],
        subentry_id: str | None = "",
    ) -> str | None:
        """Add the subentry; its id, or None when the hub has that charger already."""
        sub_type = SUBENTRY_TYPES[child_kind]
        unique_id = None
        if sub_type == SUBENTRY_CHARGER:
            unique_id = f"{mapped.data[CONF_CHARGE_POINT_ID]}-{mapped.data[CONF_CONNECTOR_ID]}"
            if any(s.unique_id == unique_id for s in self.hub.subentries.values()):
                self.dropped.append(f"{child.title}: a charger {unique_id} exists already")
                return None
        title = unique_title(mapped.title, taken)
        mapped.data["name"] = title
        # the child's entry id: upstream's device identifier stays valid
        ids = {} if subentry_id is None else {"subentry_id": subentry_id or child.entry_id}
        subentry = ConfigSubentry(
            data=MappingProxyType(mapped.data),
            subentry_type=sub_type,
            title=title,
            unique_id=unique_id,
            **ids,
        )
        self.hass.config_entries.async_add_subentry(self.hub, subentry)
        return subentry.subentry_id

    def _adopt_device(self, child: ConfigEntry) -> str | None:
        """The device the child's entities belong to from now on (None: leave theirs).

        A charger joins the ``ocpp`` integration's device of that charger (see
        ``devices.py``); anything else keeps upstream's device, which now belongs
        to the hub entry and the new subentry.
        """
        link = ocpp_device_link(self.hass, self.hub.subentries.get(child.entry_id))
        identifiers = link["identifiers"] if link else {(DOMAIN, child.entry_id)}
        device = self.devices.async_get_device(identifiers=identifiers)
        if device is None:
            return None
        if self.hub.entry_id not in device.config_entries:
            self.devices.async_update_device(
                device.id,
                add_config_entry_id=self.hub.entry_id,
                add_config_subentry_id=child.entry_id,
            )
        return device.id if link else None

    def move_entities(
        self,
        source: ConfigEntry,
        up: Mapping[str, Any],
        up_kind: str,
        subentry_id: str | None,
        device_id: str | None = None,
    ) -> None:
        """Keep entities of the same meaning under our unique ids; remove the rest."""
        # upstream 2.x prefixes unique ids with the entry's entity_id, 1.x with its entry id
        prefixes = (up.get(UP_ENTITY_ID), source.entry_id)
        for reg in er.async_entries_for_config_entry(self.entities, source.entry_id):
            if reg.platform != DOMAIN:
                continue
            owner, sub_id, key = subentry_id or self.hub.entry_id, subentry_id, None
            for prefix in prefixes:
                if (suffix := ent.suffix_of(reg.unique_id, prefix)) is not None:
                    key = ent.our_key(up_kind, reg.domain, suffix, self.hub.data)
                    if key is None and self.single_charger_id is not None:
                        owner = sub_id = self.single_charger_id  # 1.x: the charger's entities
                        key = ent.our_key(KIND_CHARGER, reg.domain, suffix, self.hub.data)
                    break
            new_id = f"{owner}_{key}"
            taken_by = self.entities.async_get_entity_id(reg.domain, DOMAIN, new_id)
            if key is None or taken_by not in (None, reg.entity_id):
                if source.entry_id == self.hub.entry_id:
                    self.entities.async_remove(reg.entity_id)  # a child's go with the child
                self.dropped.append(f"entity {reg.entity_id} (no equivalent)")
                continue
            self.entities.async_update_entity(
                reg.entity_id,
                new_unique_id=new_id,
                config_entry_id=self.hub.entry_id,
                config_subentry_id=sub_id,
                device_id=UNDEFINED if device_id is None else device_id,
            )

    # -- the repair issue -------------------------------------------------------------
    def publish_issue(self, *, extend: bool = False) -> None:
        """One issue per hub listing everything not carried over (none: no issue)."""
        items = list(dict.fromkeys(self.dropped))
        registry = ir.async_get(self.hass)
        old = registry.async_get_issue(DOMAIN, issue_id(self.hub.entry_id))
        if extend and old is not None and old.translation_placeholders:
            previous = old.translation_placeholders.get("items", "")
            items = [line[2:] for line in previous.splitlines() if line] + items
            items = list(dict.fromkeys(items))
        if not items:
            return
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            issue_id(self.hub.entry_id),
            is_fixable=False,
            is_persistent=True,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_KEY,
            translation_placeholders={
                "hub": self.hub.title,
                "items": "\n".join(f"- {item}" for item in items),
            },
        )
