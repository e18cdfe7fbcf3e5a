"""A charger through the ``ocpp`` integration joins that integration's device.

The user sees one device per charger: the ``ocpp`` integration's, with our entities
on it; no second device named after us. Actions still find the charger by that
device; removing the charger from the hub leaves the ``ocpp`` device alone.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.hub_fixtures import CHARGER, charger, make_entry, set_grid, set_solar, setup_hub
from tests.ha.test_ocpp_adapter_standin import stand_in


async def _hub(hass: HomeAssistant, connectors: int = 1, extra: list | None = None):
    fake = await stand_in(hass)
    ids = fake.add_charger("cp1", connectors)[1]
    fake.set_state(ids["status.connector"], "Charging")
    fake.set_state(ids["current.import"], 0.0, L1=0.0, L2=0.0, L3=0.0)
    set_grid(hass, 2.0, 2.0, 2.0)
    set_solar(hass, 0.0)
    entry = make_entry(hass, plugs=False, extra=extra or [charger()])
    await setup_hub(hass, entry)
    await hass.async_block_till_done(wait_background_tasks=True)
    return fake, entry


def _our_entities_on(hass: HomeAssistant, device: dr.DeviceEntry) -> set[str]:
    return {
        e.entity_id
        for e in er.async_entries_for_device(er.async_get(hass), device.id)
        if e.platform == DOMAIN
    }


async def test_our_charger_entities_join_the_ocpp_device(hass: HomeAssistant) -> None:
    _fake, entry = await _hub(hass)
    devices = dr.async_get(hass)
    ocpp_device = devices.async_get_device({("ocpp", "cp1")})
    assert ocpp_device is not None
    assert devices.async_get_device({(DOMAIN, CHARGER)}) is None  # no second device
    ours = _our_entities_on(hass, ocpp_device)
    assert {"select.cp1_operating_mode", "sensor.cp1_allocated_current"} <= ours
    assert ocpp_device.config_entries_subentries[entry.entry_id] == {CHARGER}
    assert ocpp_device.name == "cp1"  # the ocpp integration's name is kept

    # an action finds the charger through that device
    await hass.services.async_call(
        DOMAIN, "set_operating_mode", {"device_id": ocpp_device.id, "mode": "off"}, blocking=True
    )
    assert hass.states.get("select.cp1_operating_mode").state == "off"

    # removing the charger from the hub removes our entities, not the ocpp device
    hass.config_entries.async_remove_subentry(entry, CHARGER)
    await hass.async_block_till_done()
    device = devices.async_get_device({("ocpp", "cp1")})
    assert device is not None and not _our_entities_on(hass, device)
    assert entry.entry_id not in device.config_entries


async def test_a_connector_of_a_multi_connector_charger_joins_its_connector_device(
    hass: HomeAssistant,
) -> None:
    connector = charger()  # connector 1 of 2
    connector["data"] = {**connector["data"], "connector_count": 2}
    _fake, _entry = await _hub(hass, connectors=2, extra=[connector])
    devices = dr.async_get(hass)
    conn_device = devices.async_get_device({("ocpp", "cp1-conn1")})
    assert conn_device is not None and _our_entities_on(hass, conn_device)
    assert not _our_entities_on(hass, devices.async_get_device({("ocpp", "cp1")}))


async def test_without_an_ocpp_device_the_charger_keeps_its_own(hass: HomeAssistant) -> None:
    set_grid(hass, 2.0, 2.0, 2.0)
    set_solar(hass, 0.0)
    entry = make_entry(hass, plugs=False, extra=[charger(cpid="nowhere")])
    await setup_hub(hass, entry)
    device = dr.async_get(hass).async_get_device({(DOMAIN, CHARGER)})
    assert device is not None and device.name == "Wallbox"
    assert _our_entities_on(hass, device)


async def test_the_own_device_of_an_older_install_goes_away(hass: HomeAssistant) -> None:
    """Before, the charger had its own device: its entities move, the empty device goes."""
    fake = await stand_in(hass)
    fake.add_charger("cp1")
    set_grid(hass, 2.0, 2.0, 2.0)
    set_solar(hass, 0.0)
    entry = make_entry(hass, plugs=False, extra=[charger()])
    devices = dr.async_get(hass)
    old = devices.async_get_or_create(
        config_entry_id=entry.entry_id,
        config_subentry_id=CHARGER,
        identifiers={(DOMAIN, CHARGER)},
        name="Wallbox",
    )
    moved = er.async_get(hass).async_get_or_create(
        "select", DOMAIN, f"{CHARGER}_operating_mode", device_id=old.id, config_entry=entry,
        config_subentry_id=CHARGER, suggested_object_id="wallbox_operating_mode",
    )  # fmt: skip
    await setup_hub(hass, entry)
    assert devices.async_get(old.id) is None
    ocpp_device = devices.async_get_device({("ocpp", "cp1")})
    assert er.async_get(hass).async_get(moved.entity_id).device_id == ocpp_device.id
    assert hass.states.get("select.wallbox_operating_mode") is not None  # id kept
