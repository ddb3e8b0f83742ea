"""Migrations never import the project's live code: changing a function must not change an old migration."""

import ast
from pathlib import Path

from django.conf import settings

PROJECT_APPS = {"config", "directory", "editorial", "opendata", "referrals", "regions", "twofactor"}


def test_no_migration_imports_the_projects_own_modules():
    offenders = []
    for path in sorted(Path(settings.BASE_DIR).glob("*/migrations/*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            offenders += [
                f"{path.parent.parent.name}/migrations/{path.name}: {n}"
                for n in names
                if n.split(".")[0] in PROJECT_APPS
            ]
    assert offenders == []
