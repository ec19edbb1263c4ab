"""Dependencies between the apps point one way: ``wellness``, ``referrals`` and ``security`` may use ``patients``;
``patients`` uses none of them; ``maud_pathways`` composes them all and no app uses it (settings name apps as
strings, which this test does not read). Templates keep the same rule (a page of ``patients`` includes no
template and loads no tag library of another app), so a page that shows every stop, like the patient page,
lives with the composition. No import loop hides behind an import inside a function, and test data is made by
the factories package only."""

import ast
import re
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


# Templates follow the same rule: a page of an app shows only what that app may use ----------------

TEMPLATES = ROOT / "templates"
#: Template folders and the app whose pages they hold; top-level templates and partials/ are shared.
TEMPLATE_FOLDERS = {"patients": "patients", "wellness": "wellness", "referrals": "referrals",
                    "security": "security", "registration": "security", "pathway": "maud_pathways",
                    "fhir": "maud_pathways"}
TEMPLATE_REFERENCE = re.compile(r"""\{%\s*(?:include|extends)\s+["']([^"']+)["']""")
TAG_LIBRARY = re.compile(r"\{%\s*load\s+([\w\s]+?)\s*%\}")


def template_app(name):
    """The app a template belongs to, from its folder (None for the shared layout and partials)."""
    return TEMPLATE_FOLDERS.get(name.split("/")[0]) if "/" in name else None


def tag_library_apps():
    return {path.stem: app for app in APPS for path in (ROOT / app).glob("templatetags/*.py")
            if path.stem != "__init__"}


@pytest.mark.parametrize("app", APPS)
def test_an_apps_templates_show_only_the_apps_it_may_use(app):
    libraries = tag_library_apps()
    wrong = {}
    for path in TEMPLATES.rglob("*.html"):
        name = str(path.relative_to(TEMPLATES))
        if template_app(name) != app:
            continue
        text = path.read_text(encoding="utf-8")
        used = {template_app(ref) for ref in TEMPLATE_REFERENCE.findall(text)}
        used |= {libraries.get(lib) for group in TAG_LIBRARY.findall(text) for lib in group.split()}
        others = used - {None, app} - MAY_USE[app]
        if others:
            wrong[name] = sorted(others)
    assert not wrong, f"templates of {app} must not use these apps: {wrong}"


def test_the_patient_page_is_composed_by_the_composing_app():
    # The page shows every stop, so it lives with the composition, one file per section, no one-line shims.
    page = TEMPLATES / "pathway" / "patient" / "page.html"
    sections = ["pathway.html", *(f"stop{n}.html" for n in range(1, 6))]
    included = TEMPLATE_REFERENCE.findall(page.read_text(encoding="utf-8"))
    assert [f"pathway/patient/{name}" for name in sections] == [ref for ref in included
                                                                 if ref.startswith("pathway/patient/")]
    shims = [str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")
             if len(path.read_text(encoding="utf-8").strip().splitlines()) == 1
             and TAG_LIBRARY.search(path.read_text(encoding="utf-8"))]
    assert not shims, f"one-line templates that only call a tag: {shims}"


# No import hidden inside a function -----------------------------------------------------------------

def function_level_imports(path):
    """Imports written inside a function of ``path`` (often a sign of an import loop being hidden)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found += [f"{path.name}:{inner.lineno}" for inner in ast.walk(node)
                      if isinstance(inner, (ast.Import, ast.ImportFrom))]
    return found


def test_the_patient_models_import_each_other_at_the_top_only():
    hidden = [where for path in (ROOT / "patients" / "models").glob("*.py") for where in function_level_imports(path)]
    assert not hidden, f"imports inside functions of patients/models: {hidden}"


# Test data --------------------------------------------------------------------------------------------

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
