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
