"""1-phase / 3-phase switching in Home Assistant: the charger form, the phase-mode
select and service, the active-phases sensor, and what goes to the charger (OCPP
numberPhases through the ocpp integration, or a vendor's switch entity)."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import async_mock_service

from custom_components.dynamic_ocpp_evse.adapters.phase_switch import option_for
from custom_components.dynamic_ocpp_evse.const import DOMAIN
from custom_components.dynamic_ocpp_evse.scenario_config import phase_switching
from tests.ha.flow_helpers import field_names
from tests.ha.hub_fixtures import advance, charger, make_entry, set_grid, set_solar, setup_hub
from tests.ha.test_ocpp_adapter_standin import OcppStandIn, stand_in
from tests.ha.test_subentry_charger import assert_translated, configure, details, hub
from tests.ha.test_subentry_charger_details import builtin_to_details

SUB = "sub_charger"


def _switching(method: str = "ocpp", **extra: Any) -> Any:
    sub = charger()
    sub["data"] = {**sub["data"], "phase_switching": method, **extra}
    return sub


def _entity_id(hass: HomeAssistant, domain: str, key: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(domain, DOMAIN, f"{SUB}_{key}")
    assert entity_id is not None, f"{domain} {key}"
    return entity_id


def _phases_of(profile: dict[str, Any]) -> int:
    return int(profile["chargingSchedule"]["chargingSchedulePeriod"][0]["numberPhases"])


async def _charging_hub(hass: HomeAssistant, sub: Any) -> OcppStandIn:
    fake = await stand_in(hass)
    ids = fake.add_charger("cp1")[1]
    fake.set_state(ids["status.connector"], "Charging")
    fake.set_state(ids["current.import"], 16.0, L1=16.0, L2=16.0, L3=16.0)
    fake.set_state(ids["current.offered"], 16.0)
    set_grid(hass, 18.0, 18.0, 18.0)  # house 2 A per phase + the car's 16 A
    set_solar(hass, 0.0)
    await setup_hub(hass, make_entry(hass, plugs=False, extra=[sub]))
    await hass.async_block_till_done(wait_background_tasks=True)
    return fake


async def _select(hass: HomeAssistant, option: str) -> None:
    await hass.services.async_call(
        "select",
        "select_option",
        {"entity_id": _entity_id(hass, "select", "phase_mode"), "option": option},
        blocking=True,
    )


@pytest.mark.usefixtures("freezer")
async def test_fixing_one_phase_pauses_the_car_then_sends_number_phases_1(
    hass: HomeAssistant, freezer: Any
) -> None:
    fake = await _charging_hub(hass, _switching())
    assert {_phases_of(p) for _, p in fake.profiles()} == {3}
    assert hass.states.get(_entity_id(hass, "sensor", "active_phases")).state == "3"

    await _select(hass, "1")
    ids = fake.entities["cp1"][1]
    await advance(hass, freezer, 10)
    fake.set_state(ids["current.import"], 0.0, L1=0.0, L2=0.0, L3=0.0)  # the car stopped
    set_grid(hass, 2.0, 2.0, 2.0)
    await advance(hass, freezer, 60)
    await hass.async_block_till_done(wait_background_tasks=True)

    sent = [
        (p["chargingSchedule"]["chargingSchedulePeriod"][0], _phases_of(p))
        for _, p in fake.profiles()
    ]
    first_one = next(i for i, (_, n) in enumerate(sent) if n == 1)
    assert any(period["limit"] == 0 for period, _ in sent[:first_one])  # paused first
    assert sent[-1][1] == 1 and sent[-1][0]["limit"] == 16.0  # resumed on one phase
    assert hass.states.get(_entity_id(hass, "sensor", "active_phases")).state == "1"


@pytest.mark.usefixtures("freezer")
async def test_a_vendor_switch_entity_is_turned_off_for_one_phase(
    hass: HomeAssistant, freezer: Any
) -> None:
    hass.states.async_set("switch.wallbox_three_phases", "on")
    fake = await _charging_hub(
        hass, _switching("entity", phase_switch_entity="switch.wallbox_three_phases")
    )
    # after setup: the hub's own switch platform loads Home Assistant's switch services
    calls = async_mock_service(hass, "switch", "turn_off")
    await _select(hass, "1")
    ids = fake.entities["cp1"][1]
    fake.set_state(ids["current.import"], 0.0, L1=0.0, L2=0.0, L3=0.0)
    set_grid(hass, 2.0, 2.0, 2.0)
    await advance(hass, freezer, 60)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert [c.data["entity_id"] for c in calls] == ["switch.wallbox_three_phases"]


def _charger_device(hass: HomeAssistant) -> str:
    """The device our charger entities are on (the ocpp integration's, when linked)."""
    entity_id = _entity_id(hass, "sensor", "status")
    entry = er.async_get(hass).async_get(entity_id)
    assert entry is not None and entry.device_id is not None
    return entry.device_id


async def test_set_phase_mode_service(hass: HomeAssistant) -> None:
    await _charging_hub(hass, _switching())
    await hass.services.async_call(
        DOMAIN,
        "set_phase_mode",
        {"device_id": _charger_device(hass), "phase_mode": "3"},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert hass.states.get(_entity_id(hass, "select", "phase_mode")).state == "3"


async def test_set_phase_mode_refuses_a_charger_that_does_not_switch(
    hass: HomeAssistant,
) -> None:
    await _charging_hub(hass, charger())
    assert er.async_get(hass).async_get_entity_id("select", DOMAIN, f"{SUB}_phase_mode") is None
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            DOMAIN,
            "set_phase_mode",
            {"device_id": _charger_device(hass), "phase_mode": "1"},
            blocking=True,
        )
    assert caught.value.translation_key == "not_phase_switching"


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        (
            {"phases": "A", "phase_switching_section": {"phase_switching": "ocpp"}},
            "phase_switching",
            "phase_switching_needs_three_phases",
        ),
        (
            {"phase_switching_section": {"phase_switching": "entity"}},
            "phase_switch_entity",
            "phase_switch_entity_required",
        ),
        (
            {"phase_switching_section": {"phase_switching": "ocpp", "phase_min_interval_s": 5}},
            "phase_min_interval_s",
            "out_of_range",
        ),
    ],
)
async def test_the_phase_switching_section_checks_its_fields(
    hass: HomeAssistant, changes: dict[str, Any], field: str, error: str
) -> None:
    entry = hub(hass, ocpp_server_enabled=True)
    result = await builtin_to_details(hass, entry)
    result = await configure(hass, result, details(**changes))
    assert result["step_id"] == "details"
    assert field_names(result)[field] == "phase_switching_section"
    assert result["errors"] == {"phase_switching_section": error}
    assert_translated("error", error)


async def test_a_charger_set_up_to_switch_keeps_its_method(hass: HomeAssistant) -> None:
    entry = hub(hass, ocpp_server_enabled=True)
    result = await builtin_to_details(hass, entry)
    result = await configure(
        hass, result, details(phase_switching_section={"phase_switching": "ocpp"})
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    sub = next(iter(entry.subentries.values()))
    assert sub.data["phase_switching"] == "ocpp"
    assert sub.data["phase_min_interval_s"] == 300
    assert (sub.data["phase_up_delay_s"], sub.data["phase_down_delay_s"]) == (60, 180)
    block = phase_switching(sub, ["A", "B", "C"], "auto")
    assert block == {
        "one_phase": "A",
        "mode": "auto",
        "min_interval_s": 300,
        "up_delay_s": 60,
        "down_delay_s": 180,
    }
    assert phase_switching(sub, ["A"], "auto") is None  # not wired on three phases


def test_a_select_option_is_found_by_the_count_it_names() -> None:
    assert option_for(["1_phase", "3_phase"], 1) == "1_phase"
    assert option_for(["Single phase", "Three phase"], 3) == "Three phase"
    assert option_for(["auto", "3"], 1) is None
