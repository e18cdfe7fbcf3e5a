"""The controller's timings and margins in the forms of the hub and of each load.

Stored under the entry's (or subentry's) ``timing`` mapping, the key the
controller configuration reads (``scenario_config.build_config``): the hub's
values apply to the site and to every load; a load's own ``pause_s``/``grace_s``
replace the hub's for that load. Only values that differ from the controller's
defaults (``engine/timing.py``) are stored, so an untouched form stores nothing
and a hub keeps following the defaults. Keys in ``timing`` that no form shows
(``refresh_s``, ``ramp_up_a_per_s`` ... set by hand or by the demo) are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import voluptuous as vol

from ..const import CONF_TIMING
from ..engine.timing import LOAD_DEFAULTS, SITE_DEFAULTS
from ..validation import as_number
from .helpers import number

# field -> (unit, step); the order is the order in the form
HUB_TIMING_FIELDS: dict[str, tuple[str, float]] = {
    "margin_a": ("A", 0.1),
    "raise_hold_s": ("s", 1),
    "overload_hold_s": ("s", 1),
    "pause_s": ("s", 1),
    "grace_s": ("s", 1),
    "soc_hysteresis": ("%", 0.5),
}
LOAD_TIMING_FIELDS: dict[str, tuple[str, float]] = {
    "pause_s": ("s", 1),
    "grace_s": ("s", 1),
}
DEFAULTS: dict[str, float] = {**SITE_DEFAULTS, **LOAD_DEFAULTS}


def hub_timing_fields() -> dict[Any, Any]:
    """The hub's timing fields, each with today's default."""
    return {
        vol.Required(key, default=DEFAULTS[key]): number(unit, step, key)
        for key, (unit, step) in HUB_TIMING_FIELDS.items()
    }


def load_timing_fields() -> dict[Any, Any]:
    """A load's timing fields: empty means "as the hub"."""
    fields = LOAD_TIMING_FIELDS.items()
    return {vol.Optional(key): number(unit, step, key) for key, (unit, step) in fields}


def timing_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """The form values of the timing stored in ``data`` (flat, for pre-filling)."""
    stored = data.get(CONF_TIMING)
    if not isinstance(stored, Mapping):
        return {}
    return {k: v for k, v in stored.items() if k in HUB_TIMING_FIELDS and as_number(v) is not None}


def store_timing(
    data: Mapping[str, Any],
    answers: Mapping[str, Any],
    fields: Mapping[str, Any],
    *,
    drop_defaults: bool,
) -> dict[str, Any]:
    """``data`` with the form's timing ``fields`` moved from ``answers`` into ``timing``.

    A hub value equal to the default is not stored; a load field left empty is
    removed (the load follows the hub again).
    """
    result = {k: v for k, v in data.items() if k not in fields}
    old = data.get(CONF_TIMING)
    timing = {k: v for k, v in (old if isinstance(old, Mapping) else {}).items() if k not in fields}
    for key in fields:
        value = as_number(answers.get(key))
        if value is None:
            continue
        if drop_defaults and value == DEFAULTS[key]:
            continue
        timing[key] = value
    result.pop(CONF_TIMING, None)
    if timing:
        result[CONF_TIMING] = timing
    return result
