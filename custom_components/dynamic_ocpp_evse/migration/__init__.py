"""Config entry migration: our own older entries, and installs of upstream 2.x.

Upstream (Dynamic OCPP EVSE 2.x, later "Load Juggler") uses the same domain
with flow version 2 and one config entry per hub, charger, smart load and
circuit group. ``mapping`` and ``entities`` translate their settings and entity
unique ids (pure functions); ``migrate`` is the Home Assistant glue that turns
an upstream hub and its child entries into one hub with subentries.
"""

from __future__ import annotations

from .migrate import async_migrate_entry

__all__ = ["async_migrate_entry"]
