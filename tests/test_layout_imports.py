"""Each app imports only the apps below it (README, Development, Layout): core at the bottom, the
two domains (clusters, kelurahan) beside each other and never importing each other, evidence on
clusters, dashboard and planner on top, offices (the agencies' accounts) on planner and evidence. A
forbidden import anywhere in an app's code (migrations included) fails here."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("core", "clusters", "kelurahan", "evidence", "dekela", "dashboard", "planner", "offices")
ALLOWED = {
    "core": set(),
    "clusters": {"core"},
    "kelurahan": {"core"},
    "evidence": {"core", "clusters"},
    "dekela": {"core", "clusters", "kelurahan", "evidence"},
    "planner": {"core", "clusters", "kelurahan", "dekela"},
    # The report shows the offices' progress.
    "dashboard": {"core", "clusters", "kelurahan", "evidence", "dekela", "offices"},
    "offices": {"core", "clusters", "evidence", "planner"},
}


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module" and node.args:
            argument = node.args[0]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                names.add(argument.value.split(".")[0])
    return names & set(APPS)


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_only_the_apps_below_it(app):
    wrong = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        forbidden = _imported_apps(path) - ALLOWED[app] - {app}
        if forbidden:
            wrong[str(path.relative_to(ROOT))] = sorted(forbidden)
    assert wrong == {}


def test_the_check_sees_an_import():
    # The walker itself sees the imports of a file known to import both domains and core.
    assert _imported_apps(ROOT / "dashboard" / "views.py") >= {"clusters", "kelurahan", "core"}
