"""The fuzzing harness of the flow tests: answers drawn from a shown form, and the rules.

``examples(schema)`` draws answers from the form itself: every field a plausible
value (inside the number box's range, a fitting entity, an offered option), then up
to three fields or whole sections made bad (NaN, infinity, 1e308, out of range,
fractions where a whole number is asked, text, wrong types, unknown entities and
options, required fields left out). ``fuzz`` submits each to a live flow and checks
that it ends as an error on one of the form's fields or sections (with a text), as a
schema error on a path of the form, or as a finished flow that stored sane values.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import voluptuous as vol
from homeassistant.data_entry_flow import FlowResultType, InvalidData, UnknownFlow, section
from homeassistant.helpers import selector as sel
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from custom_components.dynamic_ocpp_evse.validation import INT_FIELDS, RANGES, as_number

EXAMPLES = 60  # per form
OMIT = object()
ENTITIES = [
    "sensor.grid_l1",
    "sensor.grid_l2",
    "sensor.grid_l3",
    "sensor.solar_power",
    "sensor.battery_soc",
    "sensor.battery_power",
    "sensor.cp_current",
    "sensor.cp_status",
    "switch.heater",
    "switch.boiler",
    "sensor.boiler_temperature",
    "climate.living_room",
    "number.heater_setpoint",
]
GARBAGE = st.one_of(
    st.none(),
    st.booleans(),
    st.text(max_size=8),
    st.sampled_from(["", " ", "1e308", "NaN", "-inf", "1,5", "0x10", "sensor.", "A"]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.sampled_from(["name", "x"]), st.integers(), max_size=1),
)


def _number(config: Mapping[str, Any]) -> tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]:
    low, high = config.get("min", -1e6), config.get("max", 1e6)
    plausible = st.one_of(
        st.integers(min_value=math.ceil(low), max_value=math.floor(high)),
        st.integers(min_value=math.ceil(low), max_value=math.floor(high)).map(float),
        st.floats(min_value=low, max_value=high),
    )
    edges = st.sampled_from(
        [low - 1, high + 1, low - 0.5, high + 0.5, low + 0.5, 1e308, -1e308, 0, -1]
    )
    return plausible, st.one_of(edges, GARBAGE)


def _options(config: Mapping[str, Any]) -> list[Any]:
    return [o["value"] if isinstance(o, Mapping) else o for o in config.get("options", [])]


def _field(selector: Any) -> tuple[st.SearchStrategy[Any], st.SearchStrategy[Any]]:
    """(plausible values, bad values) of one field."""
    if isinstance(selector, sel.NumberSelector):
        return _number(selector.config)
    if isinstance(selector, sel.EntitySelector):
        bad = st.one_of(st.sampled_from(["sensor.missing", "light.kitchen", "sensor.x y"]), GARBAGE)
        config = selector.config
        domains = set(config.get("domain") or [])
        for each in config.get("filter") or []:
            domains |= set(each.get("domain") or [])
        fitting = [e for e in ENTITIES if not domains or e.split(".")[0] in domains]
        return st.sampled_from(fitting or ENTITIES), bad
    if isinstance(selector, sel.SelectSelector):
        options = _options(selector.config) or ["x"]
        if selector.config.get("multiple"):
            return st.lists(st.sampled_from(options), max_size=3, unique=True), st.one_of(
                st.just(["gone"]), GARBAGE
            )
        return st.sampled_from(options), st.one_of(st.just("gone"), GARBAGE)
    if isinstance(selector, sel.BooleanSelector):
        return st.booleans(), GARBAGE
    if isinstance(selector, sel.TextSelector):
        good = st.one_of(st.sampled_from(["Garage", "CP7", "0.0.0.0"]), st.text(max_size=12))
        return good, st.one_of(st.sampled_from(["", " ", "CP 1", "a/b", "x#y"]), GARBAGE)
    return GARBAGE, GARBAGE


@st.composite
def _answers(draw: st.DrawFn, schema: vol.Schema) -> dict[str, Any]:
    """A plausible answer with up to three fields (or whole sections) made bad.

    Optional fields are sometimes left out; a required one only as a bad answer.
    """
    fields: list[tuple[str | None, Any, Any]] = []
    for marker, value in schema.schema.items():
        if isinstance(value, section):
            fields += [(str(marker), m, s) for m, s in value.schema.schema.items()]
        else:
            fields.append((None, marker, value))
    answers: dict[str, Any] = {}
    for where, marker, selector in fields:
        if not isinstance(marker, vol.Required) and draw(st.integers(0, 3)) == 0:
            continue
        value = draw(_field(selector)[0])
        (answers if where is None else answers.setdefault(where, {}))[str(marker)] = value
    for _ in range(draw(st.integers(0, 3))):
        where, marker, selector = draw(st.sampled_from(fields))
        if where is not None and draw(st.integers(0, 5)) == 0:
            answers[where] = draw(GARBAGE)  # the whole section
            continue
        target = answers if where is None else answers.get(where)
        if isinstance(target, dict):
            bad = draw(st.one_of(st.just(OMIT), _field(selector)[1]))
            target[str(marker)] = bad
            if bad is OMIT:
                del target[str(marker)]
    return answers


def examples(schema: vol.Schema) -> list[dict[str, Any]]:
    """Hypothesis-generated answers for a form (collected first: the flows are async)."""
    found: list[dict[str, Any]] = []

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(_answers(schema))  # type: ignore[misc]
    def collect(answers: dict[str, Any]) -> None:
        found.append(answers)

    collect()
    return found


def paths(schema: vol.Schema) -> set[str]:
    """The top-level names of a form: fields and sections."""
    return {str(marker) for marker in schema.schema}


def assert_stored_sane(data: Mapping[str, Any]) -> None:
    """Only numbers inside their ranges, whole numbers as ints, nothing else stored."""
    numbers = {**data, **(data.get("timing") or {})}
    for key, (low, high) in RANGES.items():
        if key in numbers:
            value = as_number(numbers[key])
            assert value is not None and low <= value <= high, (key, numbers[key])
            if key in INT_FIELDS:
                assert isinstance(numbers[key], int), (key, numbers[key])
    for key, value in data.items():
        assert not isinstance(value, float) or math.isfinite(value), (key, value)


Opener = Callable[[], Awaitable[dict[str, Any]]]
Submitter = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


async def fuzz(
    open_form: Opener,
    submit: Submitter,
    errors: Mapping[str, str],
    on_done: Callable[[dict[str, Any]], None],
) -> dict[str, int]:
    """Submit every example to the form; return how each ended (for the figures)."""
    result = await open_form()
    assert result["type"] is FlowResultType.FORM, result
    step, schema = result["step_id"], result["data_schema"]
    outcomes = {"errors": 0, "schema": 0, "done": 0}
    for answers in examples(schema):
        if result["type"] is not FlowResultType.FORM or result["step_id"] != step:
            result = await open_form()
            assert result["step_id"] == step, result
        flow_id = result["flow_id"]
        try:
            result = await submit(flow_id, answers)
        except InvalidData as err:
            cause = err.__cause__
            invalid = cause.errors if isinstance(cause, vol.MultipleInvalid) else [cause]
            for each in invalid:
                assert isinstance(each, vol.Invalid) and each.path, (answers, each)
                assert str(each.path[0]) in paths(schema), (answers, each.path)
            outcomes["schema"] += 1
            continue
        except UnknownFlow:  # the flow ended (e.g. its hub was removed): start again
            result = await open_form()
            assert result["step_id"] == step, result
            continue
        if result["type"] is FlowResultType.FORM and result["step_id"] == step:
            assert result["errors"], answers
            assert set(result["errors"]) <= paths(schema), (answers, result["errors"])
            assert set(result["errors"].values()) <= set(errors), result["errors"]
            outcomes["errors"] += 1
        else:
            on_done(result)
            outcomes["done"] += 1
    print(f"fuzzed {step}: {outcomes}")  # figures: pytest -s
    assert outcomes["errors"], "no example reached the flow's own checks"
    return outcomes
