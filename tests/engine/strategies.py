"""Hypothesis strategies: random but valid sites in the issue's scenario schema.

``scenarios()`` draws a whole site as the mapping ``allocate`` takes: 1-3 phases,
up to 50 loads of every kind and mode, charger units (concurrent and sequential),
circuit groups nested three levels deep (declared through ``members`` or
``parent``), battery, inverter, import limit and every distribution mode.

Hypothesis draws the site and the sizes (how many loads, units and circuits);
the details of each load and circuit come from a ``random.Random`` seeded by a
drawn integer. Drawing fifty loads field by field through hypothesis costs far
more than allocating them, and shrinking still works: it lowers the counts and
the seed. Values sit on a 0.1 A grid (amps) or whole watts so failures read
easily.
"""

from __future__ import annotations

import random
from typing import Any

from hypothesis import strategies as st

PHASE_NAMES = ("A", "B", "C")
MODES = ("standard", "continuous", "eco", "solar", "excess", "off")
DISTRIBUTIONS = ("shared", "priority", "optimized", "strict")
KINDS = ("evse", "plug", "load")

Draw = Any  # hypothesis' draw callable


def _tenths(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Amps on the 0.1 A grid between lo and hi (hypothesis)."""
    return st.integers(round(lo * 10), round(hi * 10)).map(lambda n: n / 10)


def _r_tenths(rnd: random.Random, lo: float, hi: float) -> float:
    """Amps on the 0.1 A grid between lo and hi (seeded random)."""
    return rnd.randint(round(lo * 10), round(hi * 10)) / 10


def _watts(lo: int, hi: int) -> st.SearchStrategy[float]:
    return st.integers(lo, hi).map(float)


def _site_phases(draw: Draw) -> list[str]:
    count = draw(st.integers(1, 3))
    if count == 3:
        return list(PHASE_NAMES)
    chosen = draw(st.permutations(PHASE_NAMES))[:count]
    return [p for p in PHASE_NAMES if p in chosen]


def _battery(draw: Draw) -> dict[str, Any]:
    min_soc = draw(st.integers(0, 50))
    return {
        "soc": draw(st.integers(0, 100)),
        "power_w": draw(_watts(-6000, 6000)),
        "min_soc": min_soc,
        "target_soc": draw(st.integers(min_soc, 100)),
        "max_charge_w": draw(_watts(0, 8000)),
        "max_discharge_w": draw(_watts(0, 8000)),
    }


def _inverter(draw: Draw) -> dict[str, Any]:
    inverter: dict[str, Any] = {"asymmetric": draw(st.booleans())}
    if draw(st.booleans()):
        inverter["max_w"] = draw(_watts(0, 15000))
    if draw(st.booleans()):
        inverter["max_w_per_phase"] = draw(_watts(0, 5000))
    return inverter


def _site(draw: Draw, phases: list[str], distribution: str | None) -> dict[str, Any]:
    """The ``site`` mapping: breaker, grid reading and the optional extras."""
    site: dict[str, Any] = {
        "voltage": draw(st.sampled_from([230, 120, 240])),
        "main_breaker_a": draw(_tenths(6, 80)),
        "grid_current_a": {p: draw(_tenths(-40, 70)) for p in phases},
        "distribution": distribution or draw(st.sampled_from(DISTRIBUTIONS)),
    }
    if draw(st.booleans()):
        site["max_import_w"] = draw(_watts(0, 30000))
    if draw(st.booleans()):
        site["solar_w"] = draw(_watts(0, 15000))
    if draw(st.booleans()):
        site["excess_threshold_w"] = draw(_watts(0, 15000))
    if draw(st.integers(0, 4)) == 0:
        site["allow_grid_charging"] = False
    if draw(st.booleans()):
        site["battery"] = _battery(draw)
    if draw(st.booleans()):
        site["inverter"] = _inverter(draw)
    return site


def _limit(rnd: random.Random, phases: list[str]) -> float | dict[str, float]:
    if rnd.random() < 0.5:
        return _r_tenths(rnd, 0, 60)
    return {p: _r_tenths(rnd, 0, 60) for p in phases}


def _circuits(rnd: random.Random, tops: int, phases: list[str]) -> list[dict[str, Any]]:
    """``tops`` trees of circuits, three levels deep at most; nested via members or parent."""
    circuits: list[dict[str, Any]] = []

    def add(level: int, parent: dict[str, Any] | None) -> None:
        circuit: dict[str, Any] = {
            "id": f"g{len(circuits)}",
            "limit_a": _limit(rnd, phases),
            "members": [],
        }
        circuits.append(circuit)
        if parent is not None:
            if rnd.random() < 0.5:
                parent["members"].append(circuit["id"])
            else:
                circuit["parent"] = parent["id"]
        if level < 3:
            for _ in range(rnd.randint(0, 2)):
                add(level + 1, circuit)

    for _ in range(tops):
        add(1, None)
    return circuits


def _load(
    rnd: random.Random,
    index: int,
    phases: list[str],
    modes: tuple[str, ...],
    all_phases: bool,
) -> dict[str, Any]:
    """One load: kind, mode, priority, current range or rating, wiring, draw."""
    kind = rnd.choice(KINDS)
    legs = list(phases) if all_phases else rnd.sample(phases, rnd.randint(1, len(phases)))
    load: dict[str, Any] = {
        "id": f"L{index}",
        "kind": kind,
        "mode": rnd.choice(modes),
        "priority": rnd.randint(0, 5),
        "phases": legs,
        "active": rnd.random() < 0.9,
    }
    if kind == "plug":
        load["power_w"] = float(rnd.randint(10, 8000))
    else:
        max_a = _r_tenths(rnd, 0.5, 40)
        load["max_a"] = max_a
        # Some loads may run at any current (minimum 0 A), e.g. resistive heaters.
        load["min_a"] = 0.0 if rnd.random() < 0.1 else _r_tenths(rnd, 0, max_a)
    if rnd.random() < 0.5:
        load["draw_a"] = [_r_tenths(rnd, 0, 32) for _ in legs]
    return load


@st.composite
def scenarios(
    draw: Draw,
    *,
    max_loads: int = 50,
    modes: tuple[str, ...] = MODES,
    distribution: str | None = None,
    all_phases: bool = False,
) -> dict[str, Any]:
    """A whole random site in the scenario schema (already parsed YAML)."""
    phases = _site_phases(draw)
    site = _site(draw, phases, distribution)
    n_loads = draw(st.integers(1, max_loads))
    n_units = draw(st.integers(0, 5))
    n_trees = draw(st.integers(0, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    rnd = random.Random(seed)
    chargers = [
        {"id": f"u{i}", "max_a": _r_tenths(rnd, 0, 64), "concurrent": rnd.random() < 0.5}
        for i in range(n_units)
    ]
    circuits = _circuits(random.Random(seed + 1), n_trees, phases)
    rnd = random.Random(seed + 2)
    loads = [_load(rnd, i, phases, modes, all_phases) for i in range(n_loads)]
    for load in loads:
        if chargers and rnd.random() < 1 / 3:
            load["charger"] = rnd.choice(chargers)["id"]
        if circuits and rnd.random() < 0.5:
            rnd.choice(circuits)["members"].append(load["id"])
    scenario: dict[str, Any] = {"site": site, "loads": loads}
    if chargers:
        scenario["chargers"] = chargers
    if circuits:
        scenario["circuits"] = circuits
    return scenario


def standard_scenarios(**kwargs: Any) -> st.SearchStrategy[dict[str, Any]]:
    """Sites whose loads are all ``standard`` and wired to every site phase."""
    return scenarios(modes=("standard",), all_phases=True, **kwargs)
