"""Properties of the controller over random step sequences (hypothesis).

A closed loop with an ideal plant: every load draws exactly what it was last
told, the grid meter reads the house plus those draws, readings are fresh
every step. Whatever the house does, every step's commands must fit under
the breaker and every circuit for the house just measured (an overload is
corrected in the very step that sees it), and each command is 0 or within
the load's [min, max].
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.dynamic_ocpp_evse.engine import Controller

PHASES = ("A", "B", "C")
BREAKER_A = 25.0
GARAGE_A = 20.0
EPS = 1e-6

MODES = st.sampled_from(["standard", "eco", "solar", "excess", "off"])
LEGS = st.sampled_from([("A",), ("B",), ("C",), ("A", "B", "C")])


@st.composite
def sites(draw: Any) -> dict[str, Any]:
    count = draw(st.integers(1, 4))
    loads = []
    for i in range(count):
        low = draw(st.sampled_from([6.0, 8.0, 10.0]))
        loads.append(
            {
                "id": f"l{i}",
                "mode": draw(MODES),
                "priority": draw(st.integers(1, 3)),
                "min_a": low,
                "max_a": draw(st.sampled_from([low, 16.0, 32.0])),
                "phases": list(draw(LEGS)),
            }
        )
    garage = [load["id"] for load in loads[: draw(st.integers(0, count))]]
    return {
        "site": {
            "voltage": 230,
            "main_breaker_a": BREAKER_A,
            "grid_current_a": dict.fromkeys(PHASES, 0.0),
            "distribution": draw(st.sampled_from(["shared", "priority", "optimized", "strict"])),
            "excess_threshold_w": 1000,
        },
        "loads": loads,
        "circuits": [{"id": "garage", "limit_a": GARAGE_A, "members": garage}] if garage else [],
    }


HOUSE = st.floats(-30.0, 24.0, allow_nan=False).map(lambda a: round(a, 1))
STEPS = st.lists(
    st.tuples(
        st.tuples(HOUSE, HOUSE, HOUSE),
        st.sampled_from([0.5, 1.0, 5.0, 30.0, 200.0]),
        st.lists(st.booleans(), min_size=4, max_size=4),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sites(), STEPS)
def test_every_step_fits_the_measured_house(site: dict[str, Any], steps: list[Any]) -> None:
    controller = Controller(site)
    loads = site["loads"]
    told = {load["id"]: 0.0 for load in loads}
    garage = set(site["circuits"][0]["members"]) if site["circuits"] else set()
    now = 0.0
    for house, dt, active in steps:
        grid = dict(zip(PHASES, house, strict=True))
        for load in loads:
            for phase in load["phases"]:
                grid[phase] += told[load["id"]]
        measurements = {
            "site": {"grid_current_a": grid},
            "loads": {
                load["id"]: {"draw_a": [told[load["id"]]] * len(load["phases"]), "active": on}
                for load, on in zip(loads, active, strict=False)
            },
        }
        result = controller.step(measurements, now)["loads"]
        told = {i: float(c["current_a"]) for i, c in result.items()}
        for load in loads:
            amps = told[load["id"]]
            assert amps == 0 or load["min_a"] - EPS <= amps <= load["max_a"] + EPS, load
        for n, phase in enumerate(PHASES):
            on_phase = sum(told[x["id"]] for x in loads if phase in x["phases"])
            if on_phase > 0:
                assert house[n] + on_phase <= BREAKER_A + EPS, (phase, house, told)
            in_garage = sum(
                told[x["id"]] for x in loads if x["id"] in garage and phase in x["phases"]
            )
            assert in_garage <= GARAGE_A + EPS, (phase, told)
        now += dt
