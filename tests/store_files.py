"""The store's files, byte for byte, to show that a command changed nothing."""
from __future__ import annotations

from pathlib import Path


def store_files(root: Path, lock_files: bool = False) -> dict:
    """Every data file (and lock file, if asked) but the operators' journal and its head, which
    record each command run, refused ones included."""
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.relative_to(root).parts[0] != "operators"
            and p.relative_to(root) not in (Path("journal-heads", "operators.json"),
                                            Path("journal-heads", "operators.json.lock"),
                                            Path("batch-jobs.lock"))  # the lock batch jobs take
            and (lock_files or p.suffix in (".json", ".jsonl"))}
