"""The hub form's "Prices for plans" section: a price entity, or the core Nord Pool or
Tibber action, checked so that a price source that cannot work is refused with a
clear, translated error on the section."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.core import HomeAssistant, ServiceCall, SupportsResponse
from homeassistant.data_entry_flow import FlowResultType
from pytest_homeassistant_custom_component.common import MockConfigEntry

from tests.ha.plan_input_fixtures import sample
from tests.ha.test_config_flow import SITE, assert_translated, start, submit
from tests.ha.test_plan_inputs_prices import ENTITY_SOURCES

NORD_POOL = {"price_source": "nordpool", "price_nordpool_entry": "np"}


def _action(hass: HomeAssistant, domain: str, service: str) -> None:
    async def handle(_call: ServiceCall) -> dict[str, Any]:
        return {}

    hass.services.async_register(domain, service, handle, supports_response=SupportsResponse.ONLY)


@pytest.fixture
def nordpool(hass: HomeAssistant) -> str:
    """A Nord Pool entry (areas SE3 and SE4) and its price action."""
    entry = MockConfigEntry(domain="nordpool", data={"areas": ["SE3", "SE4"], "currency": "SEK"})
    entry.add_to_hass(hass)
    _action(hass, "nordpool", "get_prices_for_date")
    return entry.entry_id


async def _submit_prices(hass: HomeAssistant, prices: dict[str, Any]) -> Any:
    result = await start(hass)
    return await submit(hass, result, {**SITE, "prices": prices})


@pytest.mark.usefixtures("sensors")
@pytest.mark.parametrize(
    ("prices", "error"),
    [
        ({"price_source": "tibber"}, "price_action_missing"),
        ({"price_source": "nordpool"}, "required"),
        ({"price_source": "nordpool", "price_nordpool_entry": "other"}, "price_entry_not_nordpool"),
        ({**NORD_POOL, "price_area": "se 3!"}, "price_area_invalid"),
        ({**NORD_POOL, "price_area": "FI"}, "price_area_not_in_entry"),
        ({"price_entity": "sensor.grid_l1"}, "price_entity_unreadable"),
        ({"price_entity": "sensor.no_such_price"}, "entity_not_found"),
    ],
)  # fmt: skip
async def test_a_price_source_that_cannot_work_is_refused(
    hass: HomeAssistant, nordpool: str, prices: dict[str, Any], error: str
) -> None:
    other = MockConfigEntry(domain="forecast_solar")
    other.add_to_hass(hass)
    ids = {"np": nordpool, "other": other.entry_id}
    if "price_nordpool_entry" in prices:
        prices = {**prices, "price_nordpool_entry": ids[prices["price_nordpool_entry"]]}
    result = await _submit_prices(hass, prices)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"prices": error}
    assert_translated(error)


@pytest.mark.usefixtures("sensors", "mock_setup")
async def test_nord_pool_with_its_entry_area_and_currency_is_stored(
    hass: HomeAssistant, nordpool: str
) -> None:
    result = await _submit_prices(
        hass,
        {
            "price_source": "nordpool",
            "price_nordpool_entry": nordpool,
            "price_area": "se4",
            "price_currency": "EUR",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    data = result["data"]
    assert data["price_source"] == "nordpool"
    assert data["price_nordpool_entry"] == nordpool
    assert (data["price_area"], data["price_currency"]) == ("SE4", "EUR")


@pytest.mark.usefixtures("sensors", "mock_setup")
async def test_tibber_with_a_home_is_stored(hass: HomeAssistant) -> None:
    _action(hass, "tibber", "get_prices")
    result = await _submit_prices(hass, {"price_source": "tibber", "price_tibber_home": "Home"})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["price_source"] == "tibber"
    assert result["data"]["price_tibber_home"] == "Home"


@pytest.mark.usefixtures("sensors", "mock_setup")
@pytest.mark.parametrize("source", list(ENTITY_SOURCES))
async def test_each_supported_price_entity_is_accepted(hass: HomeAssistant, source: str) -> None:
    price_entity, name = ENTITY_SOURCES[source]
    recorded = sample(name)
    hass.states.async_set(price_entity, recorded["state"], recorded["attributes"])
    result = await _submit_prices(hass, {"price_entity": price_entity})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["price_entity"] == price_entity
    assert "price_source" not in result["data"]  # the default: the entity
