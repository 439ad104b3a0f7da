"""The live server's demo state, kept once and put back before each browser test, so that a
journey that fails midway (or changes the data on purpose) leaves nothing to the next one.

Putting back copies only the files that differ from the copy and deletes the new ones: about
180 files are compared in a few milliseconds, where building the app and its demo data again
takes about a second. The repositories keep nothing in memory that this could make stale (the
documents' list is kept under the digest of the file's bytes)."""
from __future__ import annotations

import shutil
from pathlib import Path

from ..fakes import FakeClock


def _files(root: Path) -> dict[Path, tuple[int, int] | None]:
    """Each file's size and time (None for a folder), by its path under root."""
    found: dict[Path, tuple[int, int] | None] = {}
    for path in root.rglob("*"):
        stat = path.stat()
        found[path.relative_to(root)] = None if path.is_dir() else (stat.st_size, stat.st_mtime_ns)
    return found


class DemoState:
    def __init__(self, app, root: Path, keep_in: Path):
        """Copy `root` (the app's data and exports folders) into `keep_in`, as it is now."""
        self.app, self.root, self.kept = app, root, keep_in / "demo"
        shutil.copytree(root, self.kept, symlinks=True)  # with copy2: each copy keeps its file's time
        self.kept_files = _files(self.kept)

    def put_back(self) -> None:
        """The files as they were, the outbox empty, the clock at its start. Call it while the
        server answers no request."""
        now = _files(self.root)
        for relative in sorted(now.keys() - self.kept_files.keys(), reverse=True):  # files before their folder
            path = self.root / relative
            shutil.rmtree(path) if now[relative] is None else path.unlink()
        for relative, stamp in self.kept_files.items():
            if stamp is not None and now.get(relative) != stamp:
                (self.root / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(self.kept / relative, self.root / relative)
        self.app.extensions["dmp.notifier"].outbox.clear()
        self.app.extensions["dmp.clock"].current = FakeClock().current
