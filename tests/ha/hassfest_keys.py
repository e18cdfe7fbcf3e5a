"""Which translation keys the integration's code uses, read from its source (AST).

A key is found where it is given as ``translation_key=...`` (to an entity
description, an exception, a repair issue or a selector config), assigned to
``_attr_translation_key`` or to a ``["translation_key"]`` item. Its value may be
a literal, a constant (module level, any module), a choice between those
(``a if c else b``), an f-string over a loop of literals, a local variable, or a
parameter of a helper: then every call of that helper gives its values. A use
whose value cannot be worked out is reported, so new code stays checkable.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

EXCEPTION_CALL = re.compile(r"(Error|NotReady|Failed|Exception)$")
ISSUE_CALLS = {"async_create_issue", "create_issue"}
SELECTOR_CALLS = {"SelectSelectorConfig"}
ENTITY_BASES = re.compile(r"^(\w+?)Entity(Description)?$")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _callee(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _base_names(node: ast.ClassDef) -> list[str]:
    names = []
    for base in node.bases:
        if isinstance(base, ast.Attribute):
            names.append(base.attr)
        elif isinstance(base, ast.Name):
            names.append(base.id)
    return names


@dataclass
class Module:
    path: Path
    tree: ast.Module
    parents: dict[ast.AST, ast.AST] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node

    def enclosing(self, node: ast.AST, kinds: tuple[type, ...]) -> ast.AST | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, kinds):
                return node
        return None


@dataclass
class KeyUse:
    category: str  # "exceptions", "issues", "selector" or "entity/<platform>"
    key: str
    where: str


class Collector:
    """Reads every module of a package and resolves its translation keys."""

    def __init__(self, package: Path) -> None:
        self.root = package.parent
        self.modules = [
            Module(p, ast.parse(p.read_text(encoding="utf-8")))
            for p in sorted(package.rglob("*.py"))
        ]
        self.constants: dict[str, set[str]] = defaultdict(set)
        self.classes: dict[str, list[str]] = {}
        for module in self.modules:
            for node in module.tree.body:
                target, value = None, None
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target, value = node.targets[0], node.value
                elif isinstance(node, ast.AnnAssign):
                    target, value = node.target, node.value
                if (
                    isinstance(target, ast.Name)
                    and isinstance(value, ast.Constant)
                    and isinstance(value.value, str)
                ):
                    self.constants[target.id].add(value.value)
            for node in ast.walk(module.tree):
                if isinstance(node, ast.ClassDef):
                    self.classes[node.name] = _base_names(node)
        self.uses: list[KeyUse] = []
        self.problems: list[str] = []

    # -- categories ------------------------------------------------------------------
    def platform_of(self, class_name: str, seen: frozenset[str] = frozenset()) -> str | None:
        """The entity platform of an entity or description class (via its bases)."""
        match = ENTITY_BASES.match(class_name)
        if match and class_name not in self.classes and match.group(1) not in ("", "Coordinator"):
            return _snake(match.group(1))
        for base in self.classes.get(class_name, []):
            if base in seen:
                continue
            found = self.platform_of(base, seen | {class_name})
            if found:
                return found
        return None

    def category_of_call(self, call: ast.Call) -> str | None:
        name = _callee(call)
        if name in ISSUE_CALLS:
            return "issues"
        if name in SELECTOR_CALLS:
            return "selector"
        if EXCEPTION_CALL.search(name) and any(
            k.arg == "translation_domain" for k in call.keywords
        ):
            return "exceptions"
        if name.endswith("Description"):
            platform = self.platform_of(name)
            return None if platform is None else f"entity/{platform}"
        return None

    # -- values --------------------------------------------------------------------
    def where(self, module: Module, node: ast.AST) -> str:
        return f"{module.path.relative_to(self.root)}:{getattr(node, 'lineno', '?')}"

    def values(self, module: Module, expr: ast.expr, depth: int = 0) -> set[str] | None:
        """Every string ``expr`` can be, or None when it cannot be worked out."""
        if depth > 8:
            return None
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}
        if isinstance(expr, ast.IfExp):
            a = self.values(module, expr.body, depth + 1)
            b = self.values(module, expr.orelse, depth + 1)
            return None if a is None or b is None else a | b
        if isinstance(expr, ast.Attribute) and expr.attr in self.constants:
            return set(self.constants[expr.attr])
        if isinstance(expr, ast.Attribute):
            return self._attribute_values(expr.attr, depth)
        if isinstance(expr, ast.JoinedStr):
            parts: list[set[str]] = []
            for part in expr.values:
                if isinstance(part, ast.Constant):
                    parts.append({str(part.value)})
                elif isinstance(part, ast.FormattedValue):
                    found = self.values(module, part.value, depth + 1)
                    if found is None:
                        return None
                    parts.append(found)
            return {"".join(p) for p in itertools.product(*parts)}
        if isinstance(expr, ast.Name):
            return self._name_values(module, expr, depth)
        return None

    def _name_values(self, module: Module, expr: ast.Name, depth: int) -> set[str] | None:
        scope = module.enclosing(expr, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        found: set[str] = set()
        known = False
        if scope is not None:
            for loop_values in self._loop_values(module, expr, scope):
                if loop_values is None:
                    return None
                found |= loop_values
                known = True
            for node in ast.walk(scope):
                if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == expr.id for t in node.targets
                ):
                    value = self.values(module, node.value, depth + 1)
                    if value is None:
                        return None
                    found |= value
                    known = True
            if not known and isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
                params = [a.arg for a in scope.args.args + scope.args.kwonlyargs]
                if expr.id in params:
                    return self._param_values(module, scope, expr.id, depth)
        if not known and expr.id in self.constants:
            return set(self.constants[expr.id])
        return found if known else None

    def _loop_values(
        self, module: Module, expr: ast.Name, scope: ast.AST
    ) -> Iterator[set[str] | None]:
        """Values of a name bound by a ``for`` over literal tuples in this scope."""
        for node in ast.walk(scope):
            targets: list[tuple[ast.expr, ast.expr]] = []
            if isinstance(node, ast.For | ast.comprehension):
                targets.append((node.target, node.iter))
            for target, iterable in targets:
                index = _position(target, expr.id)
                if index is None:
                    continue
                if not isinstance(iterable, ast.Tuple | ast.List):
                    yield None
                    continue
                values: set[str] = set()
                for item in iterable.elts:
                    element = (
                        item.elts[index] if index >= 0 and isinstance(item, ast.Tuple) else item
                    )
                    got = self.values(module, element)
                    if got is None:
                        yield None
                        break
                    values |= got
                else:
                    yield values

    def _attribute_values(self, attr: str, depth: int) -> set[str] | None:
        """``obj.attr``: every value any ``self.attr = ...`` in the package assigns."""
        found: set[str] = set()
        assigned = False
        for module in self.modules:
            for node in ast.walk(module.tree):
                if not isinstance(node, ast.Assign):
                    continue
                for target in node.targets:
                    if (
                        isinstance(target, ast.Attribute)
                        and target.attr == attr
                        and isinstance(target.value, ast.Name)
                        and target.value.id == "self"
                    ):
                        value = self.values(module, node.value, depth + 1)
                        if value is None:
                            return None
                        found |= value
                        assigned = True
        return found if assigned else None

    def _param_values(
        self, module: Module, func: ast.FunctionDef | ast.AsyncFunctionDef, param: str, depth: int
    ) -> set[str] | None:
        """A helper's parameter: the values every call of the helper passes (for an
        ``__init__``: every construction of its class)."""
        args = [a.arg for a in func.args.args]
        position = args.index(param) if param in args else None
        if position is not None and args and args[0] in ("self", "cls"):
            position -= 1
        callee = func.name
        if callee == "__init__":
            cls = module.enclosing(func, (ast.ClassDef,))
            callee = getattr(cls, "name", callee)
        modules = [module] if callee.startswith("_") else self.modules
        found: set[str] = set()
        calls = 0
        for mod in modules:
            for node in ast.walk(mod.tree):
                if not isinstance(node, ast.Call) or _callee(node) != callee:
                    continue
                calls += 1
                arg: ast.expr | None = next(
                    (k.value for k in node.keywords if k.arg == param), None
                )
                if arg is None and position is not None and position < len(node.args):
                    arg = node.args[position]
                if arg is None:
                    continue  # the default (None: no key) is used
                value = self.values(mod, arg, depth + 1)
                if value is None:
                    return None
                found |= value
        return found if calls else None

    # -- uses ----------------------------------------------------------------------
    def collect(self) -> list[KeyUse]:
        for module in self.modules:
            for node in ast.walk(module.tree):
                if isinstance(node, ast.Call):
                    for kw in node.keywords:
                        if kw.arg == "translation_key":
                            self._use(module, kw.value, self.category_of_call(node), node)
                elif isinstance(node, ast.Assign):
                    for target in node.targets:
                        self._assignment(module, node, target)
        return self.uses

    def _assignment(self, module: Module, node: ast.Assign, target: ast.expr) -> None:
        if (
            isinstance(target, ast.Subscript)
            and isinstance(target.slice, ast.Constant)
            and target.slice.value == "translation_key"
        ):
            func = module.enclosing(node, (ast.FunctionDef,))
            builds = func is not None and any(
                isinstance(n, ast.Call) and _callee(n) in SELECTOR_CALLS for n in ast.walk(func)
            )
            self._use(module, node.value, "selector" if builds else None, node)
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name == "_attr_translation_key":
            cls = module.enclosing(node, (ast.ClassDef,))
            platform = None if cls is None else self.platform_of(cls.name)  # type: ignore[attr-defined]
            self._use(module, node.value, None if platform is None else f"entity/{platform}", node)

    def _use(self, module: Module, expr: ast.expr, category: str | None, node: ast.AST) -> None:
        where = self.where(module, node)
        if category is None:
            self.problems.append(f"{where}: translation_key for something unknown")
            return
        if isinstance(expr, ast.Constant) and expr.value is None:
            return
        values = self.values(module, expr)
        if values is None:
            self.problems.append(f"{where}: translation_key value cannot be worked out")
            return
        self.uses.extend(KeyUse(category, v, where) for v in sorted(values))


def _position(target: ast.expr, name: str) -> int | None:
    """-1 when the loop target is the name itself, its index when unpacked, else None."""
    if isinstance(target, ast.Name):
        return -1 if target.id == name else None
    if isinstance(target, ast.Tuple):
        for i, element in enumerate(target.elts):
            if isinstance(element, ast.Name) and element.id == name:
                return i
    return None
