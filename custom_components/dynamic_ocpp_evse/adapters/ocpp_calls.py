"""The ``ocpp`` integration's services for one connector: building, calling, failures.

Owns the service data of ``ocpp.set_charge_rate`` (the profile as compact JSON in
``custom_profile`` with an explicit ``devid`` and ``conn_id``, never
``limit_amps``/``limit_watts``) and of ``ocpp.clear_profile``, running them (time-boxed
by ``ocpp_unit.async_call_ocpp``), and what a failure means: the integration saying the
charger is not connected (``unreachable``) or any other failure (``failing``), each
logged once per streak, the first success after a failure logged at info. Every failure
calls ``on_failure``: the charger may hold nothing of ours now. Never raises.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from homeassistant.core import HomeAssistant

from .ocpp_unit import async_call_ocpp, charger_unreachable

_LOGGER = logging.getLogger(__name__)


class OcppCalls:
    """The service calls of one connector and whether they go through."""

    def __init__(
        self,
        hass: HomeAssistant,
        cpid: str,
        connector: int,
        *,
        on_failure: Callable[[], None],
    ) -> None:
        self.hass = hass
        self.cpid = cpid
        self.connector = connector
        self._on_failure = on_failure
        self.unreachable = False  # a call said the charger is not connected
        self.failing = False

    async def set_profile(self, profile: dict[str, Any]) -> bool:
        """Send one charging profile to the connector; True when the call went through."""
        data = {
            "devid": self.cpid,
            "conn_id": self.connector,
            "custom_profile": json.dumps(profile, separators=(",", ":")),
        }
        return await self.call("set_charge_rate", data)

    async def clear(self) -> bool:
        """Clear every profile of the charger; True when the call went through."""
        return await self.call("clear_profile", {"devid": self.cpid})

    async def call(self, service: str, data: Mapping[str, Any]) -> bool:
        """Call an ocpp service; log once per failure streak; never raise."""
        try:
            await async_call_ocpp(self.hass, service, data)
        except Exception as err:
            self._on_failure()
            if charger_unreachable(err):
                if not self.unreachable:
                    _LOGGER.info(
                        "%s connector %s: the charger is not connected; its profiles are "
                        "sent again once it is back",
                        self.cpid,
                        self.connector,
                    )
                self.unreachable = True
                return False
            if not self.failing:
                _LOGGER.warning(
                    "%s connector %s: ocpp.%s failed (%s); retrying every cycle",
                    self.cpid,
                    self.connector,
                    service,
                    str(err) or type(err).__name__,
                )
            self.failing = True
            return False
        self.unreachable = False
        if self.failing:
            _LOGGER.info("%s connector %s: ocpp.%s works again", self.cpid, self.connector, service)
            self.failing = False
        return True
