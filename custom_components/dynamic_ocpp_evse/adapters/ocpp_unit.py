"""One charger of the Home Assistant ``ocpp`` integration, shared by its connectors.

Owns what the connector adapters of one charge point (``cpid``) must share: the
registry that finds the unit for ``(hass, cpid)``, the lock that serialises every
service call to that charger, the reset (``ocpp.clear_profile`` wipes the profiles of
*every* connector, so each member re-installs its floor and current profile right
after), the charger's non-compliance repair issue, the probed capabilities (allowed
rate units, highest stack level), whether the ``ocpp`` release and the charger's OCPP
version can be driven at all (with its repair issue) and lookups of the ``ocpp``
integration's devices and entities by unique id. Service calls are bounded by a
timeout and never block. Each configuration key is asked at most once per charger
and run (the ``ocpp`` integration raises a notification for every unknown key).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from homeassistant.core import HomeAssistant, ServiceResponse
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.util.hass_dict import HassKey

from ..const import DOMAIN
from ..ocpp_discovery import (
    known_answer,
    ocpp_support,
    remember_answer,
    runtime_protocol,
    supported_protocol,
    wrong_protocol,
)

_LOGGER = logging.getLogger(__name__)

OCPP_DOMAIN = "ocpp"
SERVICE_TIMEOUT_S = 10.0
RESET_MIN_INTERVAL = timedelta(minutes=5)
ISSUE_NON_COMPLIANT = "charger_non_compliant"
ISSUE_UNSUPPORTED = "ocpp_unsupported"  # id prefix; translation keys below
ISSUE_PROTOCOL = "ocpp_protocol_unsupported"
ISSUE_VERSION = "ocpp_version_unsupported"

KEY_RATE_UNITS = "ChargingScheduleAllowedChargingRateUnit"
KEY_MAX_STACK_LEVEL = "ChargeProfileMaxStackLevel"
KEY_MAX_PROFILES = "MaxChargingProfilesInstalled"

_UNITS: HassKey[dict[str, OcppUnit]] = HassKey(f"{DOMAIN}_ocpp_units")

# Entity keys as the ocpp integration builds them: the lower-cased metric with dots
# turned into underscores since v0.10.10 ("current_import"), with dots before. The
# rename left the old registry entries behind, so the current spelling comes first.
KEYS_TRANSACTION = ("transaction_id", "transaction.id")
KEYS_STATUS = ("status_connector", "status.connector")
KEYS_CURRENT_IMPORT = ("current_import", "current.import")
KEYS_CURRENT_OFFERED = ("current_offered", "current.offered")
KEYS_POWER_OFFERED = ("power_offered", "power.offered")
KEYS_RECONNECTS = ("reconnects",)


def raise_non_compliant_issue(
    hass: HomeAssistant, issue_id: str, cpid: str, connectors: str
) -> None:
    """Create (or update) the repair issue of a charger that ignores its limits."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id,
        is_fixable=False,
        severity=ir.IssueSeverity.WARNING,
        translation_key=ISSUE_NON_COMPLIANT,
        translation_placeholders={"charger": cpid, "connectors": connectors},
    )


def unsupported_issue_id(cpid: str) -> str:
    """Repair issue id of a charger the ``ocpp`` integration cannot drive for us."""
    return f"{ISSUE_UNSUPPORTED}_{cpid}"


def raise_unsupported_issue(hass: HomeAssistant, cpid: str, protocol: str | None) -> None:
    """A charger on OCPP 2.x (``protocol``) or an ``ocpp`` release without custom profiles."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        unsupported_issue_id(cpid),
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key=ISSUE_PROTOCOL if protocol else ISSUE_VERSION,
        translation_placeholders={"charger": cpid, "protocol": protocol or ""},
    )


def clear_unsupported_issue(hass: HomeAssistant, cpid: str) -> None:
    """The charger can be driven (again)."""
    ir.async_delete_issue(hass, DOMAIN, unsupported_issue_id(cpid))


class UnitMember(Protocol):
    """A connector adapter as the unit sees it."""

    @property
    def connector_id(self) -> int:
        """The OCPP connector id (1-based)."""

    async def async_reinstall(self, now: datetime) -> bool:
        """Re-send floor and current profile after a clear (unit lock held)."""


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What the charger said about smart charging (None = it did not say)."""

    rate_units: frozenset[str] | None = None
    max_stack_level: int | None = None
    max_profiles: int | None = None


