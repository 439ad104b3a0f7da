"""A backup of the embedded store that restores, taken while the server runs.

The snapshot is taken under the store-wide lock (no write runs while the files are linked,
which takes the time of one walk of the folder), then copied to the backup folder at leisure,
with a manifest of every file and its SHA-256. Keys are never in a backup: DMP_DATA_KEYS and
DMP_SECRET_KEY are kept apart, and the data opens only with them.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from ..store.files import STAGING_PREFIX, FileStore, fsync_dir

MANIFEST = "manifest.json"
DATA = "data"
FORMAT = "dmp-web-backup-1"


class BackupRefused(RuntimeError):
    """The backup or the restore cannot go on; the message says why, in French."""


@dataclass(frozen=True)
class BackupDone:
    files: int
    bytes: int


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_SAFE_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")


def _safe_relative(relative: str, source_data: Path) -> bool:
    """A manifest's entry names a plain file inside the backup's data folder: no absolute path,
    no «..», no link anywhere on the way (a crafted backup must not write outside the store)."""
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or not all(_SAFE_PART.fullmatch(p) for p in parts):
        return False
    path = source_data
    for part in parts:
        path = path / part
        try:
            if stat.S_ISLNK(os.lstat(path).st_mode):
                return False
        except FileNotFoundError:
            return False
    return stat.S_ISREG(os.lstat(path).st_mode)


def _empty_or_absent(folder: Path, ignore: tuple[str, ...] = ()) -> bool:
    return not folder.exists() or all(p.name in ignore for p in folder.iterdir())


def backup(store: FileStore, destination: Path, now: datetime) -> BackupDone:
    """Write a consistent copy of the store into `destination` (absent or empty)."""
    destination = Path(destination).resolve()
    if not _empty_or_absent(destination):
        raise BackupRefused(f"Le dossier {destination} n’est pas vide : choisissez un dossier vide ou nouveau.")
    if destination.is_relative_to(store.root):
        raise BackupRefused("La sauvegarde ne peut pas être dans le dossier des données.")
    staging = store.root / f"{STAGING_PREFIX}{secrets.token_hex(6)}"
    destination.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(destination, 0o700)  # it holds sealed data and the list of dossier ids
    try:
        files = store.copy_consistent(staging)
        target = destination / DATA
        entries, total = {}, 0
        for relative in files:
            source, copy = staging / relative, target / relative
            copy.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            shutil.copyfile(source, copy)
            os.chmod(copy, 0o600)
            size = copy.stat().st_size
            entries[str(relative)] = {"sha256": _digest(copy), "bytes": size}
            total += size
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    manifest = {"format": FORMAT, "made_at": now.isoformat(), "files": entries,
                "keys": "not included: restore with the same DMP_DATA_KEYS"}
    fd = os.open(destination / MANIFEST, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, ensure_ascii=False)
    fsync_dir(destination)
    return BackupDone(len(entries), total)


def _damage(source: Path, manifest: dict) -> list[str]:
    """The backup's files that are missing, wrongly named or changed since it was made."""
    problems = []
    for relative, expected in manifest["files"].items():
        if not _safe_relative(relative, source / DATA):
            problems.append(f"fichier manquant ou nom refusé : {relative[:200]}")
        elif _digest(source / DATA / relative) != expected["sha256"]:
            problems.append(f"fichier modifié depuis la sauvegarde : {relative}")
    return problems


def restore(source: Path, store_root: Path, ignore: tuple[str, ...] = (), replaced: tuple[str, ...] = ()
            ) -> BackupDone:
    """Copy a backup into an empty data folder, checking every file against the manifest first.

    ignore: files an empty folder may hold all the same (keys, locks); replaced: those of them
    that the backup's own replace, and that go when the backup has none (the store's version:
    a backup of an earlier version restores as that version)."""
    source = Path(source).resolve()
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupRefused(f"{source} n’est pas une sauvegarde (pas de {MANIFEST} lisible).") from None
    if manifest.get("format") != FORMAT:
        raise BackupRefused(f"{source} : format de sauvegarde inconnu.")
    if not _empty_or_absent(store_root, ignore):
        raise BackupRefused(f"Le dossier des données {store_root} n’est pas vide : une restauration "
                            "n’écrase jamais des données.")
    problems = _damage(source, manifest)
    if problems:
        raise BackupRefused("La sauvegarde est abîmée, rien n’est restauré :\n" + "\n".join(problems))
    total = 0
    for relative in manifest["files"]:
        target = store_root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / DATA / relative, target)
        os.chmod(target, 0o600)
        total += target.stat().st_size
    for name in replaced:
        if name not in manifest["files"]:
            (store_root / name).unlink(missing_ok=True)
    return BackupDone(len(manifest["files"]), total)
