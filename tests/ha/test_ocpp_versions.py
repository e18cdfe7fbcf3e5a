"""Releases of the ``ocpp`` integration and OCPP versions of its chargers.

Supported: ocpp v0.6 and later with OCPP 1.6J chargers (docs/ocpp-integration.md has
the table). Older releases and OCPP 2.x chargers are refused at setup with a clear
message and a repair issue; the differences between supported releases are handled.
"""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import SOURCE_USER
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from custom_components.dynamic_ocpp_evse.ocpp_discovery import discover_connectors
from tests.ha.test_ocpp_adapter_standin import (
    Clock,
    OcppStandIn,
    command,
    make_adapter,
    stand_in,
)
from tests.ha.test_subentry_charger import HUB

ISSUE = "ocpp_unsupported_CP1"
CAPABILITY_KEYS = (
    "ChargingScheduleAllowedChargingRateUnit",
    "ChargeProfileMaxStackLevel",
    "MaxChargingProfilesInstalled",
)


def _idle(fake: OcppStandIn, cpid: str = "CP1", connectors: int = 1) -> None:
    for ids in fake.add_charger(cpid, connectors).values():
        fake.set_state(ids["status.connector"], "Available")
        fake.set_state(ids["current.import"], 0.0)
        fake.set_state(ids["current.offered"], 0.0)


async def _pick(hass: HomeAssistant, target: str) -> dict[str, Any]:
    entry = MockConfigEntry(domain=DOMAIN, title="Home", data=HUB)
    entry.add_to_hass(hass)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, "charger"), context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {"next_step_id": "ocpp_integration"}
    )
    if result["type"] is not FlowResultType.FORM:
        return dict(result)
    return dict(
        await hass.config_entries.subentries.async_configure(result["flow_id"], {"target": target})
    )


def _issue(hass: HomeAssistant) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, ISSUE)


# --- OCPP 2.0.1 chargers ----------------------------------------------------------------
async def test_a_2_0_1_charger_is_refused_in_the_flow_with_a_repair_issue(
    hass: HomeAssistant,
) -> None:
    fake = await stand_in(hass, protocol="2.0.1")
    _idle(fake)

    result = await _pick(hass, "CP1-1")

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "ocpp_integration"
    assert result["errors"] == {"base": "ocpp_protocol_unsupported"}
    assert result["description_placeholders"] == {"charger": "CP1", "protocol": "2.0.1"}
    issue = _issue(hass)
    assert issue is not None and issue.translation_key == "ocpp_protocol_unsupported"
    assert fake.calls("set_charge_rate") == []


async def test_a_2_0_1_charger_is_recognised_by_its_answer_to_a_1_6_key(
    hass: HomeAssistant,
) -> None:
    """Without a look at the integration's runtime, its refusal of a 1.6 key tells."""
    fake = await stand_in(hass, protocol="2.0.1", runtime=False)
    _idle(fake)

    result = await _pick(hass, "CP1-1")

    assert result["errors"] == {"base": "ocpp_protocol_unsupported"}
    assert _issue(hass) is not None


async def test_a_configured_2_0_1_charger_is_not_driven_and_says_why(
    hass: HomeAssistant,
) -> None:
    fake = await stand_in(hass, protocol="2.0.1", runtime=False)
    _idle(fake)
    adapter = make_adapter(hass, Clock())
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))
    await adapter.async_apply(command(8.0))

    assert adapter.status == "unsupported"
    assert fake.calls("set_charge_rate") == []  # not one 1.6 profile in a 2.0.1 frame
    assert len(fake.calls("get_configuration")) == 1
    assert _issue(hass) is not None


async def test_a_1_6_charger_clears_an_old_protocol_issue(hass: HomeAssistant) -> None:
    fake = await stand_in(hass)
    _idle(fake)
    ir.async_create_issue(
        hass,
        DOMAIN,
        ISSUE,
        is_fixable=False,
        severity=ir.IssueSeverity.ERROR,
        translation_key="ocpp_protocol_unsupported",
    )
    result = await _pick(hass, "CP1-1")
    assert result["step_id"] == "connection"
    assert _issue(hass) is None


