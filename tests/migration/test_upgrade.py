"""An upstream install (v2.0 and 2.0.5) upgrades in place and keeps being controlled.

The site: a hub, two OCPP chargers (through the ``ocpp`` stand-in) and a 20 A
circuit group holding both, as upstream stores them, with upstream's entities
and devices in the registries and their last states in the restore cache. Home
Assistant sets the domain up as it does at start (all entries at once, in
storage order); both orders (hub first, children first) are used.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry, mock_restore_cache

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.hub_fixtures import cars_plugged_in, make_entry
from tests.ha.test_ocpp_adapter_standin import OcppStandIn, stand_in
from tests.migration import upstream_entries as up

Entry = tuple[dict[str, Any], dict[str, Any], str]


def add_upstream_entry(
    hass: HomeAssistant, entry_id: str, entry: Entry, minor: int
) -> MockConfigEntry:
    """Add an upstream entry (flow version 2.minor) to hass, not set up."""
    data, options, title = entry
    mock = MockConfigEntry(
        domain=DOMAIN,
        entry_id=entry_id,
        title=title,
        data=data,
        options=options,
        version=2,
        minor_version=minor,
    )
    mock.add_to_hass(hass)
    return mock


def _upstream_entities(
    hass: HomeAssistant, mock: MockConfigEntry, prefix: str, kinds: list[tuple[str, str]]
) -> None:
    """Upstream's device (identified by the entry id) and entities of one entry."""
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=mock.entry_id, identifiers={(DOMAIN, mock.entry_id)}, name=mock.title
    )
    for domain, suffix in kinds:
        er.async_get(hass).async_get_or_create(
            domain,
            DOMAIN,
            f"{prefix}_{suffix}",
            suggested_object_id=f"{prefix}_{suffix}",
            config_entry=mock,
            device_id=device.id,
        )


async def _site(
    hass: HomeAssistant, minor: int, *, hub_first: bool, disabled: tuple[str, ...] = ()
) -> OcppStandIn:
    fake = await stand_in(hass)
    cars_plugged_in(hass, fake, ("cpleft", "cpright"), status="Charging", offered=6.0)
    hub = up.hub_v20() if minor == 1 else up.hub_v205()
    prefix = hub[0]["entity_id"]
    children = [
        (up.LEFT_ID, up.charger(minor, "cpleft", "Left", 1)),
        (up.RIGHT_ID, up.charger(minor, "cpright", "Right", 2)),
        (up.GROUP_ID, up.group([up.LEFT_ID, up.RIGHT_ID], limit=20)),
    ]
    if not hub_first:
        mocks = {eid: add_upstream_entry(hass, eid, entry, minor) for eid, entry in children}
    hub_mock = add_upstream_entry(hass, up.HUB_ID, hub, minor)
    if hub_first:
        mocks = {eid: add_upstream_entry(hass, eid, entry, minor) for eid, entry in children}
    _upstream_entities(
        hass, hub_mock, prefix, up.HUB_ENTITIES_V20 if minor == 1 else up.HUB_ENTITIES_V205
    )
    charger_entities = up.CHARGER_ENTITIES_V20 if minor == 1 else up.CHARGER_ENTITIES_V205
    _upstream_entities(hass, mocks[up.LEFT_ID], "cpleft", charger_entities)
    _upstream_entities(hass, mocks[up.RIGHT_ID], "cpright", charger_entities)
    _upstream_entities(hass, mocks[up.GROUP_ID], "garage", up.GROUP_ENTITIES)
    for entity_id in disabled:  # the user had turned these off
        er.async_get(hass).async_update_entity(entity_id, disabled_by=er.RegistryEntryDisabler.USER)
    last = [State(f"select.{prefix}_distribution_mode", "Shared")]
    if minor == 1:
        last.append(State(f"select.{prefix}_charging_mode", "Standard"))
    else:
        last += [
            State("select.cpleft_operating_mode", "Standard"),
            State("select.cpright_operating_mode", "Solar Priority"),
            State(f"number.{prefix}_power_buffer", "500.0"),
            State(f"number.{prefix}_max_import_power", "16000.0"),
        ]
    mock_restore_cache(hass, last)
    assert await async_setup_component(hass, DOMAIN, {})
    await hass.async_block_till_done(wait_background_tasks=True)
    return fake


def last_limits(fake: OcppStandIn) -> dict[str, float]:
    """The limit of the last profile sent to each charger."""
    limits: dict[str, float] = {}
    for data in fake.calls("set_charge_rate"):
        profile = data["custom_profile"]
        limits[data["devid"]] = profile_limit(profile)
    return limits


def profile_limit(profile: Any) -> float:
    """The first period's limit of a charging profile (JSON text or dict)."""
    body = json.loads(profile) if isinstance(profile, str) else profile
    return float(body["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"])


