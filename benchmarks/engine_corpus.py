"""Do two versions of the engine give bit-identical results? One digest over many sites.

A speed-up must not change a single result. This script allocates a fixed corpus
of sites and prints one SHA-256 over every result (floats by ``repr``, so a
change in the last bit shows), and with ``--per-site`` one digest per site, to
compare with another checkout's:

- every scenario file under ``tests/scenarios`` (also ``pending/``);
- the benchmark sites of ``engine_speed.py`` (3 to 300 loads, or ``--sizes``;
  0 %, 10 % and 50 % inactive; every distribution mode);
- ``--count`` random sites drawn by ``tests/engine/strategies.py`` with
  hypothesis derandomized (the same sites on every run with the same strategies),
  every fourth of them with a roomy breaker so that their what-ifs take the
  local path, each solved in every distribution mode.

The engine is imported from ``--root`` (default: this checkout), e.g. a copy of
main made with ``git archive main custom_components | tar -x -C /tmp/base``;
the sites always come from this checkout.

Run: ``.venv/bin/python benchmarks/engine_corpus.py [--root DIR] [--count 2000]``
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parents[1]


def _digest(value: object) -> str:
    return hashlib.sha256(
        json.dumps(value, sort_keys=True, default=repr).encode("utf-8")
    ).hexdigest()[:16]


def _random_sites(count: int) -> list[dict[str, Any]]:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.engine.strategies import scenarios

    sites: list[dict[str, Any]] = []

    @settings(
        derandomize=True,
        max_examples=count,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(scenarios(), st.integers(0, 3))
    def collect(scenario: dict[str, Any], roomy: int) -> None:
        if roomy == 0:
            scenario["site"]["main_breaker_a"] = 400.0
            scenario["site"].pop("max_import_w", None)
        sites.append(scenario)

    collect()
    return sites


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=str(HERE), help="checkout whose engine is run")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--sizes", default="3,10,30,300")
    parser.add_argument("--per-site", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(HERE / "benchmarks"))
    sys.path.insert(0, str(HERE))
    from engine_speed import DISTRIBUTIONS, build_site  # the sites: this checkout's

    sys.path.insert(0, str(Path(args.root).resolve()))
    for name in [m for m in sys.modules if m.startswith("custom_components")]:
        del sys.modules[name]
    import yaml

    from custom_components.dynamic_ocpp_evse.engine import allocate

    engine_file = sys.modules["custom_components.dynamic_ocpp_evse.engine"].__file__
    print(f"engine: {engine_file}", file=sys.stderr)
    sites: list[tuple[str, dict[str, Any]]] = []
    for path in sorted((HERE / "tests" / "scenarios").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and "scenario" in data:
            data = data["scenario"]
        if isinstance(data, dict):
            sites.append((str(path.relative_to(HERE)), data))
    for n in (int(s) for s in args.sizes.split(",")):
        for distribution in DISTRIBUTIONS:
            for share in (0.0, 0.1, 0.5):
                site = build_site(n, distribution, share)
                sites.append((f"bench {n} {distribution} {share}", site))
    for k, site in enumerate(_random_sites(args.count)):
        for distribution in DISTRIBUTIONS:
            variant = copy.deepcopy(site)
            variant["site"]["distribution"] = distribution
            sites.append((f"random {k} {distribution}", variant))
    total = hashlib.sha256()
    for name, site in sites:
        try:
            result: object = allocate(site)
        except Exception as err:  # an error is a result too
            result = f"{type(err).__name__}: {err}"
            if type(err).__name__ != "ScenarioError":
                print(f"{name}: {result}", file=sys.stderr)
        digest = _digest(result)
        total.update(digest.encode("ascii"))
        if args.per_site:
            print(f"{digest} {name}")
    print(f"{len(sites)} sites, digest {total.hexdigest()[:16]}")


if __name__ == "__main__":
    main()
