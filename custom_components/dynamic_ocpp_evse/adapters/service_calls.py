"""Calling an entity's services from an adapter: time-boxed, reported once, recovered.

The switch, setpoint and thermostat adapters all act on one entity through Home
Assistant services. ``ServiceCaller`` owns what they share: the calls run under one
timeout, any failure marks the adapter ``service_failed`` with the error for
diagnostics and is logged once per failure streak (the command is retried next
cycle), and the first success after a failure is logged at info.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

from homeassistant.core import HomeAssistant

_LOGGER = logging.getLogger(__name__)
SERVICE_TIMEOUT_S = 10.0

Call = tuple[str, str, dict[str, Any]]  # (domain, service, service data)


class ServiceCaller:
    """The service-call state an adapter reports: failing or not, and why."""

    _hass: HomeAssistant
    _failed: bool
    _status: str
    _busy: bool
    last_error: str | None

    async def _call_services(
        self, entity_id: str, what: str, calls: Callable[[], Sequence[Call]]
    ) -> bool:
        """Build and run the calls in order; True when all went through (else the
        failure, building included, is reported and the command retried next cycle)."""
        self._busy = True
        try:
            async with asyncio.timeout(SERVICE_TIMEOUT_S):
                for domain, service, data in calls():
                    await self._hass.services.async_call(
                        domain, service, {"entity_id": entity_id, **data}, blocking=True
                    )
        except Exception as err:  # any failure: report, retry next cycle
            if not self._failed:
                _LOGGER.warning("Could not %s %s: %s", what, entity_id, err or type(err))
            self._failed = True
            self._status = "service_failed"
            self.last_error = f"{what}: {err or type(err).__name__}"
            return False
        finally:
            self._busy = False
        if self._failed:
            _LOGGER.info("%s responds again", entity_id)
        self._failed = False
        self._status = "ok"
        self.last_error = None
        return True
