"""Find the chargers and connectors of the Home Assistant OCPP integration.

Owns reading the ``ocpp`` integration's devices and entities from the device and
entity registries (by identifier and unique id, never by entity id text, so
renamed entities still work), asking a charger for its allowed charging rate
unit through the ``ocpp.get_configuration`` service, and telling what the installed
``ocpp`` release and a charger's OCPP version allow (``ocpp_support``,
``async_probe_charger``; the table is in docs/ocpp-integration.md). Nothing here writes.

Naming used by the ``ocpp`` integration:

* charger device identifier ``("ocpp", <cpid>)``; with more than one connector,
  child devices ``("ocpp", "<cpid>-conn<N>")``; the central system has its own
  device without entities (model "OCPP Central System");
* sensor unique ids ``ocpp.<cpid>[.conn<N>].<key>.sensor`` where ``<key>`` is the
  lower-cased metric name, e.g. ``current.import`` (older releases used
  ``Current.Import``). Keys are compared after lower-casing and turning dots into
  underscores, so ``current_import`` matches all spellings. v0.10.10 turned the dots
  of the key into underscores without moving the old registry entries, so a stale
  ``current.import`` entity can sit next to the live ``current_import``: the live one
  (a state that is not Home Assistant's ``restored`` placeholder) wins.

What the releases allow: before v0.6 ``set_charge_rate`` takes no ``custom_profile``/
``conn_id`` (unusable for us); v0.6-0.7 ``get_configuration`` gives no response;
up to v0.9 there are no per-connector entities. A charger on OCPP 2.0.1 answers a
1.6 configuration key with the ``invalid_ocpp_key`` error.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field
from typing import Any

import voluptuous as vol
from homeassistant.core import HomeAssistant, SupportsResponse
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.util.hass_dict import HassKey

_LOGGER = logging.getLogger(__name__)

OCPP_DOMAIN = "ocpp"
SERVICE_GET_CONFIGURATION = "get_configuration"
RATE_UNIT_KEY = "ChargingScheduleAllowedChargingRateUnit"
CENTRAL_SYSTEM_MODEL = "OCPP Central System"
RATE_UNIT_TIMEOUT_S = 10.0
SERVICE_SET_CHARGE_RATE = "set_charge_rate"
PROTOCOL_16 = "1.6"
PROTOCOL_2 = "2.0.1"
# (cpid, configuration key) -> the charger's answer, asked once per run: the ocpp
# integration raises a notification for every key a charger does not know
_ANSWERS: HassKey[dict[tuple[str, str], object]] = HassKey("dynamic_ocpp_evse_ocpp_answers")


def remember_answer(hass: HomeAssistant, cpid: str, key: str, value: object) -> None:
    """Keep what a charger answered to ``get_configuration`` for this run."""
    hass.data.setdefault(_ANSWERS, {})[(cpid, key)] = value


def known_answer(hass: HomeAssistant, cpid: str, key: str) -> tuple[bool, object]:
    """(True, value) when the charger was already asked for ``key`` in this run."""
    answers = hass.data.get(_ANSWERS, {})
    return ((cpid, key) in answers, answers.get((cpid, key)))


KEY_CURRENT_IMPORT = "current_import"
KEY_CURRENT_OFFERED = "current_offered"
KEY_POWER_OFFERED = "power_offered"
KEY_STATUS_CONNECTOR = "status_connector"
KEY_TRANSACTION_ID = "transaction_id"
WANTED_KEYS = frozenset(
    {
        KEY_CURRENT_IMPORT,
        KEY_CURRENT_OFFERED,
        KEY_POWER_OFFERED,
        KEY_STATUS_CONNECTOR,
        KEY_TRANSACTION_ID,
    }
)

_CONN_DEVICE_RE = re.compile(r"^(?P<cpid>.+)-conn(?P<n>\d+)$")
_CONN_PART_RE = re.compile(r"^conn(?P<n>\d+)\.(?P<key>.+)$")


@dataclass(frozen=True, slots=True)
class DiscoveredConnector:
    """One connector of an OCPP charger, with the entities found for it."""

    cpid: str
    connector_id: int
    connector_count: int
    charger_name: str
    entities: dict[str, str] = field(default_factory=dict)  # normalised key -> entity id

    @property
    def key(self) -> str:
        """Stable identifier, also the charger subentry's unique id."""
        return f"{self.cpid}-{self.connector_id}"

    @property
    def title(self) -> str:
        """A readable default name for the connector."""
        if self.connector_count > 1:
            return f"{self.charger_name} {self.connector_id}"
        return self.charger_name


def normalise_key(key: str) -> str:
    """``Current.Import`` / ``current.import`` / ``current_import`` -> ``current_import``."""
    return key.lower().replace(".", "_")


