"""The allocation problem as linear constraints ("resources").

Every limit is a resource with a capacity that loads consume: the breaker on
each phase, the import allowance, each circuit on each phase, each charger unit
on each phase, and the surplus pools that bound ``eco``/``solar``/``excess``
loads. Capacities are in amps on one leg; watts are turned into amps by
dividing by the voltage, so a load on k phases uses k units of a watt-based
resource per amp.

Surplus pools are *conditional*: the ``solar`` pool only limits anybody once a
``solar`` load runs (then every load of a higher or equal tier shares it, which
is how "what a higher tier takes is no longer surplus" is enforced), the
``eco`` pool once an ``eco`` load runs above its minimum, the ``excess`` pool
once an ``excess`` load runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import IntEnum

from .headroom import SiteBudget
from .models import MODE_TIER, Load, Mode, Scenario


class Pool(IntEnum):
    """Which conditional surplus pool a resource is (NONE for hard limits)."""

    NONE = 0
    ECO = 1
    SOLAR = 2
    EXCESS = 3


MODE_OF_POOL: dict[Pool, Mode] = {
    Pool.ECO: Mode.ECO,
    Pool.SOLAR: Mode.SOLAR,
    Pool.EXCESS: Mode.EXCESS,
}
POOL_OF_MODE: dict[Mode, Pool] = {
    Mode.ECO: Pool.ECO,
    Mode.SOLAR: Pool.SOLAR,
    Mode.EXCESS: Pool.EXCESS,
}


@dataclass(slots=True)
class Resource:
    """One linear limit: sum of coefficient x current over members <= capacity."""

    name: str
    capacity: float
    pool: Pool = Pool.NONE
    members: list[tuple[int, float]] = field(default_factory=list)


@dataclass(slots=True)
class Problem:
    """Loads (by position) and the resources each of them consumes."""

    loads: tuple[Load, ...]
    target_a: list[float]
    """Per load: the most its mode allows before any site limit (0: may not run)."""
    static_reason: list[str | None]
    """Per load: why its target is 0, when it is."""
    resources: list[Resource]
    uses: list[list[tuple[int, float]]]
    """Per load: (resource index, coefficient) pairs."""
    unit_of: list[str | None]
    """Per load: its sequential charger unit, if any (one connector at a time)."""
    active_target_a: list[float] = field(default_factory=list)
    """Per load: its target if it were active (for what-if questions)."""
    own_pool: list[Pool | None] = field(default_factory=list)
    hard: list[list[tuple[int, float]]] = field(default_factory=list)
    """Per load: (resource, coefficient) of its physical limits."""
    pooled: list[list[tuple[int, float, Pool]]] = field(default_factory=list)
    """Per load: (resource, coefficient, pool) of the surplus pools it shares."""
    order: list[int] = field(default_factory=list)
    """Load positions in serving order: tier, then priority, then input order."""

    def __post_init__(self) -> None:
        pool_of = [res.pool for res in self.resources]
        none = Pool.NONE
        self.own_pool = [POOL_OF_MODE.get(load.mode) for load in self.loads]
        # Most specific limit first (fewest members), so ties name e.g. the inner circuit.
        size = [len(res.members) for res in self.resources]
        self.hard = []
        for u in self.uses:
            limits = [(r, c) for r, c in u if pool_of[r] is none]
            if len(limits) > 1:
                limits.sort(key=lambda rc: size[rc[0]])
            self.hard.append(limits)
        self.pooled = [
            [(r, c, pool_of[r]) for r, c in u if pool_of[r] is not none] for u in self.uses
        ]
        loads = self.loads
        self.order = sorted(
            range(len(loads)), key=lambda i: (loads[i].tier, loads[i].priority, loads[i].index)
        )


def _mode_target(load: Load, budget: SiteBudget) -> tuple[float, str | None]:
    """The target before any site limit, and the reason when it is zero."""
    if not load.active:
        return 0.0, "inactive"
    if load.mode is Mode.SOLAR and budget.battery_below_target:
        return 0.0, "battery_below_target"
    return load.max_a, None


def build_problem(scenario: Scenario, budget: SiteBudget) -> Problem:
    """Translate a scenario and its site budget into resources."""
    loads = scenario.loads
    position = {load.id: i for i, load in enumerate(loads)}
    resources: list[Resource] = []
    uses: list[list[tuple[int, float]]] = [[] for _ in loads]

    def add(resource: Resource, members: list[tuple[int, float]]) -> None:
        if not members:
            return
        index = len(resources)
        resource.members = members
        resources.append(resource)
        for load_index, coefficient in members:
            uses[load_index].append((index, coefficient))

    def per_leg(indices: list[int], phase: str) -> list[tuple[int, float]]:
        return [(i, 1.0) for i in indices if phase in loads[i].phases]

    everyone = list(range(len(loads)))
    for phase in scenario.site.phases:
        add(
            Resource(f"breaker_phase_{phase}", budget.breaker_headroom_a[phase]),
            per_leg(everyone, phase),
        )

    volts = budget.voltage
    if budget.import_headroom_w is not None:
        legs = [(i, float(loads[i].leg_count)) for i in everyone]
        standard_like = {Mode.STANDARD, Mode.CONTINUOUS}
        if budget.battery_boost_w > 0:
            # Standard loads may also lean on the battery: total <= cap + boost,
            # and everything else alone <= cap.
            add(
                Resource(
                    "import_limit", (budget.import_headroom_w + budget.battery_boost_w) / volts
                ),
                legs,
            )
            others = [(i, c) for i, c in legs if loads[i].mode not in standard_like]
            add(Resource("import_limit", budget.import_headroom_w / volts), others)
        else:
            add(Resource("import_limit", budget.import_headroom_w / volts), legs)

    for circuit in scenario.circuits:
        members = [position[lid] for lid in scenario.circuit_loads.get(circuit.id, ())]
        for phase, limit in circuit.limit_a.items():
            add(Resource(f"circuit:{circuit.id}", limit), per_leg(members, phase))

    unit_of: list[str | None] = [None] * len(loads)
    connectors: dict[str, list[int]] = {}
    for i, load in enumerate(loads):
        if load.charger is not None:
            connectors.setdefault(load.charger, []).append(i)
    for unit in scenario.chargers:
        members = connectors.get(unit.id, [])
        for phase in scenario.site.phases:
            add(Resource(f"charger:{unit.id}", unit.max_a), per_leg(members, phase))
        if not unit.concurrent:
            for i in members:
                unit_of[i] = unit.id

    pools = {
        Pool.ECO: None
        if not budget.battery_below_target and scenario.site.battery
        else budget.surplus_w,
        Pool.SOLAR: budget.surplus_w,
        Pool.EXCESS: budget.excess_w,
    }
    present = {load.mode for load in loads}
    for pool, watts in pools.items():
        mode = MODE_OF_POOL[pool]
        if watts is None or mode not in present:
            continue
        tier = MODE_TIER[mode]
        consumers = [(i, float(loads[i].leg_count)) for i in everyone if loads[i].tier <= tier]
        add(Resource(pool.name.lower(), watts / volts, pool), consumers)

    targets: list[float] = []
    reasons: list[str | None] = []
    if_active: list[float] = []
    for load in loads:
        target, reason = _mode_target(load, budget)
        targets.append(target)
        reasons.append(reason)
        if_active.append(
            target if load.active else _mode_target(replace(load, active=True), budget)[0]
        )
    return Problem(loads, targets, reasons, resources, uses, unit_of, if_active)
