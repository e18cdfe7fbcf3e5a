"""Which existing device a subentry's entities join instead of getting their own.

A charger connector set up through the ``ocpp`` integration already has a device
there (the charger, or with several connectors one child device per connector).
Our entities of that connector join it, so the user sees one device per charger
with everything on it, not a second one named after us. When that device cannot
be found (the ``ocpp`` integration has not created it yet, or a multi-connector
charger without per-connector devices, where our entities of two connectors would
clash), the subentry keeps its own device.
"""

from __future__ import annotations

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.device_registry import DeviceInfo

from .const import (
    BACKEND_OCPP_INTEGRATION,
    CONF_BACKEND,
    CONF_CHARGE_POINT_ID,
    CONF_CONNECTOR_COUNT,
    CONF_CONNECTOR_ID,
    DOMAIN,
    SUBENTRY_CHARGER,
)
from .ocpp_discovery import CENTRAL_SYSTEM_MODEL, OCPP_DOMAIN


def _int(value: object, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return default
    try:
        return int(value)
    except ValueError:
        return default


def ocpp_device_link(hass: HomeAssistant, subentry: ConfigSubentry | None) -> DeviceInfo | None:
    """A link to the ``ocpp`` integration's device of this charger connector, if any."""
    if subentry is None or subentry.subentry_type != SUBENTRY_CHARGER:
        return None
    data = subentry.data
    cpid = data.get(CONF_CHARGE_POINT_ID)
    if data.get(CONF_BACKEND) != BACKEND_OCPP_INTEGRATION or not cpid:
        return None
    connector = _int(data.get(CONF_CONNECTOR_ID), 1)
    candidates = [f"{cpid}-conn{connector}"]
    if _int(data.get(CONF_CONNECTOR_COUNT), 1) <= 1:
        candidates.append(str(cpid))
    registry = dr.async_get(hass)
    for ident in candidates:
        device = registry.async_get_device(identifiers={(OCPP_DOMAIN, ident)})
        if device is not None and device.model != CENTRAL_SYSTEM_MODEL:
            return DeviceInfo(identifiers={(OCPP_DOMAIN, ident)})
    return None


def remove_replaced_devices(
    hass: HomeAssistant, entry_id: str, subentries: list[ConfigSubentry]
) -> None:
    """Remove the own device a charger had before it joined the ``ocpp`` device
    (an install from before 0.2): its entities have moved, it would stay empty."""
    registry = dr.async_get(hass)
    for subentry in subentries:
        if ocpp_device_link(hass, subentry) is None:
            continue
        own = registry.async_get_device(identifiers={(DOMAIN, subentry.subentry_id)})
        if own is not None and entry_id in own.config_entries:
            registry.async_remove_device(own.id)