async def async_call_ocpp(
    hass: HomeAssistant,
    service: str,
    data: Mapping[str, Any],
    *,
    return_response: bool = False,
) -> ServiceResponse:
    """Call an ``ocpp`` service and wait for it, at most ``SERVICE_TIMEOUT_S``.

    Raises whatever the service raises, or ``TimeoutError``.
    """
    async with asyncio.timeout(SERVICE_TIMEOUT_S):
        return await hass.services.async_call(
            OCPP_DOMAIN, service, dict(data), blocking=True, return_response=return_response
        )


def charger_unreachable(err: Exception) -> bool:
    """True when the ocpp integration refused a call because the charger is not connected."""
    if isinstance(err, HomeAssistantError) and err.translation_key == "unavailable":
        return True
    return "unavailable" in str(err).lower()


def parse_rate_units(value: object) -> frozenset[str] | None:
    """Parse ``ChargingScheduleAllowedChargingRateUnit`` ("Current,Power") to {"A","W"}."""
    if not isinstance(value, str):
        return None
    units: set[str] = set()
    for token in value.replace(";", ",").split(","):
        word = token.strip().lower()
        if word in {"current", "a", "amp", "amps"}:
            units.add("A")
        elif word in {"power", "w", "watt", "watts"}:
            units.add("W")
    return frozenset(units) or None


