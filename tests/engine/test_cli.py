"""The engine's command line: JSON out on valid files, exit 2 and one line on bad ones.

Runs ``python -m custom_components.dynamic_ocpp_evse.engine FILE`` as a user would,
from the repository root, with the interpreter running the tests. Every run is
started at once by one module fixture (each start imports the package, which is
slow), and the tests read the finished runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from custom_components.dynamic_ocpp_evse.engine import allocate

REPO_ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = REPO_ROOT / "tests" / "scenarios"
MODULE = "custom_components.dynamic_ocpp_evse.engine"

VALID_SITE = """\
site:
  voltage: 230
  main_breaker_a: 25
  grid_current_a: {A: 5.0, B: 5.0, C: 5.0}
  distribution: shared
"""


VALID = [
    "examples_issue_yaml_site.yaml",
    "circuits_nested_three_levels.yaml",
    "inactive_gets_zero_available_what_if.yaml",
]

INVALID = {
    "unknown_mode": (
        VALID_SITE + "loads:\n  - {id: c1, mode: turbo, min_a: 6, max_a: 16}\n",
        "loads[0].mode",
    ),
    "min_above_max": (
        VALID_SITE + "loads:\n  - {id: c1, min_a: 20, max_a: 16}\n",
        "loads[0].min_a",
    ),
    "phase_not_present": (
        VALID_SITE.replace("{A: 5.0, B: 5.0, C: 5.0}", "{A: 5.0}")
        + "loads:\n  - {id: c1, min_a: 6, max_a: 16, phases: [B]}\n",
        "loads[0].phases",
    ),
    "negative_breaker": (
        VALID_SITE.replace("main_breaker_a: 25", "main_breaker_a: -25")
        + "loads:\n  - {id: c1, min_a: 6, max_a: 16}\n",
        "site.main_breaker_a",
    ),
    "circular_parents": (
        VALID_SITE
        + "circuits:\n"
        + "  - {id: a, limit_a: 10, parent: b, members: [c1]}\n"
        + "  - {id: b, limit_a: 20, parent: a}\n"
        + "loads:\n  - {id: c1, min_a: 6, max_a: 16}\n",
        "circuits[",
    ),
    "circular_members": (
        VALID_SITE
        + "circuits:\n"
        + "  - {id: a, limit_a: 10, members: [b, c1]}\n"
        + "  - {id: b, limit_a: 20, members: [a]}\n"
        + "loads:\n  - {id: c1, min_a: 6, max_a: 16}\n",
        "circuits[",
    ),
    "unknown_member": (
        VALID_SITE
        + "circuits:\n  - {id: garage, limit_a: 20, members: [c1, ghost]}\n"
        + "loads:\n  - {id: c1, min_a: 6, max_a: 16}\n",
        "circuits[0].members",
    ),
    "duplicate_load_id": (
        VALID_SITE
        + "loads:\n  - {id: c1, min_a: 6, max_a: 16}\n  - {id: c1, min_a: 6, max_a: 16}\n",
        "loads[1].id",
    ),
    "bad_yaml": (VALID_SITE + "loads: [ {id: c1, min_a: 6\n", "site.yaml"),
}


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Start every CLI run concurrently; map case name -> finished run."""
    folder = tmp_path_factory.mktemp("cli")
    paths = {name: SCENARIOS / name for name in VALID}
    for case, (text, _) in INVALID.items():
        paths[case] = folder / case / "site.yaml"
        paths[case].parent.mkdir()
        paths[case].write_text(text, encoding="utf-8")
    paths["missing_file"] = folder / "nowhere.yaml"
    procs = {
        name: subprocess.Popen(
            [sys.executable, "-m", MODULE, str(path)],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, path in paths.items()
    }
    done = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=300)
        done[name] = Run(proc.returncode, out, err)
    return done


@pytest.mark.parametrize("name", VALID)
def test_prints_the_allocation_as_json(runs: dict[str, Run], name: str) -> None:
    run = runs[name]
    assert run.returncode == 0, run.stderr
    expected = allocate(yaml.safe_load((SCENARIOS / name).read_text(encoding="utf-8")))
    assert json.loads(run.stdout) == expected


def _assert_one_line_error(run: Run, needle: str) -> str:
    assert run.returncode == 2
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert needle in lines[0]
    return lines[0]


@pytest.mark.parametrize(("case", "field"), [(k, v[1]) for k, v in INVALID.items()])
def test_invalid_file_exits_2_naming_the_field(runs: dict[str, Run], case: str, field: str) -> None:
    _assert_one_line_error(runs[case], field)


def test_circular_groups_are_called_circular(runs: dict[str, Run]) -> None:
    for case in ("circular_parents", "circular_members"):
        message = runs[case].stderr.lower()
        assert "contains itself" in message or "circular" in message or "cycle" in message


def test_missing_file_exits_2(runs: dict[str, Run]) -> None:
    _assert_one_line_error(runs["missing_file"], "nowhere.yaml")