def ocpp_loaded(hass: HomeAssistant) -> bool:
    """Whether the ``ocpp`` integration has at least one loaded config entry."""
    return bool(hass.config_entries.async_loaded_entries(OCPP_DOMAIN))


def _ocpp_ids(device: dr.DeviceEntry) -> list[str]:
    return sorted(ident for domain, ident in device.identifiers if domain == OCPP_DOMAIN)


def _split(middle: str, cpid: str) -> tuple[int | None, str] | None:
    """Split ``<cpid>[.conn<N>].<key>`` for a known cpid; None when it is not ours."""
    if not middle.startswith(f"{cpid}."):
        return None
    rest = middle[len(cpid) + 1 :]
    match = _CONN_PART_RE.match(rest)
    if match:
        return int(match["n"]), normalise_key(match["key"])
    return None, normalise_key(rest)


def _ocpp_sensor_ids(hass: HomeAssistant) -> dict[str, str]:
    """Unique id without ``ocpp.`` and ``.sensor`` -> entity id, for ocpp sensors.

    Of two spellings of one key (``current.import`` and ``current_import``), only the
    live one is kept (the current spelling when neither has a live state).
    """
    result: dict[str, str] = {}
    for entry in er.async_get(hass).entities.values():
        uid = entry.unique_id
        if (
            entry.platform == OCPP_DOMAIN
            and entry.domain == "sensor"
            and uid.startswith(f"{OCPP_DOMAIN}.")
            and uid.endswith(".sensor")
        ):
            result[uid[len(OCPP_DOMAIN) + 1 : -len(".sensor")]] = entry.entity_id
    for middle in [m for m in result if "_" in m]:
        for old in _dotted_spellings(middle):
            if old in result and _live(hass, result[old]) and not _live(hass, result[middle]):
                del result[middle]
            elif old in result:
                del result[old]
    return result


def _dotted_spellings(middle: str) -> list[str]:
    """The pre-v0.10.10 spellings of ``<cpid>[.conn<N>].<key_with_underscores>``."""
    head, _, key = middle.rpartition(".")
    if not head or "_" not in key:
        return []
    return [f"{head}.{key.replace('_', '.')}"]


def _live(hass: HomeAssistant, entity_id: str) -> bool:
    state = hass.states.get(entity_id)
    return state is not None and not state.attributes.get("restored")


def _charger_entities(
    sensors: dict[str, str], cpids: list[str]
) -> tuple[str, dict[int | None, dict[str, str]]]:
    """Pick the identifier the sensors use and group its wanted sensors by connector."""
    best_cpid: str = cpids[0]
    best: dict[int | None, dict[str, str]] = {}
    for cpid in cpids:
        grouped: dict[int | None, dict[str, str]] = {}
        for middle, entity_id in sensors.items():
            split = _split(middle, cpid)
            if split is None:
                continue
            connector, key = split
            if key in WANTED_KEYS:
                grouped.setdefault(connector, {})[key] = entity_id
        if len(grouped) > len(best) or (grouped and not best):
            best_cpid, best = cpid, grouped
    return best_cpid, best


def discover_connectors(hass: HomeAssistant) -> list[DiscoveredConnector]:
    """Every connector of every OCPP charger known to the registries, sorted."""
    dev_reg = dr.async_get(hass)
    sensors = _ocpp_sensor_ids(hass)
    devices = [d for d in dev_reg.devices.values() if _ocpp_ids(d)]
    child_connectors: dict[str, set[int]] = {}
    chargers: list[dr.DeviceEntry] = []
    for device in devices:
        ids = _ocpp_ids(device)
        matches = [m for m in (_CONN_DEVICE_RE.match(i) for i in ids) if m]
        if matches:
            for match in matches:
                child_connectors.setdefault(match["cpid"], set()).add(int(match["n"]))
            continue
        chargers.append(device)

    result: list[DiscoveredConnector] = []
    for device in chargers:
        cpid, grouped = _charger_entities(sensors, _ocpp_ids(device))
        if device.model == CENTRAL_SYSTEM_MODEL or (device.via_device_id is None and not grouped):
            continue  # the central system itself, not a charger
        connectors = set(child_connectors.get(cpid, set()))
        connectors |= {c for c in grouped if c is not None}
        name = device.name_by_user or device.name or cpid
        if not connectors:
            result.append(DiscoveredConnector(cpid, 1, 1, name, dict(grouped.get(None, {}))))
            continue
        count = max(connectors)
        for connector in sorted(connectors):
            entities = dict(grouped.get(connector, {}))
            result.append(DiscoveredConnector(cpid, connector, count, name, entities))
    return sorted(result, key=lambda c: (c.charger_name.lower(), c.cpid, c.connector_id))


