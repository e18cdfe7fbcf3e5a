"""Config-entry diagnostics: inputs, settings, last measurements, last controller
result with reasons, the commands sent, and plans (progress, house baseline, last
plan per charger), the plan inputs (price source, what prices and forecast are
held, open problems); passwords and secrets redacted."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .const import CONF_PASSWORD
from .coordinator import DynamicOcppEvseConfigEntry
from .plan_views import progress_attributes
from .planning import PlanBook

TO_REDACT = {CONF_PASSWORD, "auth_key", "token", "api_key", "secret", "authorization_key"}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: DynamicOcppEvseConfigEntry
) -> dict[str, Any]:
    """Everything needed to understand why the hub did what it did."""
    coordinator = entry.runtime_data.coordinator
    data = coordinator.data
    inputs = {}
    for entity_id in coordinator.input_entities:
        state = hass.states.get(entity_id)
        inputs[entity_id] = (
            None
            if state is None
            else {"state": state.state, "unit": state.attributes.get("unit_of_measurement")}
        )
    settings = coordinator.settings
    return {
        "entry": {"title": entry.title, "data": async_redact_data(dict(entry.data), TO_REDACT)},
        "subentries": {
            sub_id: {
                "type": sub.subentry_type,
                "title": sub.title,
                "data": async_redact_data(dict(sub.data), TO_REDACT),
            }
            for sub_id, sub in entry.subentries.items()
        },
        "settings": {
            "hub": asdict(settings.hub),
            "loads": {k: asdict(v) for k, v in settings.loads.items()},
            "user_set": [f"{scope}.{key}" for scope, key in settings.user_set],
        },
        "inputs": inputs,
        "adapters": {
            lid: {
                "type": type(a).__name__,
                "status": a.status,
                # chargers through the ocpp integration: none, unconfirmed or confirmed
                "floor": getattr(a, "floor_state", None),
            }
            for lid, a in coordinator.adapters.items()
        },
        "config_error": coordinator.config_error,
        "status": None if data is None else {"state": data.status, "reason": data.status_reason},
        "measurements": None if data is None else data.measurements,
        "result": None if data is None else data.result,
        "commands_sent": list(coordinator.commands),
        "open_repairs": coordinator.inputs.problems,
        "readings_not_believed": dict(coordinator.inputs.implausible),
        "plans": plans_diagnostics(coordinator.plans),
        "plan_inputs": coordinator.plan_inputs.summary(),
    }


def plans_diagnostics(book: PlanBook) -> dict[str, Any]:
    """Each charger's progress and last plan, and what the house baseline has learned."""
    return {
        "progress": {
            load_id: {**progress.to_dict(), **progress_attributes(progress)}
            for load_id, progress in book.progress.items()
        },
        "baseline": book.baseline.summary(),
        "last_plans": {load_id: asdict(plan) for load_id, plan in book.plans.items()},
    }
