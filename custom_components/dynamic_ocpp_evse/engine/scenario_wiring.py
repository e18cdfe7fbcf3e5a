"""Parse the wiring of a scenario: circuits (sub-breakers, nested by members or
parent) with their limits, the loads below each circuit, and charger units.

Every problem raises :class:`.fields.ScenarioError` naming the field to fix;
:mod:`.scenario` calls these after the site and the loads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .fields import ScenarioError, flag, ident, mapping, number
from .models import ChargerUnit, Circuit, Site


def _limit(value: Any, field: str, site: Site) -> dict[str, float]:
    if isinstance(value, Mapping):
        limits = {}
        for phase, amps in value.items():
            if phase not in site.phases:
                raise ScenarioError(f"{field}.{phase}", "phase is not present at this site")
            limits[str(phase)] = number(amps, f"{field}.{phase}", minimum=0)
        return limits
    amps = number(value, field, minimum=0)
    return dict.fromkeys(site.phases, amps)


def parse_circuits(raw_list: Any, site: Site, load_ids: set[str]) -> tuple[Circuit, ...]:
    if raw_list is None:
        return ()
    if not isinstance(raw_list, Sequence) or isinstance(raw_list, str):
        raise ScenarioError("circuits", "must be a list")
    circuits: list[Circuit] = []
    for i, data in enumerate(raw_list):
        field = f"circuits[{i}]"
        raw = mapping(data, field)
        if "id" not in raw:
            raise ScenarioError(f"{field}.id", "is required")
        if "limit_a" not in raw:
            raise ScenarioError(f"{field}.limit_a", "is required")
        members = raw.get("members") or []
        if not isinstance(members, Sequence) or isinstance(members, str):
            raise ScenarioError(f"{field}.members", "must be a list")
        parent = raw.get("parent")
        circuits.append(
            Circuit(
                id=ident(raw["id"], f"{field}.id"),
                limit_a=_limit(raw["limit_a"], f"{field}.limit_a", site),
                parent=None if parent is None else ident(parent, f"{field}.parent"),
                members=_names(members, f"{field}.members"),
            )
        )
    ids: set[str] = set()
    for i, circuit in enumerate(circuits):  # the second of two is the duplicate
        if circuit.id in ids:
            raise ScenarioError(f"circuits[{i}].id", f"duplicate circuit id {circuit.id!r}")
        ids.add(circuit.id)
    for i, circuit in enumerate(circuits):
        if circuit.id in load_ids:
            raise ScenarioError(f"circuits[{i}].id", f"{circuit.id!r} is also a load id")
        if circuit.parent is not None and circuit.parent not in ids:
            raise ScenarioError(f"circuits[{i}].parent", f"unknown circuit {circuit.parent!r}")
        for member in circuit.members:
            if member not in ids and member not in load_ids:
                raise ScenarioError(f"circuits[{i}].members", f"unknown load or circuit {member!r}")
    return tuple(circuits)


def _names(values: Sequence[Any], field: str) -> tuple[str, ...]:
    """Non-empty names, as text (:func:`.fields.ident` names a bad one)."""
    if all(type(v) is str and v for v in values):
        return tuple(values)  # the common case: names written as text
    return tuple(ident(v, field) for v in values)


def circuit_tree(circuits: tuple[Circuit, ...]) -> dict[str, tuple[str, ...]]:
    """Map every circuit to all loads below it; reject cycles and double parents."""
    children: dict[str, list[str]] = {c.id: [] for c in circuits}
    loads_direct: dict[str, list[str]] = {c.id: [] for c in circuits}
    parent_of: dict[str, str] = {}
    for i, circuit in enumerate(circuits):
        for member in circuit.members:
            if member in children:
                if parent_of.get(member, circuit.id) != circuit.id:
                    raise ScenarioError(
                        f"circuits[{i}].members", f"circuit {member!r} has two parents"
                    )
                parent_of[member] = circuit.id
            else:
                loads_direct[circuit.id].append(member)
    for i, circuit in enumerate(circuits):
        if circuit.parent is not None:
            if parent_of.get(circuit.id, circuit.parent) != circuit.parent:
                raise ScenarioError(
                    f"circuits[{i}].parent", "contradicts another circuit's members"
                )
            parent_of[circuit.id] = circuit.parent
    for child, parent in parent_of.items():
        if child != parent and child not in children[parent]:
            children[parent].append(child)
    for i, circuit in enumerate(circuits):
        seen = {circuit.id}
        node = parent_of.get(circuit.id)
        while node is not None:
            if node in seen:
                raise ScenarioError(
                    f"circuits[{i}].parent", f"circuit {circuit.id!r} contains itself"
                )
            seen.add(node)
            node = parent_of.get(node)
    result: dict[str, tuple[str, ...]] = {}

    def collect(cid: str) -> tuple[str, ...]:
        if cid not in result:
            found = list(loads_direct[cid])
            for child in children[cid]:
                found.extend(collect(child))
            result[cid] = tuple(dict.fromkeys(found))
        return result[cid]

    for circuit in circuits:
        collect(circuit.id)
    return result


def parse_chargers(raw_list: Any) -> tuple[ChargerUnit, ...]:
    if raw_list is None:
        return ()
    if not isinstance(raw_list, Sequence) or isinstance(raw_list, str):
        raise ScenarioError("chargers", "must be a list")
    units: list[ChargerUnit] = []
    seen: set[str] = set()
    for i, data in enumerate(raw_list):
        field = f"chargers[{i}]"
        raw = mapping(data, field)
        if "id" not in raw:
            raise ScenarioError(f"{field}.id", "is required")
        if "max_a" not in raw:
            raise ScenarioError(f"{field}.max_a", "is required")
        unit = ChargerUnit(
            id=ident(raw["id"], f"{field}.id"),
            max_a=number(raw["max_a"], f"{field}.max_a", minimum=0),
            concurrent=flag(raw.get("concurrent", True), f"{field}.concurrent"),
        )
        if unit.id in seen:
            raise ScenarioError(f"{field}.id", f"duplicate charger id {unit.id!r}")
        seen.add(unit.id)
        units.append(unit)
    return tuple(units)
