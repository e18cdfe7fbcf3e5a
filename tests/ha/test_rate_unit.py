"""Rate unit: lowercase form options (hassfest), "A"/"W" on the wire, old entries kept."""

from __future__ import annotations

import pytest
from homeassistant.config_entries import ConfigSubentryData
from homeassistant.core import HomeAssistant

from custom_components.dynamic_ocpp_evse.adapters.charger_settings import profile_settings
from tests.ha.flow_helpers import selector_of, suggested
from tests.ha.test_ocpp_discovery import fake_ocpp
from tests.ha.test_subentry_charger import DETAILS, PROFILE, configure, details, hub, with_states

HUB_DATA = {"voltage": 230.0}


@pytest.mark.parametrize(
    ("stored", "sent"), [("a", "A"), ("w", "W"), ("A", "A"), ("W", "W"), (None, "A")]
)
def test_stored_rate_unit_is_sent_as_ocpp_unit(stored: str | None, sent: str) -> None:
    """New entries store "a"/"w", entries of 0.1 hold "A"/"W": both reach OCPP as A/W."""
    data = {} if stored is None else {"rate_unit": stored}
    assert profile_settings(HUB_DATA, data).unit == sent


async def test_reconfigure_of_an_old_entry_shows_its_unit_and_stores_the_option(
    hass: HomeAssistant,
) -> None:
    fake = fake_ocpp(hass)
    entities = with_states(fake, "CP_GARAGE")[1]
    data = {
        "backend": "ocpp_integration",
        "charge_point_id": "CP_GARAGE",
        "connector_id": 1,
        "connector_count": 1,
        "current_entity": entities["current.import"],
        "status_entity": entities["status.connector"],
        **DETAILS,
        "phases": ["A", "B", "C"],
        "unit_max_current_a": 16,
        "unit_concurrent": True,
        **PROFILE,
        "rate_unit": "W",  # as stored before the options became lowercase
    }
    entry = hub(
        hass,
        [ConfigSubentryData(data=data, subentry_type="charger", title="G", unique_id="CP-1")],
    )
    (subentry_id,) = entry.subentries
    result = await entry.start_subentry_reconfigure_flow(hass, "charger", subentry_id)
    result = await configure(
        hass,
        result,
        {
            "connector_count": 1,
            "current_entity": entities["current.import"],
            "status_entity": entities["status.connector"],
        },
    )
    assert result["step_id"] == "details"
    assert suggested(result, "rate_unit") == "w"  # the old "W", as the option shown
    assert selector_of(result, "rate_unit").config["options"] == ["a", "w"]
    result = await configure(hass, result, details(name="G", profile={"rate_unit": "w"}))
    assert entry.subentries[subentry_id].data["rate_unit"] == "w"
    assert profile_settings(HUB_DATA, entry.subentries[subentry_id].data).unit == "W"
