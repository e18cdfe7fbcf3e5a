"""Find the chargers and connectors of the Home Assistant OCPP integration.

Owns reading the ``ocpp`` integration's devices and entities from the device and
entity registries (by identifier and unique id, never by entity id text, so
renamed entities still work) and asking a charger for its allowed charging rate
unit through the ``ocpp.get_configuration`` service. Nothing here writes.

Naming used by the ``ocpp`` integration:

* charger device identifier ``("ocpp", <cpid>)``; with more than one connector,
  child devices ``("ocpp", "<cpid>-conn<N>")``; the central system has its own
  device without entities (model "OCPP Central System");
* sensor unique ids ``ocpp.<cpid>[.conn<N>].<key>.sensor`` where ``<key>`` is the
  lower-cased metric name, e.g. ``current.import`` (older releases used
  ``Current.Import``). Keys are compared after lower-casing and turning dots into
  underscores, so ``current_import`` matches all spellings.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass, field

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er

_LOGGER = logging.getLogger(__name__)

OCPP_DOMAIN = "ocpp"
SERVICE_GET_CONFIGURATION = "get_configuration"
RATE_UNIT_KEY = "ChargingScheduleAllowedChargingRateUnit"
CENTRAL_SYSTEM_MODEL = "OCPP Central System"
RATE_UNIT_TIMEOUT_S = 10.0

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
    """Unique id without ``ocpp.`` and ``.sensor`` -> entity id, for ocpp sensors."""
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
    return result


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


async def async_get_rate_unit(hass: HomeAssistant, cpid: str) -> str | None:
    """Ask the charger which rate unit it accepts; None when it cannot be known."""
    if not hass.services.has_service(OCPP_DOMAIN, SERVICE_GET_CONFIGURATION):
        return None
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
        _LOGGER.debug("Could not read %s from %s: %s", RATE_UNIT_KEY, cpid, err)
        return None
    if not isinstance(response, dict):
        return None
    return parse_rate_unit(response.get("value"))
