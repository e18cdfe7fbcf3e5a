"""Dynamic OCPP EVSE: share a site's limited power between chargers and loads.

Home Assistant's entry points (``async_setup_entry`` and friends) live in
``hub.py``. They are imported here whenever Home Assistant is loaded, and only
then: the pure engine (``engine/``) and its command-line tools import this
package too, and must not pay for (or need) Home Assistant.
"""

from __future__ import annotations

import sys
from typing import Any

__all__ = [
    "CONFIG_SCHEMA",
    "PLATFORMS",
    "async_migrate_entry",
    "async_remove_entry",
    "async_setup",
    "async_setup_entry",
    "async_unload_entry",
]

if "homeassistant" in sys.modules:
    from .hub import (
        CONFIG_SCHEMA,
        PLATFORMS,
        async_migrate_entry,
        async_remove_entry,
        async_setup,
        async_setup_entry,
        async_unload_entry,
    )


def __getattr__(name: str) -> Any:
    """Load the Home Assistant entry points on first use (engine-only processes)."""
    if name in __all__:
        from . import hub

        return getattr(hub, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
