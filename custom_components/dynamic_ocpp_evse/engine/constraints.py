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

from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING

from .headroom import SiteBudget
from .models import MODE_TIER, Load, Mode, Scenario

if TYPE_CHECKING:
    from .columns import Columns


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
    """Load positions in serving order: tier, then priority, then urgency (thermal
    loads), then input order."""
    columns: Columns | None = None
    """Per-load lists for the solver's loops (``columns.py``), made on first use."""
    every_hard: list[list[tuple[int, float]]] | None = None
    """``hard`` as derived, before ``slack.py`` left limits out of it (what-if
    sub-sites keep limits the solve of the whole site may leave out)."""

    def __post_init__(self) -> None:
        if self.order or not self.loads:
            return  # built from a cached skeleton: the derived lists came with it
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
        self.every_hard = self.hard
        self.pooled = [
            [(r, c, pool_of[r]) for r, c in u if pool_of[r] is not none] for u in self.uses
        ]
        loads = self.loads
        self.order = sorted(
            range(len(loads)),
            key=lambda i: (loads[i].tier, loads[i].priority, loads[i].rank, loads[i].index),
        )


Capacity = tuple[str, str, int]
"""How a resource's capacity is read from the scenario and budget:
(kind, phase or variant, index of the circuit / unit / pool)."""


@dataclass(frozen=True, slots=True)
class Skeleton:
    """What a problem looks like apart from capacities and targets.

    It depends only on the site's topology (loads' phases, modes, priorities,
    chargers; circuits and their members) and on which budget parts exist, so
    a controller that solves the same site every few seconds builds it once.
    """

    names: tuple[str, ...]
    pools: tuple[Pool, ...]
    capacities: tuple[Capacity, ...]
    members: tuple[list[tuple[int, float]], ...]
    uses: list[list[tuple[int, float]]]
    unit_of: list[str | None]
    own_pool: list[Pool | None]
    hard: list[list[tuple[int, float]]]
    pooled: list[list[tuple[int, float, Pool]]]
    order: list[int]


SKELETON_CACHE_SIZE = 32
_skeletons: dict[tuple[object, ...], Skeleton] = {}


def forget_skeletons() -> None:
    """Empty the skeleton cache (the next call builds every shape afresh)."""
    _skeletons.clear()


def _topology_key(scenario: Scenario, budget: SiteBudget) -> tuple[object, ...]:
    eco_unbounded = not budget.battery_below_target and scenario.site.battery is not None
    return (
        scenario.site.phases,
        tuple(
            [
                (x.id, x.phases, x.mode, x.priority, x.rank, x.index, x.charger)
                for x in scenario.loads
            ]
        ),
        tuple(
            (c.id, tuple(c.limit_a), scenario.circuit_loads.get(c.id, ()))
            for c in scenario.circuits
        ),
        tuple((u.id, u.concurrent) for u in scenario.chargers),
        budget.import_headroom_w is not None,
        budget.battery_boost_w > 0,
        eco_unbounded,
    )


def _capacities(shape: Skeleton, scenario: Scenario, budget: SiteBudget) -> list[float]:
    """Every resource's capacity (:func:`_capacity`, resource by resource; the
    breaker phases and circuits, by far the most of them, read inline)."""
    breaker = budget.breaker_headroom_a
    circuits = scenario.circuits
    made: list[float] = []
    for kind in shape.capacities:
        what, phase, index = kind
        if what == "circuit":
            made.append(float(circuits[index].limit_a[phase]))
        elif what == "breaker":
            made.append(breaker[phase])
        else:
            made.append(_capacity(kind, scenario, budget))
    return made


def _capacity(kind: Capacity, scenario: Scenario, budget: SiteBudget) -> float:
    what, phase, index = kind
    if what == "breaker":
        return budget.breaker_headroom_a[phase]
    if what == "import":
        assert budget.import_headroom_w is not None
        boost = budget.battery_boost_w if phase == "boost" else 0.0
        return (budget.import_headroom_w + boost) / budget.voltage
    if what == "circuit":
        return float(scenario.circuits[index].limit_a[phase])
    if what == "unit":
        return scenario.chargers[index].max_a
    watts = budget.excess_w if Pool(index) is Pool.EXCESS else budget.surplus_w
    return watts / budget.voltage


