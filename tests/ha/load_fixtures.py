"""Generic and thermal load subentries, and stand-in devices that obey their services.

Stand-ins: ``number.set_value`` / ``input_number.set_value`` write the value into
the entity's state; ``water_heater.set_temperature`` the ``temperature``
attribute; ``climate.set_temperature`` / ``climate.set_hvac_mode`` the
``temperature`` attribute and the state. Every call is recorded.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigSubentryDataWithId
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component

from custom_components.dynamic_ocpp_evse.const import SUBENTRY_LOAD, SUBENTRY_THERMAL


def generic(sub_id: str, title: str, **data: Any) -> ConfigSubentryDataWithId:
    """A generic load subentry (``data`` as the flow stores it)."""
    return ConfigSubentryDataWithId(
        data={"name": title, "priority": 1, **data},
        subentry_id=sub_id,
        subentry_type=SUBENTRY_LOAD,
        title=title,
        unique_id=None,
    )


def thermal(sub_id: str, title: str, **data: Any) -> ConfigSubentryDataWithId:
    """A thermal load subentry (``data`` as the flow stores it)."""
    return ConfigSubentryDataWithId(
        data={"name": title, "priority": 1, **data},
        subentry_id=sub_id,
        subentry_type=SUBENTRY_THERMAL,
        title=title,
        unique_id=None,
    )


STAND_IN_PREFIXES = ("number.heater", "input_number.", "water_heater.", "climate.")


async def register_devices(hass: HomeAssistant) -> list[ServiceCall]:
    """Stand-in services of number, input_number, water_heater and climate entities.

    The hub has ``number`` entities of its own: calls for those still reach the real
    ``number.set_value`` (set up here first, so it does not replace the stand-in)."""
    assert await async_setup_component(hass, "number", {})
    real_set_value = hass.services.async_services_for_domain("number")["set_value"]
    calls: list[ServiceCall] = []

    def entity_ids(call: ServiceCall) -> list[str]:
        ids = call.data["entity_id"]
        return ids if isinstance(ids, list) else [ids]

    async def set_value(call: ServiceCall) -> None:
        if not all(i.startswith(STAND_IN_PREFIXES) for i in entity_ids(call)):
            data = real_set_value.schema(dict(call.data)) if real_set_value.schema else call.data
            await real_set_value.job.target(
                ServiceCall(hass, call.domain, call.service, data, call.context)
            )
            return
        calls.append(call)
        for entity_id in entity_ids(call):
            old = hass.states.get(entity_id)
            attrs = dict(old.attributes) if old else {}
            hass.states.async_set(entity_id, str(call.data["value"]), attrs)

    async def set_temperature(call: ServiceCall) -> None:
        calls.append(call)
        for entity_id in entity_ids(call):
            old = hass.states.get(entity_id)
            attrs = {**(old.attributes if old else {}), "temperature": call.data["temperature"]}
            hass.states.async_set(entity_id, old.state if old else "on", attrs)

    async def set_hvac_mode(call: ServiceCall) -> None:
        calls.append(call)
        for entity_id in entity_ids(call):
            old = hass.states.get(entity_id)
            hass.states.async_set(
                entity_id, call.data["hvac_mode"], dict(old.attributes) if old else {}
            )

    for domain in ("number", "input_number"):
        hass.services.async_register(domain, "set_value", set_value)
    hass.services.async_register("water_heater", "set_temperature", set_temperature)
    hass.services.async_register("climate", "set_temperature", set_temperature)
    hass.services.async_register("climate", "set_hvac_mode", set_hvac_mode)
    return calls


def device_calls(calls: list[ServiceCall]) -> list[tuple[str, str, dict[str, Any]]]:
    """(domain.service, entity_id, the other data) of every recorded call, in order."""
    out = []
    for call in calls:
        data = {k: v for k, v in call.data.items() if k != "entity_id"}
        out.append((f"{call.domain}.{call.service}", str(call.data["entity_id"]), data))
    return out
