"""Fuzz the scenario loader: any input is either a scenario or one error naming its field.

Random mutations of a valid scenario (every key replaced by random values of any
type, deleted, or joined by unknown keys), random controller timing, random file
contents: the only outcomes allowed are a parsed scenario (and a working
controller) or a :class:`ScenarioError` / :class:`LoadError` whose field exists in
the input; never another exception. A whole number written as ``1.0`` is accepted
wherever a whole number is asked for.
"""

from __future__ import annotations

import copy
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.dynamic_ocpp_evse.engine import Controller, ScenarioError, parse_scenario
from custom_components.dynamic_ocpp_evse.engine.loader import LoadError, load_yaml
from custom_components.dynamic_ocpp_evse.engine.simulate.day import DayError, parse_day

VALID: dict[str, Any] = {
    "site": {
        "voltage": 230,
        "main_breaker_a": 25,
        "grid_current_a": {"A": 5, "B": 5, "C": 5},
        "distribution": "shared",
        "battery": {"soc": 60, "min_soc": 20, "target_soc": 80},
        "inverter": {"max_w": 10000, "asymmetric": False},
        "stale_after_s": 60,
    },
    "chargers": [{"id": "duo", "max_a": 32, "concurrent": True}],
    "circuits": [
        {"id": "garage", "limit_a": {"A": 20, "B": 20, "C": 20}, "members": ["car", "sub"]},
        {"id": "sub", "limit_a": 16, "members": ["heater"]},
    ],
    "loads": [
        {"id": "car", "min_a": 6, "max_a": 16, "charger": "duo", "priority": 2, "pause_s": 60},
        {"id": "heater", "kind": "plug", "power_w": 2000, "phases": ["B"], "mode": "solar"},
        {"id": "van", "draw_a": [1, 2, 3], "max_a": 32, "active": False},
    ],
}

# Keys the path helpers can spell back (a '.' or '[' in a key would read as a path step).
KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_0123456789", min_size=1, max_size=6)


LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(["A", "B", "C", "car", "garage", "duo", "solar", "plug", "1.0", "nan"]),
)
ANY = st.recursive(
    LEAF,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=8,
)


def _paths(node: Any, prefix: str = "") -> list[str]:
    """Every path in the document (``site.battery.soc``, ``loads[0].id``)."""
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, f"{prefix}[{i}]")
    return found


def _parent_and_key(data: Any, path: str) -> tuple[Any, Any]:
    parts = re.findall(r"[^.\[\]]+", path)
    target = data
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    last: Any = parts[-1]
    return target, int(last) if isinstance(target, list) else last


@st.composite
def mutated(draw: Any) -> tuple[dict[str, Any], set[str]]:
    """A valid scenario with a few random changes, and every path it had or got."""
    data = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent, key = _parent_and_key(data, path)
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "delete":
            del parent[key]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(KEYS)] = draw(ANY)
        else:
            parent[key] = draw(ANY)
    return data, set(_paths(data)) | set(_paths(VALID))


def _names_a_field(err: ScenarioError, known: set[str]) -> None:
    field = err.field
    assert field, err
    # The field, or its parent when the key is missing, is a path of the input.
    base = re.sub(r"\.[^.\[\]]+$", "", field)
    assert field in known or base in known or field in {"scenario", "site", "loads"}, field


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_any_mutation_is_a_scenario_or_an_error_naming_its_field(
    case: tuple[dict[str, Any], set[str]],
) -> None:
    data, known = case
    try:
        controller = Controller(data)
    except ScenarioError as err:
        _names_a_field(err, known)
        return
    # Whatever parsed must also run.
    result = controller.step({"site": {"grid_current_a": {"A": 1, "B": 1, "C": 1}}}, 0.0)
    for command in result["loads"].values():
        assert math.isfinite(command["current_a"])


@settings(max_examples=200, deadline=None)
@given(ANY)
def test_any_document_at_all_is_a_scenario_or_an_error(data: Any) -> None:
    try:
        parse_scenario(data)
    except ScenarioError as err:
        assert err.field


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(sorted({"site", "loads[0]"})),
    st.dictionaries(
        st.sampled_from(
            ["stale_after_s", "refresh_s", "pause_s", "grace_s", "margin_a", "ramp_up_a_per_s"]
        ),
        LEAF,
        min_size=1,
    ),
)
def test_any_timing_is_accepted_or_named(where: str, timing: dict[str, Any]) -> None:
    data = copy.deepcopy(VALID)
    target = data["site"] if where == "site" else data["loads"][0]
    target.update(timing)
    try:
        Controller(data)
    except ScenarioError as err:
        assert err.field.startswith(f"{where}.")
        assert err.field.split(".")[-1] in timing


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.one_of(st.binary(max_size=64), st.text(max_size=64).map(str.encode)))
def test_any_file_is_a_mapping_or_a_load_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_bytes(content)
    try:
        data = load_yaml(path)
    except LoadError as err:
        assert str(path) in str(err)
        return
    try:
        parse_scenario(data)
    except ScenarioError as err:
        assert err.field


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xfe not utf-8",
        b"[" * 5000 + b"]" * 5000,
        b"site: !!python/object:os.system echo",
        b"- 1\n- 2\n",
    ],
    ids=["not utf-8", "nested deeply", "python tag", "a list"],
)
def test_hostile_files_are_refused_with_a_load_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    with pytest.raises(LoadError):
        load_yaml(path)


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (b"site: &a [*a]", "site"),
        (
            b"site: &a {grid_current_a: *a, voltage: 230, main_breaker_a: 25}",
            "site.grid_current_a.grid_current_a",
        ),
        (
            b"site: {voltage: 230, main_breaker_a: 25, grid_current_a: {A: 1}}\nloads: &l [*l]",
            "loads[0]",
        ),
    ],
    ids=["site is itself", "grid holds the site", "loads hold themselves"],
)
def test_self_referencing_documents_name_the_field(
    tmp_path: Path, content: bytes, field: str
) -> None:
    path = tmp_path / "loop.yaml"
    path.write_bytes(content)
    with pytest.raises(ScenarioError) as err:
        Controller(load_yaml(path))
    assert err.value.field == field


def test_a_whole_number_may_be_written_with_a_decimal_point() -> None:
    data = copy.deepcopy(VALID)
    data["loads"][0]["priority"] = 3.0
    assert parse_scenario(data).loads[0].priority == 3
    data["loads"][0]["priority"] = 2.5
    with pytest.raises(ScenarioError) as err:
        parse_scenario(data)
    assert err.value.field == "loads[0].priority"


def test_a_whole_seed_may_be_written_with_a_decimal_point() -> None:
    base = {
        "site": {"voltage": 230, "main_breaker_a": 25, "grid_current_a": {"A": 0}},
        "loads": [],
        "house_w": {"A": [["00:00", 500]]},
        "solar_w": [["00:00", 0]],
    }
    day = parse_day({**base, "options": {"seed": 7.0}})
    assert day.options.seed == 7
    with pytest.raises(DayError) as err:
        parse_day({**base, "options": {"seed": 7.5}})
    assert err.value.field == "options.seed"
