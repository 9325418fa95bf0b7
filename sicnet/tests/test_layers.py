"""Arrows point one way, and none hides: lint-imports (pyproject.toml, .ci/run) checks the layers of
every import; this test refuses an import of another app inside a function, the old way around
them, whatever its direction (an app's dependencies are read at the top of its modules). The one
place for them is ``AppConfig.ready()``, where an app registers itself with the layers below
(models cannot be imported while apps.py is)."""

import ast
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]
APPS = {"sicnet", "public", "api", "referrals", "hotline", "helpline", "nrm", "legal", "hashes", "notify"}
APPS |= {"network", "accounts", "audit", "core"}
# The settings module reads core's key check only when production settings are loaded.
ALLOWED = {("sicnet/settings.py", "core.crypto")}


def hidden_imports() -> list[str]:
    found = []
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT).as_posix()
        app = relative.split("/")[0]
        if app not in APPS or "/migrations/" in relative:
            continue
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if relative.endswith("/apps.py") and function.name == "ready":
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                elif isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                else:
                    continue
                for module in modules:
                    other = module.split(".")[0]
                    if other in APPS and other != app and (relative, module) not in ALLOWED:
                        found.append(f"{relative}:{node.lineno} imports {module}")
    return sorted(set(found))  # a nested function is walked twice


class HiddenImportTests(SimpleTestCase):
    def test_no_app_imports_another_inside_a_function(self):
        self.assertEqual(hidden_imports(), [])