@pytest.mark.parametrize(("minor", "hub_first"), [(1, True), (2, False)])
async def test_an_upstream_site_becomes_one_hub_and_keeps_being_controlled(
    hass: HomeAssistant, minor: int, hub_first: bool
) -> None:
    fake = await _site(hass, minor, hub_first=hub_first)

    entries = hass.config_entries.async_entries(DOMAIN)
    assert [e.entry_id for e in entries] == [up.HUB_ID]  # the child entries are gone
    hub = entries[0]
    assert (hub.version, hub.minor_version) == (3, 1)
    assert hub.state.recoverable and hub.runtime_data is not None
    subs = {sub.title: sub for sub in hub.subentries.values()}
    assert {(t, s.subentry_type) for t, s in subs.items()} == {
        ("Left", "charger"),
        ("Right", "charger"),
        ("Garage", "circuit"),
    }
    assert subs["Left"].subentry_id == up.LEFT_ID
    assert sorted(subs["Garage"].data["members"]) == sorted([up.LEFT_ID, up.RIGHT_ID])
    assert hub.data["distribution"] == "shared"

    registry = er.async_get(hass)
    min_current = registry.async_get("number.cpright_min_current")
    assert min_current is not None and min_current.unique_id == f"{up.RIGHT_ID}_min_current"
    prefix = "dynamic_ocpp_evse" if minor == 1 else "site_load_management"
    headroom = registry.async_get(f"sensor.{prefix}_site_available_current_phase_b")
    assert headroom is not None and headroom.unique_id == f"{up.HUB_ID}_headroom_phase_b"
    assert registry.async_get(f"number.{prefix}_power_buffer") is None

    # both chargers get limits through the ocpp integration, within the 20 A group
    limits = last_limits(fake)
    assert set(limits) == {"cpleft", "cpright"}
    assert limits["cpleft"] >= 6.0 and limits["cpright"] >= 6.0
    assert limits["cpleft"] + limits["cpright"] <= 20.0


async def test_unique_ids_devices_and_modes_carry_over(hass: HomeAssistant) -> None:
    await _site(hass, 2, hub_first=True, disabled=("number.cpright_max_current",))
    registry = er.async_get(hass)

    max_current = registry.async_get("number.cpleft_max_current")
    assert max_current is not None
    assert max_current.unique_id == f"{up.LEFT_ID}_max_current"
    assert max_current.config_entry_id == up.HUB_ID
    assert max_current.config_subentry_id == up.LEFT_ID
    distribution = registry.async_get("select.site_load_management_distribution_mode")
    assert distribution is not None
    assert distribution.unique_id == f"{up.HUB_ID}_distribution_mode"
    assert registry.async_get("button.cpright_reset_button") is not None
    assert registry.async_get("sensor.cpleft_charging_status") is None  # no equivalent
    assert registry.async_get("number.site_load_management_power_buffer") is None

    # the entities work under their old entity ids, with the old values
    assert hass.states.get("select.cpleft_operating_mode").state == "standard"
    assert hass.states.get("select.cpright_operating_mode").state == "eco"
    assert hass.states.get("select.site_load_management_distribution_mode").state == "shared"
    assert float(hass.states.get("number.site_load_management_max_import_power").state) == 16000

    # a charger's entities join the ocpp integration's device of that charger (upstream's
    # own charger device goes); the circuit keeps upstream's group device and its id
    devices = dr.async_get(hass)
    ocpp_device = devices.async_get_device(identifiers={("ocpp", "cpleft")})
    assert ocpp_device is not None
    moved = registry.async_get("number.cpleft_max_current")
    assert moved is not None and moved.device_id == ocpp_device.id
    assert devices.async_get_device(identifiers={(DOMAIN, up.LEFT_ID)}) is None
    disabled = registry.async_get("number.cpright_max_current")  # not set up, still kept
    assert disabled is not None and disabled.disabled_by is er.RegistryEntryDisabler.USER
    assert disabled.unique_id == f"{up.RIGHT_ID}_max_current"
    garage = devices.async_get_device(identifiers={(DOMAIN, up.GROUP_ID)})
    assert garage is not None and garage.config_entries == {up.HUB_ID}


async def test_one_repair_issue_lists_what_was_not_carried_over(hass: HomeAssistant) -> None:
    await _site(hass, 2, hub_first=True)

    issues = [
        issue
        for (domain, _), issue in ir.async_get(hass).issues.items()
        if domain == DOMAIN and issue.translation_key == "upstream_migration"
    ]
    assert len(issues) == 1
    placeholders = issues[0].translation_placeholders or {}
    assert placeholders["hub"] == "Site Load Management"
    items = placeholders["items"]
    assert "hub: power buffer = 500 W" in items
    assert "hub: wiring_topology = series" in items
    assert "entity sensor.cpleft_charging_status" in items
    assert "entity sensor.garage_circuit_allocation" in items
    assert "max_current" not in items  # carried over, so not listed


async def test_our_own_version_1_entries_load_unchanged(hass: HomeAssistant) -> None:
    entry = make_entry(hass)
    data, subentries = dict(entry.data), dict(entry.subentries)
    assert entry.version == 1

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert (entry.version, entry.minor_version) == (3, 1)
    assert dict(entry.data) == data and dict(entry.subentries) == subentries
    assert entry.runtime_data is not None
    assert not [i for (d, i) in ir.async_get(hass).issues if d == DOMAIN]
