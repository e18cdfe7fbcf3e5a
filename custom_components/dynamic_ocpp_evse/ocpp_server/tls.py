"""TLS for the central system (OCPP security profile 2: ``wss://``).

``server_ssl_context(certfile, keyfile)`` builds the server context from PEM files
the user points to (certificate chain, then the private key). It reads files, so
Home Assistant calls it in an executor. Problems are ``TlsSetupError`` with a
``reason`` that is also the translation key of the flow error: ``tls_incomplete``
(only one of the two files given), ``tls_file_missing``, ``tls_invalid``.
"""

from __future__ import annotations

import ssl
from pathlib import Path


class TlsSetupError(Exception):
    """The certificate or key cannot be used (``reason`` says why)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def tls_wanted(certfile: str | None, keyfile: str | None) -> bool:
    """True when the user asked for TLS (either file given); both are then needed."""
    if bool(certfile) != bool(keyfile):
        raise TlsSetupError("tls_incomplete")
    return bool(certfile)


def server_ssl_context(certfile: str, keyfile: str) -> ssl.SSLContext:
    """A TLS 1.2+ server context from PEM files (blocking: reads the files)."""
    for path in (certfile, keyfile):
        if not Path(path).is_file():
            raise TlsSetupError("tls_file_missing", path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(certfile, keyfile)
    except (OSError, ssl.SSLError, ValueError) as err:
        raise TlsSetupError("tls_invalid", type(err).__name__) from None
    return context
