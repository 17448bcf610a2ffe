"""No state at module level: what a build knows lives in its session (``site/session.py``)
or in objects that the session owns, never in a module's globals.

An AST scan of every module of the package fails on:

- a module-level (or class-level) name bound to a mutable container or registry (a list,
  dict or set display or comprehension, ``dict()``, ``defaultdict()``, a weak dictionary,
  ``WeakSet()``, ...), unless the name is an UPPER_CASE constant that no code of the package
  ever mutates (no ``NAME.append(...)``, ``NAME[key] = ...``, ``del NAME[key]``, ``NAME |= ...``);
- a ``global`` or ``nonlocal`` rebinding of a module's name from a function;
- an assignment to an attribute of a class from outside its instances
  (``SomeClass.attribute = ...``): a class is module-level too.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "plugins" / "news_digest"

#: Calls that make a mutable container (by the last part of their dotted name).
MUTABLE_FACTORIES = frozenset(
    {
        "list",
        "dict",
        "set",
        "bytearray",
        "defaultdict",
        "OrderedDict",
        "Counter",
        "deque",
        "ChainMap",
    }
)
#: Calls that make a registry, whatever the name it is kept under.
REGISTRY_FACTORIES = frozenset(
    {"WeakValueDictionary", "WeakKeyDictionary", "WeakSet", "local"}  # local: threading's
)
#: Methods that change a list, dict, set, deque or bytearray in place.
MUTATING_METHODS = frozenset(
    {
        "append",
        "extend",
        "insert",
        "remove",
        "pop",
        "popitem",
        "clear",
        "update",
        "setdefault",
        "add",
        "discard",
        "difference_update",
        "intersection_update",
        "symmetric_difference_update",
        "sort",
        "reverse",
        "appendleft",
        "extendleft",
    }
)


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def is_mutable(value: ast.AST | None) -> bool:
    """Whether ``value`` makes a mutable container."""
    if isinstance(value, ast.List | ast.Dict | ast.Set | ast.ListComp | ast.DictComp):
        return True
    if isinstance(value, ast.SetComp):
        return True
    if isinstance(value, ast.Call):
        return _dotted(value.func).rsplit(".", 1)[-1] in MUTABLE_FACTORIES | REGISTRY_FACTORIES
    return False


def is_registry(value: ast.AST | None) -> bool:
    return (
        isinstance(value, ast.Call) and _dotted(value.func).rsplit(".", 1)[-1] in REGISTRY_FACTORIES
    )


def is_constant_name(name: str) -> bool:
    """UPPER_CASE, or a dunder such as ``__all__`` (read by Python, never by a build)."""
    if name.startswith("__") and name.endswith("__"):
        return True
    return name.lstrip("_").isupper()


def _targets(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.Assign):
        return list(node.targets)
    if isinstance(node, ast.AnnAssign | ast.AugAssign):
        return [node.target]
    return []


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """The statements of a module or class body, with those inside ``if``/``try``/``with``."""
    found = []
    for node in body:
        found.append(node)
        if isinstance(node, ast.If | ast.For | ast.While):
            found += _top_level(node.body) + _top_level(node.orelse)
        elif isinstance(node, ast.Try):
            found += _top_level(node.body) + _top_level(node.orelse) + _top_level(node.finalbody)
            for handler in node.handlers:
                found += _top_level(handler.body)
        elif isinstance(node, ast.With):
            found += _top_level(node.body)
    return found


def mutated_names(tree: ast.AST) -> set[str]:
    """Names (and dotted names) that some code changes in place."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in MUTATING_METHODS:
                names.add(_dotted(node.func.value))
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Delete):
            targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
            for target in targets:
                if isinstance(target, ast.Subscript):
                    names.add(_dotted(target.value))
                if isinstance(node, ast.AugAssign) and isinstance(target, ast.Name):
                    names.add(target.id)
    names.discard("")
    return names


def problems_in(source: str, where: str, mutated: set[str]) -> list[str]:
    """What the scan finds in one module's ``source`` (``where`` names it); ``mutated`` are
    the names that code anywhere in the package changes in place."""
    tree = ast.parse(source)
    found = []
    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}

    def check_body(body: list[ast.stmt], owner: str) -> None:
        for node in _top_level(body):
            value = getattr(node, "value", None)
            for target in _targets(node):
                if not isinstance(target, ast.Name):
                    continue
                name = target.id
                dotted = f"{owner}{name}"
                if not is_mutable(value):
                    continue
                if not is_constant_name(name) or is_registry(value):
                    found.append(f"{where}:{node.lineno}: {dotted} is a mutable module-level value")
                elif name in mutated or dotted in mutated:
                    found.append(f"{where}:{node.lineno}: constant {dotted} is mutated")
            if isinstance(node, ast.ClassDef):
                check_body(node.body, f"{owner}{node.name}.")

    check_body(tree.body, "")
    for node in ast.walk(tree):
        if isinstance(node, ast.Global | ast.Nonlocal):
            kind = "global" if isinstance(node, ast.Global) else "nonlocal"
            found.append(f"{where}:{node.lineno}: {kind} {', '.join(node.names)}")
        for target in _targets(node):
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id in classes
            ):
                found.append(
                    f"{where}:{node.lineno}: class attribute {target.value.id}.{target.attr} "
                    "assigned at run time"
                )
    return found


def package_sources() -> dict[str, str]:
    return {
        str(path.relative_to(PACKAGE.parent)): path.read_text(encoding="utf-8")
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def package_problems(sources: dict[str, str]) -> list[str]:
    mutated: set[str] = set()
    for source in sources.values():
        mutated |= mutated_names(ast.parse(source))
    found = []
    for where, source in sources.items():
        found += problems_in(source, where, mutated)
    return found


def test_no_module_level_state_in_the_package():
    assert package_problems(package_sources()) == []


# The scan itself: each rule fails on what it is meant to catch.


def scan(source: str) -> list[str]:
    return package_problems({"module.py": textwrap.dedent(source)})


@pytest.mark.parametrize(
    "source",
    [
        "_CACHE = {}\ndef remember(k, v):\n    _CACHE[k] = v\n",
        "memo: dict[str, int] = {}\n",
        "registry = dict()\n",
        "import weakref\n_BY_ID = weakref.WeakValueDictionary()\n",
        "from collections import defaultdict\nseen = defaultdict(list)\n",
        "_active = None\ndef start(x):\n    global _active\n    _active = x\n",
        "STACK: list[int] = []\ndef push(x):\n    STACK.append(x)\n",
        "TABLE = {}\ndef put(k, v):\n    TABLE[k] = v\n",
        "class Session:\n    running = []\n",
        "class Session:\n    current = None\n\ndef start(s):\n    Session.current = s\n",
        "try:\n    _MEMO = {}\nexcept ImportError:\n    pass\ndef f(k):\n    _MEMO[k] = 1\n",
    ],
)
def test_the_scan_finds_module_state(source):
    assert scan(source), source


@pytest.mark.parametrize(
    "source",
    [
        "LIMIT = 3\n",
        "NAMES = ('a', 'b')\n",
        "BY_NAME = {'a': 1}\n",
        "KINDS = frozenset({'x'})\n",
        "class Thing:\n    FIELDS = ('a',)\n    def __init__(self):\n        self.items = []\n",
        "def f():\n    local = {}\n    local['x'] = 1\n    return local\n",
    ],
)
def test_the_scan_leaves_constants_alone(source):
    assert scan(source) == [], source
