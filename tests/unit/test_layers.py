"""Domain code stays free of the web framework and of the store."""
import ast
from pathlib import Path

DOMAIN = Path(__file__).resolve().parents[2] / "dmp_web" / "domain"
FORBIDDEN = ("flask", "flask_wtf", "flask_login", "flask_htmx", "tinydb", "werkzeug", "dmp_web.store", "dmp_web.web")


def imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield ("." * node.level) + (node.module or "")


def test_domain_modules_import_neither_flask_nor_the_store():
    modules = sorted(DOMAIN.glob("*.py"))
    assert len(modules) >= 2
    for path in modules:
        for name in imported_modules(path):
            assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"
            assert not name.startswith(("..store", "..web")), f"{path.name} imports {name}"
