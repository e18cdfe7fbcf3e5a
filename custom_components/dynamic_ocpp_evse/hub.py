"""The Home Assistant entry points of one hub (re-exported by ``__init__.py``).

Sets up one hub per config entry: its built-in OCPP server when enabled
(``ocpp_runtime``), its coordinator (``entry.runtime_data``), its platforms,
and a reload whenever the entry or one of its subentries changes,
so adding, removing or reconfiguring a load applies without a restart (user
settings survive the reload, see ``settings.py``).
"""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.typing import ConfigType

from .const import DOMAIN
from .controller_store import ControllerStore
from .coordinator import DynamicOcppEvseConfigEntry, HubCoordinator, RuntimeData
from .devices import remove_replaced_devices
from .entity import device_info
from .migration import async_migrate_entry
from .ocpp_runtime import async_start_ocpp_server
from .plan_store import PlanStore
from .repairs import async_clear_entry_issues
from .services import async_setup_services
from .settings import forget_settings

__all__ = [
    "CONFIG_SCHEMA",
    "PLATFORMS",
    "async_migrate_entry",
    "async_remove_entry",
    "async_setup",
    "async_setup_entry",
    "async_unload_entry",
]

PLATFORMS: list[Platform] = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TIME,
]
CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the services (they exist even before a hub is set up)."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: DynamicOcppEvseConfigEntry) -> bool:
    """Set up one hub: coordinator, hub device, platforms, then start the loop."""
    server = await async_start_ocpp_server(hass, entry)  # stopped with the entry
    coordinator = HubCoordinator(hass, entry, central=server.system if server else None)
    entry.runtime_data = RuntimeData(coordinator=coordinator, ocpp_server=server)
    if server is not None:
        server.attach(coordinator)
    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, **device_info(entry, None)
    )
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    remove_replaced_devices(hass, entry.entry_id, list(entry.subentries.values()))
    await coordinator.async_start()
    entry.async_on_unload(entry.add_update_listener(_async_update_listener))
    return True


async def _async_update_listener(hass: HomeAssistant, entry: DynamicOcppEvseConfigEntry) -> None:
    """The entry or a subentry changed: reload (user settings are kept)."""
    await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: DynamicOcppEvseConfigEntry) -> bool:
    """Unload the platforms and stop the hub's loop."""
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if unloaded:
        await entry.runtime_data.coordinator.async_stop()
    return unloaded


async def async_remove_entry(hass: HomeAssistant, entry: DynamicOcppEvseConfigEntry) -> None:
    """The hub was deleted: forget its settings, stored controller state and repair issues."""
    forget_settings(hass, entry.entry_id)
    await ControllerStore(hass, entry.entry_id).async_remove()
    await PlanStore(hass, entry.entry_id).async_remove()
    async_clear_entry_issues(hass, entry.entry_id)
