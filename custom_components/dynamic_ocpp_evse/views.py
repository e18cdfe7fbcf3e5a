"""What the entities show: the hub result of one cycle, put into words and numbers.

Turns the controller's result and the readings into a :class:`HubResult`: the
hub status, each load's status and reason word (a reason with a suffix such as
``circuit:garage`` becomes the word ``circuit`` plus a reference), per-phase
load and headroom of each circuit, and the hub's power figures. No control
logic lives here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from homeassistant.config_entries import ConfigEntry

from .adapters.base import LoadReading
from .const import CONF_LIMIT_A, CONF_MEMBERS, CONF_PARENT, SUBENTRY_CIRCUIT
from .measurements import SiteReading
from .scenario_config import load_phases, site_phases

REASON_WORDS: tuple[str, ...] = (
    "at_max",
    "below_min",
    "inactive",
    "off",
    "battery_below_target",
    "breaker_phase",
    "import_limit",
    "circuit",
    "charger",
    "sequential",
    "waiting_for",
    "solar_surplus",
    "no_solar_surplus",
    "excess_export",
    "no_excess",
    "eco_surplus",
    "reserved_for_solar",
    "reserved_for_excess",
    "reserved_for_eco",
    "paused",
    "restart_margin",
    "surplus_grace",
    "raise_held",
    "grid_reading_missing",
    "phase_switch",
    "stale_inputs",
    "min_on_time",
    "min_off_time",
    "safety_limit",
    "comfort_kept",
    "boost_reached",
    "temperature_unknown",
    "manual",
    "other",
)
LOAD_STATUSES: tuple[str, ...] = (
    "off",
    "running",
    "waiting",
    "paused",
    "grace",
    "inactive",
    "manual",
    "offline",
    "fault",
)
HUB_STATUSES: tuple[str, ...] = (
    "ok",
    "initializing",
    "sensors_unavailable",
    "off_grid",
    "config_error",
)


def reason_word(reason: str | None) -> tuple[str | None, str | None]:
    """Split an engine reason into a translatable word and its reference, if any."""
    if reason is None:
        return None, None
    if reason.startswith("breaker_phase_"):
        return "breaker_phase", reason.removeprefix("breaker_phase_")
    word, sep, ref = reason.partition(":")
    if word in REASON_WORDS:
        return word, ref if sep else None
    return "other", reason


@dataclass(slots=True)
class LoadView:
    """One load as shown by its entities."""

    kind: str
    managed: bool
    reading: LoadReading
    adapter_status: str
    command: dict[str, Any] | None = None
    status: str = "waiting"
    reason: str | None = None
    reason_ref: str | None = None


@dataclass(slots=True)
class CircuitView:
    """One circuit's measured load and remaining headroom per phase (A)."""

    limit_a: dict[str, float]
    load_a: dict[str, float | None]
    headroom_a: dict[str, float | None]


@dataclass(slots=True)
class HubResult:
    """Everything one cycle produced, for entities and diagnostics."""

    status: str
    status_reason: str | None
    voltage: float
    site: SiteReading
    measurements: dict[str, Any]
    result: dict[str, Any] | None
    loads: dict[str, LoadView] = field(default_factory=dict)
    circuits: dict[str, CircuitView] = field(default_factory=dict)
    updated_at: datetime | None = None
    implausible: dict[str, str] = field(default_factory=dict)
    """Inputs whose readings were not believed this cycle (name -> why)."""

    def site_value(self, key: str) -> Any:
        """A value of the controller's site result (None when stale or missing)."""
        if self.result is None:
            return None
        return self.result.get("site", {}).get(key)


def load_status(view: LoadView) -> str:
    """The one word that best describes a load's situation now."""
    command = view.command or {}
    if not view.managed:
        return "manual"
    if view.adapter_status not in ("ok", "offline", "unconfirmed"):
        return "fault"
    if command.get("reason") == "off":
        return "off"
    if view.reading.active is None:
        return "offline"
    if not view.reading.active:
        return "inactive"
    if command.get("reason") == "surplus_grace":
        return "grace"
    if float(command.get("current_a") or 0) > 0:
        return "running"
    if float(command.get("pause_s") or 0) > 0:
        return "paused"
    return "waiting"


def hub_status(
    site: SiteReading, result: Mapping[str, Any] | None, started: bool
) -> tuple[str, str | None]:
    """The hub's status word and a human-readable reason."""
    if not started:
        return "initializing", None
    missing = [p for p, v in site.grid_a.items() if v is None]
    if missing:
        return "sensors_unavailable", "grid phase " + ", ".join(missing)
    if result is not None and result.get("site", {}).get("stale"):
        return "sensors_unavailable", "stale grid readings"
    readings = [v for v in site.grid_a.values() if v is not None]
    local_supply = (site.solar_w or 0) > 0 or (site.battery_power_w or 0) > 0
    if readings and all(v == 0 for v in readings) and local_supply:
        return "off_grid", "grid reads exactly 0 A on every phase while solar/battery supply"
    return "ok", None


def _circuit_loads(entry: ConfigEntry) -> dict[str, list[str]]:
    """Circuit subentry id -> ids of every load below it (members and sub-circuits)."""
    circuits = {
        sid: sub for sid, sub in entry.subentries.items() if sub.subentry_type == SUBENTRY_CIRCUIT
    }
    children: dict[str, list[str]] = {sid: [] for sid in circuits}
    for sid, sub in circuits.items():
        children[sid].extend(str(m) for m in sub.data.get(CONF_MEMBERS) or [])
        parent = sub.data.get(CONF_PARENT)
        if parent in children and sid not in children[parent]:
            children[parent].append(sid)

    def below(cid: str, seen: set[str]) -> list[str]:
        found: list[str] = []
        for member in children.get(cid, []):
            if member in seen:
                continue
            seen.add(member)
            found.extend(below(member, seen) if member in circuits else [member])
        return found

    return {cid: list(dict.fromkeys(below(cid, {cid}))) for cid in circuits}


def circuit_views(
    entry: ConfigEntry, readings: Mapping[str, LoadReading]
) -> dict[str, CircuitView]:
    """Per-phase measured load and headroom of every circuit."""
    phases = site_phases(entry.data)
    views: dict[str, CircuitView] = {}
    for cid, members in _circuit_loads(entry).items():
        raw = entry.subentries[cid].data.get(CONF_LIMIT_A)
        try:
            if isinstance(raw, Mapping):
                limit = {p: float(raw[p]) for p in phases if p in raw}
            elif isinstance(raw, int | float | str):
                limit = dict.fromkeys(phases, float(raw))
            else:
                continue
        except (TypeError, ValueError):
            continue
        load: dict[str, float | None] = dict.fromkeys(limit, 0.0)
        for member in members:
            sub = entry.subentries.get(member)
            reading = readings.get(member)
            if sub is None or reading is None:
                continue
            legs = load_phases(sub, phases)
            draws = reading.draw_a if reading.draw_a is not None else [None] * len(legs)
            for phase, amps in zip(legs, draws, strict=False):
                if phase not in load:
                    continue
                current = load[phase]
                load[phase] = None if amps is None or current is None else current + amps
        headroom = {
            p: None if load[p] is None else round(limit[p] - (load[p] or 0.0), 2) for p in limit
        }
        views[cid] = CircuitView(
            limit_a=limit,
            load_a={p: None if v is None else round(v, 2) for p, v in load.items()},
            headroom_a=headroom,
        )
    return views