# --- releases -----------------------------------------------------------------------------
async def test_a_release_before_0_6_is_refused(hass: HomeAssistant) -> None:
    fake = await stand_in(hass, version=(0, 5, 14))
    _idle(fake)

    result = await _pick(hass, "CP1-1")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "ocpp_too_old"

    adapter = make_adapter(hass, Clock())
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))
    assert adapter.status == "unsupported"
    assert fake.log == []
    issue = _issue(hass)
    assert issue is not None and issue.translation_key == "ocpp_version_unsupported"


async def test_releases_without_configuration_answers_are_not_probed(
    hass: HomeAssistant,
) -> None:
    """v0.6-0.7: get_configuration answers nothing; the defaults apply, the floor is sent."""
    fake = await stand_in(hass, version=(0, 7, 0))
    _idle(fake)
    adapter = make_adapter(hass, Clock())
    await adapter.async_setup()
    await adapter.async_apply(command(10.0))

    assert fake.calls("get_configuration") == []
    assert set(fake.holds("CP1", 1)) == {8013, 8011}


async def test_up_to_0_9_only_connector_1_of_a_two_connector_charger_is_found(
    hass: HomeAssistant,
) -> None:
    fake = await stand_in(hass, version=(0, 9, 0))
    _idle(fake, connectors=2)
    assert [(c.cpid, c.connector_id) for c in discover_connectors(hass)] == [("CP1", 1)]
    adapter = make_adapter(hass, Clock())
    assert adapter.read().active is False  # it reads the charger-level entities


async def test_a_stale_entity_of_the_old_spelling_loses_against_the_live_one(
    hass: HomeAssistant,
) -> None:
    """v0.10.10 renamed the unique ids without migrating: the old entity lingers."""
    registry = er.async_get(hass)
    stale = registry.async_get_or_create(
        "sensor", "ocpp", "ocpp.CP1.current.import.sensor", suggested_object_id="cp1_current"
    )
    hass.states.async_set(stale.entity_id, "unavailable", {"restored": True})
    fake = await stand_in(hass)
    live = fake.add_charger("CP1")[1]
    fake.start_transaction("CP1", 1, 3)
    fake.meter_values("CP1", 1, 7.0, 7.0, 7.0)

    adapter = make_adapter(hass, Clock())
    assert adapter.read().draw_a == [7.0, 7.0, 7.0]
    (found,) = discover_connectors(hass)
    assert found.entities["current_import"] == live["current.import"]


async def test_each_configuration_key_is_asked_once_even_when_the_charger_lacks_it(
    hass: HomeAssistant,
) -> None:
    """The integration raises a notification for every unknown key it is asked for."""
    fake = await stand_in(hass)
    _idle(fake)
    clock = Clock()
    adapter = make_adapter(hass, clock)
    await adapter.async_setup()
    for _ in range(5):
        clock.advance(5)
        await adapter.async_apply(command(10.0))
    await adapter.async_reset()
    fake.disconnect("CP1")
    fake.reconnect("CP1", reboot=True)
    clock.advance(5)
    await adapter.async_apply(command(10.0))

    asked = [call["ocpp_key"] for call in fake.calls("get_configuration")]
    assert sorted(asked) == sorted(CAPABILITY_KEYS)
    assert len(fake.notifications) == 4  # three unknown keys and the reboot


async def test_a_key_asked_when_adding_the_charger_is_not_asked_again(
    hass: HomeAssistant,
) -> None:
    fake = await stand_in(hass)
    _idle(fake)  # the charger lacks every key: each question is a notification
    result = await _pick(hass, "CP1-1")
    assert result["step_id"] == "connection"
    adapter = make_adapter(hass, Clock())
    await adapter.async_setup()

    asked = [call["ocpp_key"] for call in fake.calls("get_configuration")]
    assert sorted(asked) == sorted(CAPABILITY_KEYS)
    assert len(fake.notifications) == 3
