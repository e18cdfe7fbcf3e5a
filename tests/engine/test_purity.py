"""The engine package stays pure: no Home Assistant, no clock, no I/O outside the loader.

Scans the source (ast) rather than importing it, so a forbidden import anywhere in
a module is found even on a code path the tests never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "custom_components" / "dynamic_ocpp_evse" / "engine"
ALL_MODULES = sorted(ENGINE.rglob("*.py"))
# The allocation core: engine/*.py (the simulator in engine/simulate/ is a tool that
# reads day files and writes plots; it is only held to the Home Assistant and clock rules).
CORE_MODULES = sorted(ENGINE.glob("*.py"))

HOME_ASSISTANT = ("homeassistant",)
CLOCK = ("time", "datetime")
IO = ("pathlib", "yaml", "os", "io", "shutil", "socket", "subprocess", "tempfile", "urllib")
IO_ALLOWED = {"loader.py": {"pathlib", "yaml"}}
NONDETERMINISTIC = ("random", "secrets", "uuid")


def _dynamic_import(node: ast.AST) -> str | None:
    """The module named by ``__import__("x")`` or ``importlib.import_module("x")``."""
    if not isinstance(node, ast.Call) or not node.args:
        return None
    func = node.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
    arg = node.args[0]
    if name in {"__import__", "import_module"} and isinstance(arg, ast.Constant):
        return str(arg.value)
    return None


def _open_calls(tree: ast.AST) -> list[int]:
    """Lines calling the builtin ``open``."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open"
    ]


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, top-level module) of every import in ``path``, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name.split(".")[0]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module.split(".")[0]))
        elif isinstance(node, ast.Call) and (name := _dynamic_import(node)) is not None:
            found.append((node.lineno, name.split(".")[0]))
    return found


def _rel(path: Path) -> str:
    return path.relative_to(ENGINE).as_posix()


def test_engine_modules_found() -> None:
    names = {_rel(p) for p in ALL_MODULES}
    assert {"allocate.py", "headroom.py", "distribute.py", "scenario.py", "loader.py"} <= names


@pytest.mark.parametrize("path", ALL_MODULES, ids=_rel)
def test_no_home_assistant_and_no_clock(path: Path) -> None:
    bad = [
        f"line {line}: {module}"
        for line, module in _imported_modules(path)
        if module in HOME_ASSISTANT + CLOCK
    ]
    assert not bad, f"{_rel(path)} imports {bad}"


@pytest.mark.parametrize("path", CORE_MODULES, ids=_rel)
def test_core_does_no_io_and_draws_no_randomness(path: Path) -> None:
    allowed = IO_ALLOWED.get(path.name, set())
    bad = [
        f"line {line}: {module}"
        for line, module in _imported_modules(path)
        if (module in IO or module in NONDETERMINISTIC) and module not in allowed
    ]
    assert not bad, f"{_rel(path)} imports {bad}"
    if path.name not in IO_ALLOWED:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        opens = _open_calls(tree)
        assert not opens, f"{_rel(path)} calls open() on lines {opens}"


def test_scanner_sees_forbidden_imports(tmp_path: Path) -> None:
    """The scan itself works: every import form of a clock module is caught."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import time as t\nfrom datetime import datetime\n"
        "def f():\n    from homeassistant.core import HomeAssistant\n"
        "    __import__('time')\n",
        encoding="utf-8",
    )
    modules = [m for _, m in _imported_modules(sample)]
    assert sorted(modules) == ["datetime", "homeassistant", "time", "time"]
