"""Small building blocks shared by the hub and subentry flows.

Selector factories (so every form looks alike), the phase wiring choices, and
the bookkeeping that merges one step's answers into the data being built.
Range limits are not put on the selectors: ``validation.RANGES`` checks them
and reports translated, field-level errors instead of untranslated schema errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import permutations
from typing import Any

import voluptuous as vol
from homeassistant.helpers import selector

# fields stored as int although the number selector returns floats
INT_FIELDS = frozenset(
    {
        "priority",
        "connector_id",
        "connector_count",
        "stack_level",
        "profile_validity_s",
        "min_send_interval_s",
        "compliance_cycles",
        "ocpp_server_port",
    }
)


def number(unit: str | None = None, step: float = 1) -> selector.NumberSelector:
    """A plain number box (no slider, no range: ranges are validated separately)."""
    config = selector.NumberSelectorConfig(mode=selector.NumberSelectorMode.BOX, step=step)
    if unit:
        config["unit_of_measurement"] = unit
    return selector.NumberSelector(config)


def entity(domains: list[str], device_class: list[str] | None = None) -> selector.EntitySelector:
    """An entity picker limited to domains (and device classes when given)."""
    config = selector.EntitySelectorConfig(domain=domains)
    if device_class:
        config["device_class"] = device_class
    return selector.EntitySelector(config)


def choice(
    options: Iterable[str] | list[selector.SelectOptionDict],
    translation_key: str | None = None,
    *,
    multiple: bool = False,
    dropdown: bool = True,
) -> selector.SelectSelector:
    """A select; fixed options are translated through ``selector.<translation_key>``."""
    opts = list(options)
    config = selector.SelectSelectorConfig(
        options=opts,  # type: ignore[typeddict-item]
        multiple=multiple,
        mode=(
            selector.SelectSelectorMode.DROPDOWN if dropdown else selector.SelectSelectorMode.LIST
        ),
    )
    if translation_key:
        config["translation_key"] = translation_key
    return selector.SelectSelector(config)


def text(*, password: bool = False) -> selector.TextSelector:
    """A one-line text box (masked for passwords)."""
    kind = selector.TextSelectorType.PASSWORD if password else selector.TextSelectorType.TEXT
    return selector.TextSelector(selector.TextSelectorConfig(type=kind))


def boolean() -> selector.BooleanSelector:
    """A toggle."""
    return selector.BooleanSelector()


def wiring_value(phases: Iterable[str]) -> str:
    """Phase list -> select value, e.g. ["B", "C", "A"] -> "B,C,A"."""
    return ",".join(phases)


def wiring_options(site_phases: list[str]) -> list[selector.SelectOptionDict]:
    """How a load's legs L1..L3 may be wired to the site phases.

    Offers every ordering that uses all site phases (rotated wiring included)
    and each single site phase; the label reads "L1→B, L2→C, L3→A".
    """
    combos: list[tuple[str, ...]] = []
    if len(site_phases) > 1:
        combos.extend(permutations(site_phases))
    combos.extend((p,) for p in site_phases)
    return [
        selector.SelectOptionDict(
            value=wiring_value(combo),
            label=", ".join(f"L{i + 1}→{p}" for i, p in enumerate(combo)),
        )
        for combo in combos
    ]


def schema_keys(schema: vol.Schema) -> set[str]:
    """The field names of a flat schema."""
    return {str(key) for key in schema.schema}


def merge_step(
    data: Mapping[str, Any], schema: vol.Schema, answers: Mapping[str, Any]
) -> dict[str, Any]:
    """Replace this step's fields in ``data`` with the answers (cleared fields vanish)."""
    merged = {k: v for k, v in data.items() if k not in schema_keys(schema)}
    merged.update(clean_input(answers))
    return merged


def clean_input(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Answers without empty values, ints where ints are stored, names stripped."""
    cleaned: dict[str, Any] = {}
    for key, value in user_input.items():
        if value is None or value == "":
            continue
        if key in INT_FIELDS:
            cleaned[key] = int(value)
        elif isinstance(value, str):
            cleaned[key] = value.strip()
        else:
            cleaned[key] = value
    return cleaned
