"""The hub's TLS files for the built-in server (security profile 2): checked in the flow."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from tests.ha.test_config_flow import BATTERY, start, submit, with_sections
from tests.ocpp.tls_cert import self_signed


def _server(**tls: Any) -> dict[str, Any]:
    return with_sections(ocpp_server={"ocpp_server_enabled": True, **tls})


@pytest.mark.usefixtures("sensors")
async def test_unusable_tls_files_are_a_field_error(hass: HomeAssistant, tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    result = await start(hass)
    cases = [
        ({"ocpp_server_certfile": str(cert)}, "tls_incomplete"),
        ({"ocpp_server_certfile": str(tmp_path / "no.pem"), "ocpp_server_keyfile": str(key)},
         "tls_file_missing"),
        ({"ocpp_server_certfile": str(key), "ocpp_server_keyfile": str(cert)}, "tls_invalid"),
    ]  # fmt: skip
    for tls, error in cases:
        result = await submit(hass, result, _server(**tls))
        assert result["step_id"] == "user"
        assert result["errors"] == {"ocpp_server": error}


@pytest.mark.usefixtures("sensors", "mock_setup")
async def test_usable_tls_files_are_stored(hass: HomeAssistant, tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    result = await start(hass)
    tls = {"ocpp_server_certfile": str(cert), "ocpp_server_keyfile": str(key)}
    result = await submit(hass, result, _server(**tls))
    result = await submit(hass, result, BATTERY)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"]["ocpp_server_certfile"] == str(cert)
    assert result["data"]["ocpp_server_keyfile"] == str(key)
