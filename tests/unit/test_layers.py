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


# The use cases moved onto the store's ports (services/ports.py) so far; the others follow.
ON_PORTS = ("dossier_access.py", "management.py", "wishes.py", "history.py", "context.py", "reports.py",
            "notices.py", "notice_texts.py", "sharing.py", "fhir_export.py")


def test_the_use_cases_on_the_ports_never_import_the_store():
    services = DOMAIN.parent / "services"
    for name in ON_PORTS:
        for imported in imported_modules(services / name):
            assert not imported.startswith(("..store", "dmp_web.store")), f"{name} imports {imported}"
