"""Every kind of invalid scenario is refused with a ScenarioError naming its field.

Each case changes one thing in a valid two-load site; the error must name the
field a user has to fix (the CLI prints exactly this and exits with code 2).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from custom_components.dynamic_ocpp_evse.engine import ScenarioError, allocate, parse_scenario

VALID: dict[str, Any] = {
    "site": {
        "voltage": 230,
        "main_breaker_a": 25,
        "grid_current_a": {"A": 5, "B": 5, "C": 5},
        "battery": {"soc": 60, "min_soc": 20, "target_soc": 80},
        "inverter": {"max_w": 10000},
    },
    "chargers": [{"id": "duo", "max_a": 32}],
    "circuits": [{"id": "garage", "limit_a": 20, "members": ["car"]}],
    "loads": [
        {"id": "car", "min_a": 6, "max_a": 16, "charger": "duo"},
        {"id": "heater", "kind": "plug", "power_w": 2000, "phases": ["B"]},
    ],
}


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A change that sets ``path`` (dots and [i]) to ``value``; ``...`` deletes it."""

    def change(data: dict[str, Any]) -> None:
        keys = path.replace("[", ".").replace("]", "").split(".")
        target: Any = data
        for key in keys[:-1]:
            target = target[int(key)] if key.isdigit() else target[key]
        last: Any = int(keys[-1]) if keys[-1].isdigit() else keys[-1]
        if value is ...:
            del target[last]
        else:
            target[last] = value

    return change


