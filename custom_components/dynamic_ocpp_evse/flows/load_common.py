"""Pieces shared by the plug, generic load and thermal load forms.

The phase choice (one site phase, or two or three of them: a plug or heater on
2 or 3 phases), stored as ``phases`` (a list, L1 first); the load's timing
section (pause, grace, minimum on and off time; empty: as the hub). The form
plumbing of those flows (show, validate, store) is ``load_form``.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations
from typing import Any

import voluptuous as vol
from homeassistant.helpers import selector

from ..const import CONF_MIN_OFF_S, CONF_MIN_ON_S, CONF_PHASES, CONF_TIMING
from ..validation import as_number
from .helpers import number
from .timing import LOAD_TIMING_FIELDS, store_timing

CONF_PHASE = "phase"  # form field: "A" or "A,B" ...; stored as CONF_PHASES = ["A", "B"]
SECTION_ADVANCED = "advanced"
SWITCHING_TIMING_FIELDS: dict[str, tuple[str, float]] = {
    **LOAD_TIMING_FIELDS,
    CONF_MIN_ON_S: ("s", 1),
    CONF_MIN_OFF_S: ("s", 1),
}


def phase_options(site_phases: list[str]) -> list[selector.SelectOptionDict]:
    """Each site phase alone, then each set of two and all three ("A + B")."""
    options: list[selector.SelectOptionDict] = []
    for size in range(1, len(site_phases) + 1):
        for combo in combinations(site_phases, size):
            options.append(
                selector.SelectOptionDict(value=",".join(combo), label=" + ".join(combo))
            )
    return options


def phase_value(phases: Any) -> str | None:
    """Stored phases -> the form's value (``["A", "B"]`` -> ``"A,B"``)."""
    if isinstance(phases, list | tuple) and phases:
        return ",".join(str(p) for p in phases)
    return None


def phases_of(value: Any, site_phases: list[str]) -> list[str] | None:
    """The form's value -> stored phases (None: not a choice this site offers)."""
    if not isinstance(value, str):
        return None
    chosen = [p.strip() for p in value.split(",") if p.strip()]
    if not chosen or len(set(chosen)) != len(chosen) or any(p not in site_phases for p in chosen):
        return None
    return chosen


def switching_timing_fields() -> dict[Any, Any]:
    """Pause, grace, minimum on and off time of one load (empty: as the hub / none)."""
    return {
        vol.Optional(key): number(unit, step, key)
        for key, (unit, step) in SWITCHING_TIMING_FIELDS.items()
    }


def switching_timing_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """The stored timing of a load as form values."""
    stored = data.get(CONF_TIMING)
    if not isinstance(stored, Mapping):
        return {}
    return {
        k: v for k, v in stored.items() if k in SWITCHING_TIMING_FIELDS and as_number(v) is not None
    }


def store_switching_timing(
    data: Mapping[str, Any], answers: Mapping[str, Any], previous: Mapping[str, Any]
) -> dict[str, Any]:
    """``data`` with the timing answers under ``timing`` (other stored keys kept)."""
    merged = dict(data)
    if CONF_TIMING in previous:
        merged[CONF_TIMING] = previous[CONF_TIMING]
    return store_timing(merged, answers, SWITCHING_TIMING_FIELDS, drop_defaults=False)


def store_phases(answers: Mapping[str, Any], site_phases: list[str]) -> dict[str, Any]:
    """The answers with the phase choice stored as ``phases``."""
    data = {k: v for k, v in answers.items() if k != CONF_PHASE}
    data[CONF_PHASES] = phases_of(answers.get(CONF_PHASE), site_phases) or site_phases[:1]
    return data
