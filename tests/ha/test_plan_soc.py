"""Plans by state of charge: "80 %" becomes energy from the car's SoC sensor and
battery capacity; a missing SoC falls back to the measured progress; the charger
form takes the sensor and capacity in its own section."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from custom_components.dynamic_ocpp_evse.const import DOMAIN
from tests.ha.flow_helpers import field_names
from tests.ha.hub_fixtures import advance
from tests.ha.plan_fixtures import SOC, car_draws, entity_id, plan_hub
from tests.ha.test_plans import START, _charger_device, _set_prices, _state
from tests.ha.test_subentry_charger import assert_translated, configure, details, hub
from tests.ha.test_subentry_charger_details import builtin_to_details

SOC_FORM = {"soc_entity": SOC, "battery_capacity_kwh": 60.0}


def _soc(hass: HomeAssistant, value: str) -> None:
    hass.states.async_set(SOC, value, {"unit_of_measurement": "%", "device_class": "battery"})


async def _plan_soc(hass: HomeAssistant, **fields: Any) -> None:
    await hass.services.async_call(
        DOMAIN,
        "set_plan",
        {"device_id": _charger_device(hass), **fields},
        blocking=True,
    )


def _departure(hours: float) -> str:
    return dt_util.as_local(dt_util.utcnow() + timedelta(hours=hours)).strftime("%H:%M:%S")


@pytest.mark.usefixtures("freezer")
async def test_80_percent_becomes_the_energy_the_battery_needs(
    hass: HomeAssistant, freezer: Any
) -> None:
    freezer.move_to(START)
    _set_prices(hass, [0.30] * 12)
    _soc(hass, "35")
    fake, _entry = await plan_hub(hass, charger_data=SOC_FORM)
    await _plan_soc(hass, soc=80, departure=_departure(10))
    await advance(hass, freezer, 30)
    # (80 - 35) % of 60 kWh = 27 kWh in the battery, / 0.9 efficiency = 30 kWh drawn
    assert _state(hass, "plan_status").state == "ok"
    assert _state(hass, "plan_status").attributes["needed_kwh"] == pytest.approx(30.0)
    assert float(_state(hass, "planned_energy").state) == pytest.approx(30.0, abs=0.05)
    assert float(hass.states.get(entity_id(hass, "number", "plan_soc")).state) == 80.0
    assert float(hass.states.get(entity_id(hass, "number", "plan_energy")).state) == 0.0
    assert fake.dynamic_limits()[-1] >= 6.0  # equal prices: as early as needed

    # the car reaches 80 %: done, the planned minimum ends
    _soc(hass, "80")
    await advance(hass, freezer, 30)
    assert _state(hass, "plan_status").state == "done"
    assert hass.states.get(entity_id(hass, "sensor", "reason")).state != "planned_minimum"
    await advance(hass, freezer, 330)  # solar mode's grace at the minimum runs out
    assert fake.dynamic_limits()[-1] == 0


@pytest.mark.parametrize("reading", ["unavailable", "150", "nan"])
@pytest.mark.usefixtures("freezer")
async def test_a_missing_or_absurd_soc_falls_back_to_the_measured_progress(
    hass: HomeAssistant, freezer: Any, reading: str
) -> None:
    freezer.move_to(START)
    _set_prices(hass, [0.30] * 12)
    _soc(hass, "35")
    fake, _entry = await plan_hub(hass, charger_data=SOC_FORM)
    await _plan_soc(hass, soc=80, departure=_departure(10))
    await advance(hass, freezer, 10)
    _soc(hass, reading)
    car_draws(fake, 10.0)
    await advance(hass, freezer, 900)  # into the next slot: planned again
    status = _state(hass, "plan_status")
    assert status.state == "ok"
    delivered = status.attributes["delivered_kwh"]
    assert delivered == pytest.approx(1.7, abs=0.1)  # 6.9 kW for a quarter hour
    # the last known need (30 kWh) less what was drawn since
    assert status.attributes["needed_kwh"] == pytest.approx(30.0 - delivered, abs=0.01)
    assert status.attributes["soc"] is None


async def test_set_plan_refuses_a_soc_without_sensor_and_a_double_target(
    hass: HomeAssistant,
) -> None:
    await plan_hub(hass)  # no SoC sensor configured
    assert hass.states.get("number.cp1_plan_state_of_charge") is None
    for fields, key in (
        ({"soc": 80}, "soc_not_configured"),
        ({"soc": 80, "energy_kwh": 10}, "plan_target_required"),
        ({}, "plan_target_required"),
    ):
        with pytest.raises(ServiceValidationError) as caught:
            await _plan_soc(hass, **fields)
        assert caught.value.translation_key == key


async def test_set_plan_refuses_a_soc_out_of_range(hass: HomeAssistant) -> None:
    _soc(hass, "35")
    await plan_hub(hass, charger_data=SOC_FORM)
    with pytest.raises(ServiceValidationError) as caught:
        await _plan_soc(hass, soc=120)
    assert caught.value.translation_key == "out_of_range"


@pytest.mark.parametrize(
    ("section", "field", "error"),
    [
        ({"soc_entity": "sensor.car_soc"}, "battery_capacity_kwh", "battery_capacity_required"),
        (
            {"soc_entity": "sensor.car_soc", "battery_capacity_kwh": 500},
            "battery_capacity_kwh",
            "out_of_range",
        ),
        (
            {"soc_entity": "sensor.car_power", "battery_capacity_kwh": 60},
            "soc_entity",
            "wrong_unit",
        ),
    ],
)
async def test_the_soc_section_checks_its_fields(
    hass: HomeAssistant, section: dict[str, Any], field: str, error: str
) -> None:
    hass.states.async_set("sensor.car_soc", "40", {"unit_of_measurement": "%"})
    hass.states.async_set("sensor.car_power", "40", {"unit_of_measurement": "W"})
    entry = hub(hass, ocpp_server_enabled=True)
    result = await builtin_to_details(hass, entry)
    result = await configure(hass, result, details(plan_soc_section=section))
    assert result["step_id"] == "details"
    assert field_names(result)[field] == "plan_soc_section"
    assert result["errors"] == {"plan_soc_section": error}
    assert_translated("error", error)


async def test_the_soc_section_is_stored_flat(hass: HomeAssistant) -> None:
    hass.states.async_set("sensor.car_soc", "40", {"unit_of_measurement": "%"})
    entry = hub(hass, ocpp_server_enabled=True)
    result = await builtin_to_details(hass, entry)
    result = await configure(
        hass,
        result,
        details(plan_soc_section={"soc_entity": "sensor.car_soc", "battery_capacity_kwh": 77}),
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    sub = next(iter(entry.subentries.values()))
    assert sub.data["soc_entity"] == "sensor.car_soc"
    assert sub.data["battery_capacity_kwh"] == 77
