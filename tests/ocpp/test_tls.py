"""Security profile 2: the central system over TLS (wss://) with the user's files."""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

from custom_components.dynamic_ocpp_evse.ocpp_server.server import CentralSystem
from custom_components.dynamic_ocpp_evse.ocpp_server.tls import (
    TlsSetupError,
    server_ssl_context,
    tls_wanted,
)
from tools.cp_simulator import Simulator

from .tls_cert import self_signed, trusting


async def test_a_charger_connects_over_wss_with_its_password(
    tmp_path: Path, unused_port: int, options: Any, clock: Any
) -> None:
    cert, key = self_signed(tmp_path)
    system = CentralSystem(
        "127.0.0.1",
        unused_port,
        {"CP1": "s3cret-s3cret-s3cret"},
        options=options,
        ssl_context=server_ssl_context(str(cert), str(key)),
    )
    await system.start()
    sim = Simulator(
        f"wss://127.0.0.1:{unused_port}",
        "CP1",
        password="s3cret-s3cret-s3cret",
        ssl_context=trusting(cert),
        clock=clock,
        reconnect_delay_s=0.1,
    )
    try:
        assert system.scheme == "wss"
        await sim.start()
        session = system.charger("CP1")
        await session.wait_ready()
        assert await (await session.set_limit(1, 10.0)) == "Accepted"
        # plain ws:// is not spoken on that port, and a client that does not trust
        # the certificate is refused in the handshake
        with pytest.raises(Exception):  # noqa: B017 - the kind depends on timing
            await connect(f"ws://127.0.0.1:{unused_port}/CP1", open_timeout=2)
        with pytest.raises(ssl.SSLCertVerificationError):
            await connect(f"wss://127.0.0.1:{unused_port}/CP1", open_timeout=2)
    finally:
        await sim.stop()
        await system.stop()


def test_unusable_files_say_why(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    (tmp_path / "other").mkdir()
    other_cert, _other_key = self_signed(tmp_path / "other")
    with pytest.raises(TlsSetupError) as missing:
        server_ssl_context(str(tmp_path / "nope.pem"), str(key))
    assert missing.value.reason == "tls_file_missing"
    with pytest.raises(TlsSetupError) as wrong:
        server_ssl_context(str(other_cert), str(key))  # key of another certificate
    assert wrong.value.reason == "tls_invalid"
    with pytest.raises(TlsSetupError) as half:
        tls_wanted(str(cert), None)
    assert half.value.reason == "tls_incomplete"
    assert tls_wanted(None, None) is False