def skeleton(scenario: Scenario, budget: SiteBudget) -> Skeleton:
    """The site's skeleton, from the cache when its topology was seen before."""
    key = _topology_key(scenario, budget)
    found = _skeletons.get(key)
    if found is not None:
        return found
    loads = scenario.loads
    position = {load.id: i for i, load in enumerate(loads)}
    names: list[str] = []
    pools: list[Pool] = []
    capacities: list[Capacity] = []
    members_of: list[list[tuple[int, float]]] = []
    uses: list[list[tuple[int, float]]] = [[] for _ in loads]

    def add(name: str, capacity: Capacity, members: list[tuple[int, float]], pool: Pool) -> None:
        if not members:
            return
        index = len(names)
        names.append(name)
        pools.append(pool)
        capacities.append(capacity)
        members_of.append(members)
        for load_index, coefficient in members:
            uses[load_index].append((index, coefficient))

    def per_leg(indices: list[int], phase: str) -> list[tuple[int, float]]:
        return [(i, 1.0) for i in indices if phase in loads[i].phases]

    everyone = list(range(len(loads)))
    for phase in scenario.site.phases:
        add(f"breaker_phase_{phase}", ("breaker", phase, 0), per_leg(everyone, phase), Pool.NONE)

    if budget.import_headroom_w is not None:
        legs = [(i, float(loads[i].leg_count)) for i in everyone]
        standard_like = {Mode.STANDARD, Mode.CONTINUOUS}
        if budget.battery_boost_w > 0:
            # Standard loads may also lean on the battery: total <= cap + boost,
            # and everything else alone <= cap.
            add("import_limit", ("import", "boost", 0), legs, Pool.NONE)
            others = [(i, c) for i, c in legs if loads[i].mode not in standard_like]
            add("import_limit", ("import", "", 0), others, Pool.NONE)
        else:
            add("import_limit", ("import", "", 0), legs, Pool.NONE)

    for index, circuit in enumerate(scenario.circuits):
        members = [position[lid] for lid in scenario.circuit_loads.get(circuit.id, ())]
        for phase in circuit.limit_a:
            add(
                f"circuit:{circuit.id}",
                ("circuit", phase, index),
                per_leg(members, phase),
                Pool.NONE,
            )

    unit_of: list[str | None] = [None] * len(loads)
    connectors: dict[str, list[int]] = {}
    for i, load in enumerate(loads):
        if load.charger is not None:
            connectors.setdefault(load.charger, []).append(i)
    for index, unit in enumerate(scenario.chargers):
        members = connectors.get(unit.id, [])
        for phase in scenario.site.phases:
            add(f"charger:{unit.id}", ("unit", "", index), per_leg(members, phase), Pool.NONE)
        if not unit.concurrent:
            for i in members:
                unit_of[i] = unit.id

    eco_unbounded = not budget.battery_below_target and scenario.site.battery is not None
    present = {load.mode for load in loads}
    for pool in (Pool.ECO, Pool.SOLAR, Pool.EXCESS):
        mode = MODE_OF_POOL[pool]
        if (pool is Pool.ECO and eco_unbounded) or mode not in present:
            continue
        tier = MODE_TIER[mode]
        consumers = [(i, float(loads[i].leg_count)) for i in everyone if loads[i].tier <= tier]
        add(pool.name.lower(), ("pool", "", int(pool)), consumers, pool)

    shape = Problem(
        loads,
        [],
        [],
        [Resource(n, 0.0, pool, m) for n, pool, m in zip(names, pools, members_of, strict=True)],
        uses,
        unit_of,
    )
    built = Skeleton(
        tuple(names),
        tuple(pools),
        tuple(capacities),
        tuple(members_of),
        uses,
        unit_of,
        shape.own_pool,
        shape.hard,
        shape.pooled,
        shape.order,
    )
    if len(_skeletons) >= SKELETON_CACHE_SIZE:
        _skeletons.clear()
    _skeletons[key] = built
    return built


def build_problem(scenario: Scenario, budget: SiteBudget, shape: Skeleton | None = None) -> Problem:
    """Translate a scenario and its site budget into resources (``shape``: the
    site's :func:`skeleton`, when the caller already has it)."""
    if shape is None:
        shape = skeleton(scenario, budget)
    resources = list(
        map(Resource, shape.names, _capacities(shape, scenario, budget), shape.pools, shape.members)
    )
    # Each load's target before any site limit, and the reason when it is zero:
    # "off" first (the user's choice holds whether or not the load wants power),
    # then inactive, then a solar load while the battery is below its target;
    # otherwise its maximum. ``woken``: the target if it were active (what-if).
    off, solar = Mode.OFF, Mode.SOLAR
    no_solar = budget.battery_below_target
    targets: list[float] = []
    reasons: list[str | None] = []
    if_active: list[float] = []
    reason: str | None
    for load in scenario.loads:
        mode = load.mode
        if mode is off:
            target, reason, woken = 0.0, "off", 0.0
        elif mode is solar and no_solar:
            target, woken = 0.0, 0.0
            reason = "battery_below_target" if load.active else "inactive"
        else:
            woken = load.max_a
            target, reason = (woken, None) if load.active else (0.0, "inactive")
        targets.append(target)
        reasons.append(reason)
        if_active.append(woken)
    return Problem(
        scenario.loads,
        targets,
        reasons,
        resources,
        shape.uses,
        shape.unit_of,
        if_active,
        own_pool=shape.own_pool,
        hard=shape.hard,
        every_hard=shape.hard,
        pooled=shape.pooled,
        order=shape.order,
    )
