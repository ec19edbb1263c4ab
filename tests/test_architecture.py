"""Dependencies between the apps point one way: ``wellness``, ``referrals`` and ``security`` may use ``patients``;
``patients`` uses none of them; ``maud_pathways`` composes them all and no app uses it (settings name apps as
strings, which this test does not read)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["patients", "wellness", "referrals", "security", "maud_pathways"]
MAY_USE = {
    "patients": set(),
    "wellness": {"patients"},
    "referrals": {"patients"},
    "security": {"patients"},
    "maud_pathways": {"patients", "wellness", "referrals", "security"},
}


def imported_apps(path):
    """The project apps a module imports (at any depth in the file, so imports inside functions count)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in APPS)
    return found


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_only_the_apps_it_may_use(app):
    wrong = {}
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        others = imported_apps(path) - {app} - MAY_USE[app]
        if others:
            wrong[str(path.relative_to(ROOT))] = sorted(others)
    assert not wrong, f"{app} must not import these apps: {wrong}"


def factory_definitions(path):
    """Where a module makes test data by hand: factory_boy imported, or a class that is (or extends) a factory."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [f"imports {a.name}" for a in node.names if a.name.split(".")[0] == "factory"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "factory":
            found.append(f"imports from {node.module}")
        elif isinstance(node, ast.ClassDef):
            bases = [ast.unparse(base) for base in node.bases]
            if node.name.endswith("Factory") or any(base.endswith("Factory") for base in bases):
                found.append(f"defines {node.name}")
    return found


def test_test_data_is_made_by_the_factories_package_only():
    """Factories live in tests/factories/ (arranged like the apps), each defined once; test modules import them."""
    tests = ROOT / "tests"
    wrong = {}
    for path in tests.rglob("*.py"):
        if (tests / "factories") in path.parents or "vendor" in path.parts:
            continue
        if found := factory_definitions(path):
            wrong[str(path.relative_to(ROOT))] = found
    assert not wrong, f"factories belong in tests/factories/: {wrong}"
    names = {}
    for path in (tests / "factories").rglob("*.py"):
        for name in (n[len("defines "):] for n in factory_definitions(path) if n.startswith("defines ")):
            names.setdefault(name, []).append(str(path.relative_to(tests)))
    assert not {name: paths for name, paths in names.items() if len(paths) > 1}, "a factory is defined twice"
