"""Garbage in every input of the controller: it counts as missing, never as a value.

The property compares two controllers stepped through the same plausible site:
one is handed random garbage (NaN, infinities, 1e308, text, wrong types, values
beyond the physical bounds) in random inputs, the other is handed ``None`` (a
missing reading) in the same inputs. Every command must be identical: garbage can
never buy a load more current than a missing reading would, and nothing raises.
"""

from __future__ import annotations

import math
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.dynamic_ocpp_evse.engine import Controller
from custom_components.dynamic_ocpp_evse.engine.plausibility import bounds_for, screen
from custom_components.dynamic_ocpp_evse.engine.scenario import parse_scenario

PHASES = ("A", "B", "C")

SITE: dict[str, Any] = {
    "site": {
        "voltage": 230,
        "main_breaker_a": 25,
        "grid_current_a": dict.fromkeys(PHASES, 0.0),
        "distribution": "shared",
        "excess_threshold_w": 1000,
        "stale_after_s": 30,
        "battery": {"soc": 50, "min_soc": 20, "target_soc": 80, "max_charge_w": 5000},
        "inverter": {"max_w": 8000},
    },
    "loads": [
        {"id": "car", "min_a": 6, "max_a": 16, "phases": ["A", "B", "C"]},
        {"id": "van", "min_a": 6, "max_a": 32, "phases": ["B"], "mode": "solar"},
        {"id": "heater", "kind": "plug", "power_w": 2000, "phases": ["C"], "mode": "excess"},
    ],
}
INPUTS = ("grid.A", "grid.B", "grid.C", "solar", "battery.soc", "battery.power")
LOAD_IDS = ("car", "van", "heater")

NONSENSE: list[Any] = [
    math.nan,
    math.inf,
    -math.inf,
    1e308,
    -1e308,
    "1e308",
    "NaN",
    "12",
    "",
    True,
    [1.0],
    {"A": 1},
]
IMPLAUSIBLE: dict[str, list[Any]] = {
    "grid": [500.0, -500.0, 1e9],
    "solar": [-5000.0, 1e7],
    "battery.soc": [-5.0, 100.5, 250.0],
    "battery.power": [1e6, -1e6],
    "draw": [-50.0, 1e5, 200.0],
}


def _garbage(kind: str) -> st.SearchStrategy[Any]:
    return st.sampled_from(NONSENSE + IMPLAUSIBLE[kind])


def _kind(key: str) -> str:
    return "grid" if key.startswith("grid") else key


@st.composite
def corruption(draw: Any) -> dict[str, Any]:
    """Which inputs are garbage this step, and with what."""
    bad: dict[str, Any] = {}
    for key in draw(st.sets(st.sampled_from(INPUTS))):
        bad[key] = draw(_garbage(_kind(key)))
    for load_id in draw(st.sets(st.sampled_from(LOAD_IDS))):
        legs = 3 if load_id == "car" else 1
        whole = draw(st.booleans())
        if whole:
            bad[f"load.{load_id}"] = draw(st.sampled_from(["x", 5.0, [1.0] * (legs + 1), None]))
        else:
            leg = [0.0] * legs
            leg[draw(st.integers(0, legs - 1))] = draw(_garbage("draw"))
            bad[f"load.{load_id}"] = leg
    return bad


STEPS = st.lists(
    st.tuples(
        st.tuples(*(st.floats(-20.0, 20.0).map(lambda a: round(a, 1)) for _ in PHASES)),
        st.floats(0.0, 7000.0).map(round),
        st.floats(0.0, 100.0).map(round),
        st.sampled_from([1.0, 5.0, 20.0, 60.0]),
        corruption(),
    ),
    min_size=1,
    max_size=20,
)


def _measurements(
    house: tuple[float, ...], solar: float, soc: float, draws: dict[str, list[float]]
) -> dict[str, Any]:
    grid = dict(zip(PHASES, house, strict=True))
    legs = {"car": ("A", "B", "C"), "van": ("B",), "heater": ("C",)}
    for load_id, amps in draws.items():
        for phase, value in zip(legs[load_id], amps, strict=True):
            grid[phase] += value
    return {
        "site": {
            "grid_current_a": grid,
            "solar_w": solar,
            "battery": {"soc": soc, "power_w": -500.0},
        },
        "loads": {i: {"draw_a": list(a), "active": True} for i, a in draws.items()},
    }


def _apply(measurements: dict[str, Any], bad: dict[str, Any], *, as_missing: bool) -> None:
    site = measurements["site"]
    for key, value in bad.items():
        put = None if as_missing else value
        if key.startswith("grid."):
            site["grid_current_a"][key[5:]] = put
        elif key == "solar":
            site["solar_w"] = put
        elif key == "battery.soc":
            site["battery"]["soc"] = put
        elif key == "battery.power":
            site["battery"]["power_w"] = put
        else:
            measurements["loads"][key[5:]]["draw_a"] = put