def _integer(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _config_value(response: ServiceResponse) -> object:
    if isinstance(response, Mapping):
        return response.get("value")
    return None


def ocpp_unique_ids(cpid: str, connector_id: int, keys: Iterable[str]) -> list[str]:
    """Unique ids the ocpp integration may use for these keys, connector ones first."""
    out: list[str] = []
    for key in keys:
        out.append(f"{OCPP_DOMAIN}.{cpid}.conn{connector_id}.{key}.sensor")
    if connector_id == 1:
        out.extend(f"{OCPP_DOMAIN}.{cpid}.{key}.sensor" for key in keys)
    return out


def _live_first(hass: HomeAssistant, candidates: list[str]) -> str | None:
    """The first candidate with a live state; else the first one (registry order)."""
    for entity_id in candidates:
        state = hass.states.get(entity_id)
        if state is not None and not state.attributes.get("restored"):
            return entity_id
    return candidates[0] if candidates else None


def find_ocpp_entity(
    hass: HomeAssistant, cpid: str, connector_id: int, keys: Iterable[str]
) -> str | None:
    """Entity id of an ``ocpp`` sensor found by unique id (survives renames).

    A stale entity left by an older release (its ``restored`` placeholder) loses
    against a live one of the current spelling.
    """
    registry = er.async_get(hass)
    groups: dict[str, list[str]] = {}  # one group per key, its spellings in order
    for key in keys:
        group = groups.setdefault(key.replace(".", "_"), [])
        for unique_id in ocpp_unique_ids(cpid, connector_id, (key,)):
            if entity_id := registry.async_get_entity_id("sensor", OCPP_DOMAIN, unique_id):
                group.append(entity_id)
    for group in groups.values():
        if group:
            return _live_first(hass, group)
    return None


def find_charger_entity(hass: HomeAssistant, cpid: str, keys: Iterable[str]) -> str | None:
    """Entity id of a charger-level ``ocpp`` sensor (never per connector)."""
    registry = er.async_get(hass)
    candidates = [
        entity_id
        for key in keys
        if (
            entity_id := registry.async_get_entity_id(
                "sensor", OCPP_DOMAIN, f"{OCPP_DOMAIN}.{cpid}.{key}.sensor"
            )
        )
    ]
    return _live_first(hass, candidates)


class OcppUnit:
    """Shared state of one charge point; get it with ``unit_for``."""

    def __init__(self, hass: HomeAssistant, cpid: str) -> None:
        self.hass = hass
        self.cpid = cpid
        self.lock = asyncio.Lock()
        self.members: dict[int, UnitMember] = {}
        self.capabilities: Capabilities | None = None
        self.protocol: str | None = None  # "1.6", "2.0.1", ... once known
        self.unsupported = False  # release too old or charger on OCPP 2.x: nothing is sent
        self.last_reset: datetime | None = None
        self._non_compliant: set[int] = set()

    @property
    def issue_id(self) -> str:
        """Repair issue id of this charger."""
        return f"{ISSUE_NON_COMPLIANT}_{self.cpid}"

    def device_present(self) -> bool:
        """True when the ocpp integration has a device for this charge point."""
        device = dr.async_get(self.hass).async_get_device(identifiers={(OCPP_DOMAIN, self.cpid)})
        return device is not None

    def check_support(self) -> bool:
        """False (and a repair issue) when this charger cannot be driven; no calls."""
        support = ocpp_support(self.hass)
        self.protocol = runtime_protocol(self.hass, self.cpid) or self.protocol
        too_old = support is not None and not support.custom_profiles
        unsupported = too_old or not supported_protocol(self.protocol)
        if unsupported and not self.unsupported:
            _LOGGER.error(
                "%s: cannot be driven through the ocpp integration (%s); see the repair issue",
                self.cpid,
                f"OCPP {self.protocol}" if not too_old else "ocpp release before 0.6",
            )
            raise_unsupported_issue(self.hass, self.cpid, None if too_old else self.protocol)
        elif not unsupported and self.unsupported:
            clear_unsupported_issue(self.hass, self.cpid)
        self.unsupported = unsupported
        return not unsupported

    async def async_probe(self) -> None:
        """Ask the charger for rate units, stack levels, profile slots (best effort, once).

        Not asked when the ``ocpp`` release gives no answers (before v0.8); a charger
        that is not connected is asked again later, any other failure is final.
        """
        support = ocpp_support(self.hass)
        if support is not None and not support.config_responses:
            self.capabilities = Capabilities()
            return
        values: dict[str, object] = {}
        for key in (KEY_RATE_UNITS, KEY_MAX_STACK_LEVEL, KEY_MAX_PROFILES):
            asked, answer = known_answer(self.hass, self.cpid, key)
            if asked:
                values[key] = answer
                continue
            try:
                response = await async_call_ocpp(
                    self.hass,
                    "get_configuration",
                    {"devid": self.cpid, "ocpp_key": key},
                    return_response=True,
                )
            except Exception as err:
                _LOGGER.debug("%s: get_configuration %s failed: %s", self.cpid, key, err)
                if wrong_protocol(err):
                    self.protocol = "2.0.1"
                    self.check_support()
                if not charger_unreachable(err):
                    self.capabilities = Capabilities()
                return
            values[key] = _config_value(response)
            remember_answer(self.hass, self.cpid, key, values[key])
        self.protocol = self.protocol or "1.6"
        self.capabilities = Capabilities(
            parse_rate_units(values[KEY_RATE_UNITS]),
            _integer(values[KEY_MAX_STACK_LEVEL]),
            _integer(values[KEY_MAX_PROFILES]),
        )
        _LOGGER.debug("%s: capabilities %s", self.cpid, self.capabilities)

    def may_auto_reset(self, now: datetime) -> bool:
        """True when the last reset is at least ``RESET_MIN_INTERVAL`` ago."""
        return self.last_reset is None or now - self.last_reset >= RESET_MIN_INTERVAL

    async def async_reset_locked(self, now: datetime, clear: Callable[[], Awaitable[bool]]) -> bool:
        """Clear every profile, then let every connector re-install its own (lock held)."""
        self.last_reset = now
        if not await clear():
            return False
        ok = True
        for connector in sorted(self.members):
            ok = await self.members[connector].async_reinstall(now) and ok
        return ok

    def set_compliant(self, connector_id: int, compliant: bool) -> None:
        """Track a connector's compliance; keep the charger's repair issue in step."""
        before = bool(self._non_compliant)
        if compliant:
            self._non_compliant.discard(connector_id)
        else:
            self._non_compliant.add(connector_id)
        if self._non_compliant:
            connectors = ", ".join(str(c) for c in sorted(self._non_compliant))
            raise_non_compliant_issue(self.hass, self.issue_id, self.cpid, connectors)
        elif before:
            ir.async_delete_issue(self.hass, DOMAIN, self.issue_id)


def unit_for(hass: HomeAssistant, cpid: str) -> OcppUnit:
    """The shared unit of a charge point, created on first use."""
    units = hass.data.setdefault(_UNITS, {})
    if cpid not in units:
        units[cpid] = OcppUnit(hass, cpid)
    return units[cpid]


def register(unit: OcppUnit, member: UnitMember) -> None:
    """Add a connector adapter to its unit."""
    other = unit.members.get(member.connector_id)
    if other is not None and other is not member:
        _LOGGER.warning(
            "%s: connector %s is configured twice; the last one wins",
            unit.cpid,
            member.connector_id,
        )
    unit.members[member.connector_id] = member


def unregister(unit: OcppUnit, member: UnitMember) -> None:
    """Remove a connector adapter; forget the unit when it was the last one."""
    if unit.members.get(member.connector_id) is member:
        del unit.members[member.connector_id]
        unit.set_compliant(member.connector_id, True)
    if not unit.members:
        units = unit.hass.data.get(_UNITS, {})
        if units.get(unit.cpid) is unit:
            del units[unit.cpid]
