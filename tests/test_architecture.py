"""The shape of the code.

Dependencies between the apps point one way: ``wellness``, ``referrals`` and ``security`` may use ``patients``;
``patients`` uses none of them; ``maud_pathways`` composes them all and no app uses it (settings name apps as
strings, which this test does not read). Templates keep the same rule (a page of ``patients`` includes no
template and loads no tag library of another app), so a page that shows every stop, like the patient page,
lives with the composition. No import loop hides behind an import inside a function, and test data is made by
the factories package only. ``referrals`` is arranged by stop, each stop package with the same inner modules,
and views load their patient one way (``patients.access.patient_for_request``)."""

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
                    "fhir": "maud_pathways", "patient_link": "referrals"}
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


# The referrals app is arranged by stop (DESIGN.md): the folder tree shows the pathway. ---------------------------
REFERRALS = ROOT / "referrals"
STOPS = {"support": "Stop 3", "directory": "Stop 4", "followup": "Stop 5",
         "patient_link": "the patient's own link (closing the loop)"}
#: Every stop package has these (a module, or a package of modules where one file would be too long).
STOP_MODULES = {"models", "forms", "views", "urls", "services", "demo"}
#: What the app keeps outside its stops: what Django looks for, and the referral lifecycle shared by the stops.
APP_LEVEL = {"__init__.py", "admin.py", "apps.py", "lifecycle.py", "models.py", "urls.py", "management",
             "migrations", "templatetags", *STOPS}


def module_names(package):
    return {p.stem for p in package.glob("*.py")} | {p.name for p in package.iterdir()
                                                      if p.is_dir() and (p / "__init__.py").exists()}


@pytest.mark.parametrize("stop", STOPS)
def test_each_stop_package_has_the_same_inner_modules(stop):
    missing = STOP_MODULES - module_names(REFERRALS / stop)
    assert not missing, f"referrals/{stop}/ ({STOPS[stop]}) lacks {sorted(missing)}"


def test_the_referrals_app_keeps_nothing_outside_its_stops_but_what_django_and_the_lifecycle_need():
    extra = {p.name for p in REFERRALS.iterdir() if p.name != "__pycache__"} - APP_LEVEL
    assert not extra, f"put these in a stop package of referrals/: {sorted(extra)}"


def test_views_forms_and_demos_live_only_in_the_stop_packages():
    """One layout: no forms/ package beside *_forms.py files, no demo_stopN.py beside demo.py."""
    wrong = []
    for path in REFERRALS.rglob("*.py"):
        parts = path.relative_to(REFERRALS).parts
        if parts[0] in STOPS and len(parts) > 1:
            continue
        if any(word in part for part in parts for word in ("views", "forms", "demo")):
            wrong.append(str(path.relative_to(ROOT)))
    assert not wrong, f"views, forms and demo data belong to a stop: {wrong}"


def test_stop_packages_mount_their_pages_in_the_one_referrals_namespace():
    from django.urls import reverse

    assert reverse("referrals:support", args=["00000000-0000-0000-0000-000000000000"]).endswith("/support/")
    assert reverse("referrals:directory") == "/directory/"
    assert reverse("referrals:case_manager_queue") == "/queue/case-manager/"
    for stop in STOPS:
        assert "app_name" not in (REFERRALS / stop / "urls.py").read_text(encoding="utf-8"), stop


# One way to load a patient for a request, and to ask whether a user is on the care team. ----------------------
#: Gone in favour of patients.access.patient_for_request and Patient.has_on_care_team.
RETIRED_NAMES = {"care_team_prefetch", "visible_patient", "is_on_care_team"}
PATIENT_PAGE_APPS = ["patients", "wellness", "referrals"]


def imported_names(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            yield from ((node.module or "", alias.name) for alias in node.names)


@pytest.mark.parametrize("app", APPS)
def test_nobody_imports_the_retired_patient_loaders(app):
    wrong = {}
    for path in (ROOT / app).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = sorted({name for module, name in imported_names(tree) if name in RETIRED_NAMES}
                       | {module for module, _name in imported_names(tree) if module.endswith("wellness.access")})
        if found:
            wrong[str(path.relative_to(ROOT))] = found
    assert not wrong, f"load patients with patients.access.patient_for_request: {wrong}"


@pytest.mark.parametrize("app", PATIENT_PAGE_APPS)
def test_views_load_their_patient_through_the_one_loader(app):
    """A view module never calls ``get_visible_or_404`` itself: ``patient_for_request`` does, scoped and with the
    care team at hand; nor does it walk the care team to find the user (``Patient.has_on_care_team`` does)."""
    wrong = {}
    for path in (ROOT / app).rglob("*.py"):
        if "views" not in path.parts and not path.stem.startswith("views"):
            continue
        source = path.read_text(encoding="utf-8")
        found = [word for word in ("get_visible_or_404", "staff_id == ") if word in source]
        if found:
            wrong[str(path.relative_to(ROOT))] = found
    assert not wrong, f"use patients.access.patient_for_request / patient.has_on_care_team(user): {wrong}"


# One way to read ids and JSON from a request ---------------------------------------------------------------
#: What patients/request_input.py replaces: ``isdigit()`` takes "²", which ``int()`` refuses with a server error;
#: ``int()`` of a request value takes " 7" and "٧"; ``json.loads`` has no limit on nesting or number length;
#: Django's ModelMultipleChoiceField lets ids too large for a database key reach the query. Each entry: the
#: helper to use instead, and the one file that may use the word (the helper's own).
UNSAFE_READS = {
    ".isdigit()": ("parse_id", "patients/request_input.py"),
    "int(request.": ("parse_id", "patients/request_input.py"),
    "json.loads(": ("read_json", "patients/request_input.py"),
    "forms.ModelMultipleChoiceField": ("patients.forms.ModelMultipleIdField", "patients/forms.py"),
}


@pytest.mark.parametrize("app", APPS)
def test_ids_and_json_from_requests_are_read_by_the_one_helper(app):
    wrong = {}
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        source = path.read_text(encoding="utf-8")
        where = str(path.relative_to(ROOT))
        found = [f"{word} (use {helper})" for word, (helper, own) in UNSAFE_READS.items()
                 if word in source and where != own]
        if found:
            wrong[where] = found
    assert not wrong, f"read ids and JSON with patients.request_input: {wrong}"