def _comparable(result: dict[str, Any]) -> dict[str, Any]:
    site = {k: v for k, v in result["site"].items() if k != "implausible"}
    return {"loads": result["loads"], "site": site}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STEPS)
def test_garbage_is_treated_exactly_like_a_missing_reading(steps: list[Any]) -> None:
    fed_garbage = Controller(SITE)
    fed_none = Controller(SITE)
    told = dict.fromkeys(LOAD_IDS, 0.0)
    now = 0.0
    for house, solar, soc, dt, bad in steps:
        now += dt
        legs = {"car": 3, "van": 1, "heater": 1}
        draws = {i: [told[i]] * legs[i] for i in LOAD_IDS}
        dirty = _measurements(house, solar, soc, draws)
        clean = _measurements(house, solar, soc, draws)
        _apply(dirty, bad, as_missing=False)
        _apply(clean, bad, as_missing=True)
        got = fed_garbage.step(dirty, now)
        want = fed_none.step(clean, now)
        assert _comparable(got) == _comparable(want)
        # Every garbage value is named (None is merely missing, not implausible).
        named = {k for k, v in bad.items() if v is not None}
        assert set(got["site"]["implausible"]) == named
        for load_id in LOAD_IDS:
            told[load_id] = got["loads"][load_id]["current_a"]
            assert math.isfinite(told[load_id])


def test_the_reported_meter_values_do_not_inflate_the_headroom() -> None:
    """The bug report: Current.Import 1e308, NaN and -50 on one charger's legs."""
    controller = Controller(SITE)
    reference = Controller(SITE)
    base = _measurements((10.0, 10.0, 10.0), 0.0, 50.0, {"car": [16.0] * 3})
    for t in range(0, 60, 5):
        controller.step(base, float(t))
        reference.step(base, float(t))
    bad = _measurements((10.0, 10.0, 10.0), 0.0, 50.0, {"car": [16.0] * 3})
    bad["loads"]["car"]["draw_a"] = [1e308, math.nan, -50.0]
    missing = _measurements((10.0, 10.0, 10.0), 0.0, 50.0, {"car": [16.0] * 3})
    missing["loads"]["car"]["draw_a"] = None
    got = controller.step(bad, 60.0)
    want = reference.step(missing, 60.0)
    assert got["loads"] == want["loads"]
    assert all(math.isfinite(a) for a in got["site"]["headroom_a"].values())
    assert "load.car" in got["site"]["implausible"]
    assert "above" in got["site"]["implausible"]["load.car"]


def test_a_draw_not_read_for_a_while_no_longer_counts() -> None:
    """A kept reading of a load that may have stopped must not lend its current to others."""
    controller = Controller(SITE)
    running = _measurements((5.0, 5.0, 5.0), 0.0, 50.0, {"car": [16.0] * 3})
    controller.step(running, 0.0)
    silent = _measurements((5.0, 5.0, 5.0), 0.0, 50.0, {})
    silent["site"]["grid_current_a"] = {"A": 21.0, "B": 21.0, "C": 21.0}
    silent["loads"]["car"] = {"draw_a": None, "active": True}
    fresh = controller.step(silent, 10.0)["site"]["headroom_a"]
    stale = controller.step(silent, 40.0)["site"]["headroom_a"]
    # Within stale_after_s the 16 A are believed to be the car's; after it, house load.
    assert all(stale[p] < fresh[p] for p in PHASES)


def _bounds() -> Any:
    return bounds_for(parse_scenario(SITE), SITE["loads"])


def test_bounds_follow_the_configuration() -> None:
    bounds = _bounds()
    assert bounds.grid_a == 3 * 25 + 10
    assert bounds.solar_w == 2 * 8000
    assert bounds.battery_w == 2 * 5000 + 1000
    assert bounds.draw_a["car"] == (3, 1.25 * 16 + 2)
    rated = bounds_for(parse_scenario(SITE), [{**SITE["loads"][0], "max_a": 10, "rated_max_a": 32}])
    assert rated.draw_a["car"] == (3, 1.25 * 32 + 2)


def test_small_negative_noise_reads_as_zero_not_as_missing() -> None:
    measurements = _measurements((1.0, 1.0, 1.0), -30.0, 50.0, {"car": [-0.4, 0.0, 2.0]})
    screened = screen(measurements, _bounds())
    assert screened.rejected == {}
    assert screened.measurements["site"]["solar_w"] == 0.0
    assert screened.measurements["loads"]["car"]["draw_a"] == [0.0, 0.0, 2.0]


def test_screen_survives_any_shape() -> None:
    bounds = _bounds()
    for junk in (None, 5, "site", [], {"site": 3}, {"site": {"grid_current_a": [1]}}):
        screened = screen(junk, bounds)
        assert screened.measurements["site"]["grid_current_a"] == dict.fromkeys(PHASES)