def parse_rate_unit(value: object) -> str | None:
    """Map a ``ChargingScheduleAllowedChargingRateUnit`` value to "A", "W" or None.

    The value is a comma separated list such as ``"Current,Power"``; current is
    preferred when both are allowed.
    """
    if isinstance(value, list | tuple):
        tokens = [str(v) for v in value]
    elif isinstance(value, str):
        tokens = re.split(r"[,;\s]+", value)
    else:
        return None
    lowered = {t.strip().lower() for t in tokens if t.strip()}
    if lowered & {"current", "a", "amps", "amperes"}:
        return "A"
    if lowered & {"power", "w", "watts"}:
        return "W"
    return None


@dataclass(frozen=True, slots=True)
class OcppSupport:
    """What the installed ``ocpp`` release offers us."""

    custom_profiles: bool  # set_charge_rate takes custom_profile and conn_id (v0.6+)
    config_responses: bool  # get_configuration returns the value (v0.8+)


def ocpp_support(hass: HomeAssistant) -> OcppSupport | None:
    """Read the ``ocpp`` services' schemas; None when the services are not there."""
    services = hass.services.async_services_for_domain(OCPP_DOMAIN)
    rate = services.get(SERVICE_SET_CHARGE_RATE)
    if rate is None:
        return None
    custom = True
    if rate.schema is not None:
        try:
            rate.schema({"devid": "probe", "conn_id": 1, "custom_profile": "{}"})
        except vol.Invalid:
            custom = False
    responses = (
        SERVICE_GET_CONFIGURATION in services
        and hass.services.supports_response(OCPP_DOMAIN, SERVICE_GET_CONFIGURATION)
        is not SupportsResponse.NONE
    )
    return OcppSupport(custom_profiles=custom, config_responses=responses)


def runtime_protocol(hass: HomeAssistant, cpid: str) -> str | None:
    """The OCPP version the ``ocpp`` integration speaks with a connected charger, if known.

    Best effort: reads the integration's central system object, which is not a public
    API; any surprise there means "unknown".
    """
    try:
        for entry in hass.config_entries.async_loaded_entries(OCPP_DOMAIN):
            central: Any = hass.data.get(OCPP_DOMAIN, {}).get(entry.entry_id)
            points = getattr(central, "charge_points", None)
            if not isinstance(points, dict):
                continue
            ids = getattr(central, "cpids", None)
            cp_id = ids.get(cpid, cpid) if isinstance(ids, dict) else cpid
            version = getattr(points.get(cp_id), "_ocpp_version", None)
            if isinstance(version, str) and version:
                return version
    except Exception:  # another integration's internals: never fatal
        return None
    return None


def wrong_protocol(err: Exception) -> bool:
    """True when the ``ocpp`` integration refused a 1.6 key: the charger speaks 2.x."""
    return isinstance(err, HomeAssistantError) and err.translation_key == "invalid_ocpp_key"


def supported_protocol(protocol: str | None) -> bool:
    """1.6 (or unknown) is supported; 2.0.1 and 2.1 are not."""
    return protocol is None or protocol.startswith("1.")


@dataclass(frozen=True, slots=True)
class ChargerProbe:
    """What one question to the charger told us."""

    rate_unit: str | None = None
    protocol: str | None = None


async def async_probe_charger(hass: HomeAssistant, cpid: str) -> ChargerProbe:
    """Ask the charger its allowed rate unit; learn its OCPP version on the way."""
    protocol = runtime_protocol(hass, cpid)
    services = hass.services
    if (
        not services.has_service(OCPP_DOMAIN, SERVICE_GET_CONFIGURATION)
        or services.supports_response(OCPP_DOMAIN, SERVICE_GET_CONFIGURATION)
        is SupportsResponse.NONE
        or not supported_protocol(protocol)
    ):
        return ChargerProbe(None, protocol)
    try:
        async with asyncio.timeout(RATE_UNIT_TIMEOUT_S):
            response = await hass.services.async_call(
                OCPP_DOMAIN,
                SERVICE_GET_CONFIGURATION,
                {"devid": cpid, "ocpp_key": RATE_UNIT_KEY},
                blocking=True,
                return_response=True,
            )
    except Exception as err:
        if wrong_protocol(err):
            return ChargerProbe(None, PROTOCOL_2)
        _LOGGER.debug("Could not read %s from %s: %s", RATE_UNIT_KEY, cpid, err)
        return ChargerProbe(None, protocol)
    if not isinstance(response, dict):
        return ChargerProbe(None, protocol or PROTOCOL_16)
    remember_answer(hass, cpid, RATE_UNIT_KEY, response.get("value"))
    return ChargerProbe(parse_rate_unit(response.get("value")), protocol or PROTOCOL_16)


async def async_get_rate_unit(hass: HomeAssistant, cpid: str) -> str | None:
    """Ask the charger which rate unit it accepts; None when it cannot be known."""
    return (await async_probe_charger(hass, cpid)).rate_unit
