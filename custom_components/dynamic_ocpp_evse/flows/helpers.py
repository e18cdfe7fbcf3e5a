"""Small building blocks shared by the hub and subentry flows.

Selector factories (so every form looks alike), the phase wiring choices, and
the bookkeeping that merges one step's answers into the data being built.
Number boxes show the range of ``validation.RANGES`` (min, max, step, unit),
but the range is checked by the flow, which reports translated, field-level
errors instead of untranslated schema errors.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable, Mapping
from itertools import permutations
from typing import Any

import voluptuous as vol
from homeassistant.data_entry_flow import section
from homeassistant.helpers import selector

from ..validation import INT_FIELDS, RANGES, as_number


class _NumberBox(selector.NumberSelector):
    """A number box that shows its range but leaves every check to the flow.

    The frontend gets min, max, step and unit; whatever arrives (a value outside
    the range, NaN, text from an API client) reaches the flow, whose
    ``validation.check_ranges`` answers with a translated error on the field (or
    its section) instead of the selector's untranslated schema error, which Home
    Assistant cannot even place on a field inside a section.
    """

    def __call__(self, data: Any) -> Any:
        """Numbers as floats; other text as it is, for the range check to refuse."""
        if not isinstance(data, str | int | float):
            raise vol.Invalid("expected a number")  # a list or mapping is no answer
        number = as_number(data)
        if number is not None:
            return number
        try:
            return float(data)  # NaN and infinity: out of every range
        except (ValueError, OverflowError):
            return data


def number(
    unit: str | None = None, step: float = 1, field: str | None = None
) -> selector.NumberSelector:
    """A number box; with ``field`` its min and max come from ``validation.RANGES``.

    Only a box with a ``field`` is checked by the flow (``check_ranges``), so only
    such a box lets anything through to it; one without is Home Assistant's own.
    """
    config = selector.NumberSelectorConfig(mode=selector.NumberSelectorMode.BOX, step=step)
    if unit:
        config["unit_of_measurement"] = unit
    if field is None:
        return selector.NumberSelector(config)
    low, high = RANGES[field]
    config["min"], config["max"] = low, high
    return _NumberBox(config)


def entity(domains: list[str], device_class: list[str] | None = None) -> selector.EntitySelector:
    """An entity picker limited to domains (and device classes when given)."""
    config = selector.EntitySelectorConfig(domain=domains)
    if device_class:
        config["device_class"] = device_class
    return selector.EntitySelector(config)


def entity_of(*filters: tuple[list[str], list[str] | None]) -> selector.EntitySelector:
    """An entity picker offering entities that match any of (domains, device classes)."""
    config = selector.EntitySelectorConfig(
        filter=[
            selector.EntityFilterSelectorConfig(domain=domains, device_class=classes)
            if classes
            else selector.EntityFilterSelectorConfig(domain=domains)
            for domains, classes in filters
        ]
    )
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


PASSWORD_LENGTH = 20  # OCPP 1.6 security profile 1 wants 16 to 40 characters


def new_password() -> str:
    """A random password for a new charger (letters and digits: every charger takes them)."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(PASSWORD_LENGTH))


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
    """The field names of a schema, those inside its sections included."""
    keys: set[str] = set()
    for key, value in schema.schema.items():
        if isinstance(value, section):
            keys |= schema_keys(value.schema)
        else:
            keys.add(str(key))
    return keys


def merge_step(
    data: Mapping[str, Any], schema: vol.Schema, answers: Mapping[str, Any]
) -> dict[str, Any]:
    """Replace this step's fields in ``data`` with the answers (cleared fields vanish)."""
    merged = {k: v for k, v in data.items() if k not in schema_keys(schema)}
    merged.update(clean_input(answers))
    return merged


def clean_input(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Flat answers without empty values, ints where ints are stored, names stripped.

    The fields of a section (a nested mapping) are lifted to the top level: the
    stored data stays flat. A whole number where an int is stored becomes an
    int (``2.0`` -> ``2``); anything else is kept for the checks to refuse.
    """
    cleaned: dict[str, Any] = {}
    for key, value in user_input.items():
        if isinstance(value, Mapping):
            cleaned.update(clean_input(value))
        elif value is None or value == "":
            continue
        elif key in INT_FIELDS and (whole := _whole(value)) is not None:
            cleaned[key] = whole
        elif isinstance(value, str):
            cleaned[key] = value.strip()
        else:
            cleaned[key] = value
    return cleaned


def missing_required(schema: vol.Schema, answers: Mapping[str, Any]) -> dict[str, str]:
    """``required`` for each required field of ``schema`` left empty in the flat answers."""
    errors: dict[str, str] = {}
    for marker, value in schema.schema.items():
        if isinstance(value, section):
            errors |= missing_required(value.schema, answers)
        elif isinstance(marker, vol.Required) and answers.get(str(marker)) in (None, ""):
            errors[str(marker)] = "required"
    return errors


def _whole(value: Any) -> int | None:
    number = as_number(value)
    return int(number) if number is not None and number.is_integer() else None
