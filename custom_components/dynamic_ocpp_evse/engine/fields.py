"""Reading one field of a scenario mapping: the checks every parser shares.

Owns :class:`ScenarioError` (an invalid scenario, naming the offending field, e.g.
``loads[2].mode``) and the readers that turn one raw value into a checked one or
raise it: mappings, finite numbers with their bounds, whole numbers, true/false,
enum values and names. :mod:`.scenario`, :mod:`.thermal` and :mod:`.power_load`
parse their blocks with them; ``ScenarioError`` is importable from
:mod:`.scenario` too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .models import Distribution, Kind, Mode, ThresholdMode


class ScenarioError(ValueError):
    """An invalid scenario; ``field`` names the offending key."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def mapping(value: Any, field: str) -> Mapping[str, Any]:
    """``value`` when it is a mapping."""
    if type(value) is dict:  # the common case, without the abstract-class check
        return value
    if not isinstance(value, Mapping):
        raise ScenarioError(field, "must be a mapping")
    return value


def number(
    value: Any,
    field: str,
    *,
    minimum: float | None = None,
    strictly_positive: bool = False,
) -> float:
    """``value`` as a finite float (not a bool), at least ``minimum`` or above 0."""
    # The common case first: a plain float, finite (inf - inf and nan - nan are
    # nan) and within bounds.
    if (
        type(value) is float
        and not strictly_positive
        and value - value == 0.0
        and (minimum is None or value >= minimum)
    ):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ScenarioError(field, f"must be a number, got {value!r}")
    try:
        result = float(value)
    except OverflowError:  # a whole number too large for a float
        result = math.inf
    if not math.isfinite(result):
        raise ScenarioError(field, "must be a finite number")
    if strictly_positive and result <= 0:
        raise ScenarioError(field, f"must be greater than 0, got {value!r}")
    if minimum is not None and result < minimum:
        raise ScenarioError(field, f"must be at least {minimum:g}, got {value!r}")
    return result


def whole(value: Any, field: str, *, minimum: int = 0) -> int:
    """A whole number, also when written with a decimal point (``1.0``)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ScenarioError(field, f"must be a whole number of {minimum} or more, got {value!r}")
    return value


def optional_number(data: Mapping[str, Any], key: str, field: str, **kw: Any) -> float | None:
    """``data[key]`` read by :func:`number`, or None when missing or null."""
    value = data.get(key)
    if value is None:
        return None
    return number(value, f"{field}.{key}", **kw)


def flag(value: Any, field: str) -> bool:
    """``value`` when it is true or false (not 0 or 1)."""
    if not isinstance(value, bool):
        raise ScenarioError(field, f"must be true or false, got {value!r}")
    return value


def enum_member[E: (Mode, Kind, Distribution, ThresholdMode)](
    kind: type[E], value: Any, field: str
) -> E:
    """``value`` as a member of the enum ``kind``; the error lists the allowed values."""
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise ScenarioError(
            field, f"unknown value {value!r} (expected one of: {allowed})"
        ) from None


def ident(value: Any, field: str) -> str:
    """A non-empty name (text or a whole number), as text."""
    if type(value) is str and value:
        return value
    if not isinstance(value, str | int) or isinstance(value, bool) or str(value) == "":
        raise ScenarioError(field, "must be a non-empty name")
    return str(value)