CASES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("site missing", _set("site", ...), "site"),
    ("site not a mapping", _set("site", [1]), "site"),
    ("voltage missing", _set("site.voltage", ...), "site.voltage"),
    ("voltage text", _set("site.voltage", "230V"), "site.voltage"),
    ("voltage zero", _set("site.voltage", 0), "site.voltage"),
    ("breaker negative", _set("site.main_breaker_a", -25), "site.main_breaker_a"),
    ("breaker infinite", _set("site.main_breaker_a", float("inf")), "site.main_breaker_a"),
    ("no phases", _set("site.grid_current_a", {}), "site.grid_current_a"),
    ("phase D", _set("site.grid_current_a.D", 1), "site.grid_current_a.D"),
    ("grid reading true", _set("site.grid_current_a.A", True), "site.grid_current_a.A"),
    ("unknown distribution", _set("site.distribution", "fair"), "site.distribution"),
    ("grid charging text", _set("site.allow_grid_charging", "yes"), "site.allow_grid_charging"),
    ("battery without soc", _set("site.battery.soc", ...), "site.battery.soc"),
    ("battery min above target", _set("site.battery.min_soc", 90), "site.battery.min_soc"),
    ("battery not a mapping", _set("site.battery", 60), "site.battery"),
    ("inverter negative", _set("site.inverter.max_w", -1), "site.inverter.max_w"),
    (
        "inverter asymmetric text",
        _set("site.inverter.asymmetric", "no"),
        "site.inverter.asymmetric",
    ),
    ("loads not a list", _set("loads", {"car": {}}), "loads"),
    ("load without id", _set("loads[0].id", ...), "loads[0].id"),
    ("load empty id", _set("loads[0].id", ""), "loads[0].id"),
    ("duplicate load id", _set("loads[1].id", "car"), "loads[1].id"),
    ("unknown mode", _set("loads[0].mode", "turbo"), "loads[0].mode"),
    ("unknown kind", _set("loads[0].kind", "robot"), "loads[0].kind"),
    ("negative priority", _set("loads[0].priority", -1), "loads[0].priority"),
    ("min above max", _set("loads[0].min_a", 20), "loads[0].min_a"),
    ("max not a number", _set("loads[0].max_a", float("nan")), "loads[0].max_a"),
    ("max too large for a float", _set("loads[0].max_a", 10**400), "loads[0].max_a"),
    ("max negative", _set("loads[0].max_a", -16.0), "loads[0].max_a"),
    ("min text", _set("loads[0].min_a", "6"), "loads[0].min_a"),
    ("mode not text", _set("loads[0].mode", ["eco"]), "loads[0].mode"),
    ("kind not text", _set("loads[0].kind", {"plug": 1}), "loads[0].kind"),
    ("priority true", _set("loads[0].priority", True), "loads[0].priority"),
    ("active as 1", _set("loads[0].active", 1), "loads[0].active"),
    ("id a list", _set("loads[0].id", ["car"]), "loads[0].id"),
    ("charger empty", _set("loads[0].charger", ""), "loads[0].charger"),
    ("draw negative", _set("loads[0].draw_a", [1.0, -2.0, 0.0]), "loads[0].draw_a[1]"),
    ("draw infinite", _set("loads[0].draw_a", [float("inf"), 0.0, 0.0]), "loads[0].draw_a[0]"),
    ("draw text", _set("loads[0].draw_a", [0.0, 0.0, "1"]), "loads[0].draw_a[2]"),
    ("duplicate circuit", _set("circuits", [{"id": "g", "limit_a": 20}] * 2), "circuits[1].id"),
    ("duplicate charger", _set("chargers", [{"id": "duo", "max_a": 32}] * 2), "chargers[1].id"),
    ("circuit member empty", _set("circuits[0].members", ["car", ""]), "circuits[0].members"),
    ("circuit member unknown", _set("circuits[0].members", [7]), "circuits[0].members"),
    ("charger without max", _set("loads[0].max_a", ...), "loads[0].max_a"),
    ("plug without power", _set("loads[1].power_w", ...), "loads[1].power_w"),
    ("phase not at the site", _set("site.grid_current_a", {"A": 5}), "loads[1].phases"),
    ("phase listed twice", _set("loads[0].phases", ["A", "A"]), "loads[0].phases"),
    ("four phases", _set("loads[0].phases", ["A", "B", "C", "A"]), "loads[0].phases"),
    ("draw per phase mismatch", _set("loads[0].draw_a", [1, 2]), "loads[0].draw_a"),
    ("unknown charger unit", _set("loads[0].charger", "trio"), "loads[0].charger"),
    ("chargers not a list", _set("chargers", {"id": "duo"}), "chargers"),
    ("unit without max", _set("chargers[0].max_a", ...), "chargers[0].max_a"),
    ("unit without id", _set("chargers[0].id", ...), "chargers[0].id"),
    ("circuits not a list", _set("circuits", "garage"), "circuits"),
    ("circuit without limit", _set("circuits[0].limit_a", ...), "circuits[0].limit_a"),
    ("circuit members not a list", _set("circuits[0].members", "car"), "circuits[0].members"),
    ("circuit named like a load", _set("circuits[0].id", "car"), "circuits[0].id"),
    ("unknown parent circuit", _set("circuits[0].parent", "house"), "circuits[0].parent"),
    (
        "phase switching on a plug",
        _set("loads[1].phase_switching", True),
        "loads[1].phase_switching",
    ),
    (
        "phase switching not a mapping",
        _set("loads[0].phase_switching", "yes"),
        "loads[0].phase_switching",
    ),
    (
        "phase switching one_phase unknown",
        _set("loads[0].phase_switching", {"one_phase": "D"}),
        "loads[0].phase_switching.one_phase",
    ),
    (
        "phase switching mode unknown",
        _set("loads[0].phase_switching", {"mode": "2"}),
        "loads[0].phase_switching.mode",
    ),
    (
        "phase switching active count 2",
        _set("loads[0].phase_switching", {"active_phases": 2}),
        "loads[0].phase_switching.active_phases",
    ),
]


@pytest.mark.parametrize(("change", "field"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_an_invalid_scenario_names_the_field_to_fix(
    change: Callable[[dict[str, Any]], None], field: str
) -> None:
    data = copy.deepcopy(VALID)
    change(data)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    assert caught.value.field == field, str(caught.value)
    assert str(caught.value).startswith(f"{field}: ")


def test_the_valid_base_scenario_allocates() -> None:
    result = allocate(copy.deepcopy(VALID))
    assert set(result["loads"]) == {"car", "heater"}
    assert result["loads"]["car"]["current_a"] > 0
