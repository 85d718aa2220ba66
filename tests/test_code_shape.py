"""The code keeps its shape: short functions, and every module in one layer of the contract."""

import ast
import re
import statistics
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "rsvp"
LONGEST = 40



def function_lengths() -> dict[str, int]:
    """Lines from ``def`` to the last line of the body, per ``path:name`` in rsvp/."""
    lengths = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                key = f"{path.relative_to(ROOT).as_posix()}:{node.name}"
                lengths[key] = max(lengths.get(key, 0), node.end_lineno - node.lineno + 1)
    return lengths


def modules() -> set[str]:
    """Dotted names of rsvp's modules with code (an empty ``__init__.py`` holds nothing)."""
    names = set()
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            if not path.read_text(encoding="utf-8").strip():
                continue
            parts = parts[:-1]
        names.add(".".join(parts))
    return names


def matches(expression: str, module: str) -> bool:
    """import-linter's module expressions: ``*`` is one name, ``**`` one or more."""
    pattern = r"\.".join(
        r"[^.]+(\.[^.]+)*" if part == "**" else "[^.]+" if part == "*" else re.escape(part)
        for part in expression.split("."))
    return re.fullmatch(pattern, module) is not None


def layers() -> list[list[str]]:
    """The contract's layers, lowest first: each contract's sources, then what the last forbids."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = pyproject["tool"]["importlinter"]["contracts"]
    return [*(contract["source_modules"] for contract in contracts),
            contracts[-1]["forbidden_modules"]]


def layer_of(module: str) -> list[int]:
    return [n for n, layer in enumerate(layers()) if any(matches(e, module) for e in layer)]


def test_functions_are_short_in_the_median():
    assert statistics.median(function_lengths().values()) < 8


def test_no_function_is_longer_than_forty_lines():
    too_long = {key: n for key, n in function_lengths().items() if n > LONGEST}
    assert too_long == {}


def test_every_module_is_in_exactly_one_layer_of_the_import_contract():
    assert {m: layer_of(m) for m in modules() if len(layer_of(m)) != 1} == {}


def test_the_contract_names_no_module_that_is_gone():
    named = {e for layer in layers() for e in layer if "*" not in e}
    assert named - modules() == set()


def test_the_layer_expressions_read_as_import_linter_reads_them():
    assert matches("rsvp.*.models", "rsvp.events.models")
    assert not matches("rsvp.*.models", "rsvp.models")
    assert matches("rsvp.dashboard.**", "rsvp.dashboard.queries")
    assert not matches("rsvp.dashboard.**", "rsvp.dashboard")
    assert not matches("rsvp.calendar", "rsvp.calendar_zones")


def test_each_layer_forbids_exactly_every_layer_above_it():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = pyproject["tool"]["importlinter"]["contracts"]
    above = [{e for layer in layers()[n + 1:] for e in layer} for n in range(len(contracts))]
    assert [set(c["forbidden_modules"]) for c in contracts] == above
