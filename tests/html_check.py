"""The Nu HTML Checker (vnu.jar, installed by scripts/test.sh) on many pages in one Java run.

A Java start costs seconds and each page a few milliseconds: the browser tests collect the
pages they check and validate them together, once, at the end (tests/browser/test_valid_html.py).
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

VNU_JAR = Path.home() / ".cache/dmp-web/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
INSTALL_HINT = "Installez-le : bash scripts/test.sh (npm install vnu-jar, Java 11 ou plus)."


@dataclass(frozen=True)
class HtmlError:
    message: str
    line: int | None = None
    extract: str = ""

    @classmethod
    def from_vnu(cls, message: dict) -> HtmlError:
        return cls(message["message"], message.get("lastLine"), " ".join(message.get("extract", "").split()))

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else ""
        return f"{where}{self.message}" + (f"  [{self.extract}]" if self.extract else "")


def missing_checker() -> str | None:
    missing = [str(p) for p, found in ((VNU_JAR, VNU_JAR.is_file()), ("java", shutil.which("java"))) if not found]
    return f"Nu HTML Checker introuvable ({', '.join(missing)}). {INSTALL_HINT}" if missing else None


def file_name(index: int, name: str) -> str:
    """A file name that says the page, unique by its index."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]
    return f"{index:03d}-{slug or 'page'}.html"


def validate(pages: dict[str, str]) -> dict[str, list[HtmlError]]:
    """The HTML errors of each page (name -> document), from one run of the checker; a page
    without errors is not in the answer. Errors the checker could not tie to a page (it could
    not read a file) come under the name ''."""
    with tempfile.TemporaryDirectory(prefix="dmp-vnu-") as folder:
        names = {}
        for index, (name, html) in enumerate(pages.items()):
            path = Path(folder) / file_name(index, name)
            path.write_text(html, encoding="utf-8")
            names[str(path.resolve())] = name
        # C1 compiler only: a run of a few hundred pages ends before the slower one pays off (half
        # the CPU time); its deeper frames need the larger stack the checker then asks for.
        run = subprocess.run(
            ["java", "-XX:TieredStopAtLevel=1", "-Xss4m", "-jar", str(VNU_JAR),
             "--format", "json", "--errors-only", "--no-langdetect", "--stdout", *names],
            capture_output=True, text=True, timeout=600,
        )
    if run.returncode not in (0, 1) or not run.stdout.strip():  # 1: errors found
        return {"": [HtmlError(f"vnu.jar stopped (code {run.returncode}): {run.stderr.strip()[-2000:]}")]}
    errors: dict[str, list[HtmlError]] = {}
    for message in json.loads(run.stdout)["messages"]:
        if message["type"] == "info":  # warnings: --errors-only leaves none, but be sure
            continue
        page = names.get(unquote(urlsplit(message.get("url", "")).path), "")
        errors.setdefault(page, []).append(HtmlError.from_vnu(message))
    return errors
