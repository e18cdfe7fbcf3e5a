"""Saves while the hub runs (throttled_save.py): requests every cycle still reach the
disk within a minute, the disk is not written every cycle, what waits is written when
Home Assistant stops, and a save at unload is not overwritten by an older one."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest
from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.dynamic_ocpp_evse.throttled_save import ThrottledSave

KEY = "dynamic_ocpp_evse.test.throttled"


def _saves(hass: HomeAssistant) -> ThrottledSave[dict[str, Any]]:
    store: Store[dict[str, Any]] = Store(hass, 1, KEY)
    return ThrottledSave(hass, store, every_s=60.0, delay_s=5.0)


async def _tick(hass: HomeAssistant, freezer: Any, seconds: float) -> None:
    freezer.tick(seconds)
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def test_requests_every_two_seconds_are_written_once_a_minute_with_the_newest_data(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: Any
) -> None:
    saves = _saves(hass)
    taken: list[int] = []
    written: list[int] = []

    def snapshot(n: int) -> dict[str, Any]:
        taken.append(n)
        return {"cycle": n}

    for n in range(90):  # three minutes of cycles every 2 s
        saves.schedule(lambda n=n: snapshot(n))
        await _tick(hass, freezer, 2)
        stored = hass_storage.get(KEY, {}).get("data", {}).get("cycle")
        if stored is not None and (not written or written[-1] != stored):
            written.append(stored)
    assert written, "never written while running"
    assert written[0] <= 3  # the first write a few seconds after the first request
    assert 3 <= len(written) <= 4  # about one a minute, not one a cycle
    assert len(taken) == len(written)  # the data is taken only for a write
    assert all(b - a >= 29 for a, b in pairwise(written))  # 60 s apart
    assert written[-1] >= 89 - 31  # the newest request's data, at most a minute old


async def test_what_waits_is_written_when_home_assistant_makes_its_final_write(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: Any
) -> None:
    saves = _saves(hass)
    saves.schedule(lambda: {"cycle": 1})
    await _tick(hass, freezer, 6)
    saves.schedule(lambda: {"cycle": 2})  # within the minute: waits
    await _tick(hass, freezer, 2)
    assert hass_storage[KEY]["data"] == {"cycle": 1}
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
    await hass.async_block_till_done()
    assert hass_storage[KEY]["data"] == {"cycle": 2}


async def test_a_save_at_unload_is_not_overwritten_by_an_older_request(
    hass: HomeAssistant, hass_storage: dict[str, Any], freezer: Any
) -> None:
    saves = _saves(hass)
    saves.schedule(lambda: {"cycle": 1})
    await saves.async_save({"cycle": 2})
    assert hass_storage[KEY]["data"] == {"cycle": 2}
    await _tick(hass, freezer, 120)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
    await hass.async_block_till_done()
    assert hass_storage[KEY]["data"] == {"cycle": 2}


async def test_data_that_cannot_be_taken_is_skipped_and_the_next_request_is_written(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    saves = _saves(hass)

    def broken() -> dict[str, Any]:
        raise RuntimeError("dictionary changed size during iteration")

    saves.schedule(broken)
    await _tick(hass, freezer, 6)
    assert KEY not in hass_storage
    assert "cannot be taken" in caplog.text
    saves.schedule(lambda: {"cycle": 2})
    await _tick(hass, freezer, 60)
    assert hass_storage[KEY]["data"] == {"cycle": 2}
