"""The mail-room queue: each postal letter is a PDF and a small JSON record beside it."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from .outbox import new_file_id, write_private


class LetterQueue:
    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def enqueue(self, pdf: bytes, address_lines: list[str], kind: str) -> str:
        """Store <folder>/<letter_id>.pdf and <letter_id>.json (address, kind, queued_at); return letter_id."""
        if not pdf.startswith(b"%PDF-"):
            raise ValueError("a queued letter must be a PDF")
        if not address_lines or not all(isinstance(line, str) and line.strip() for line in address_lines):
            raise ValueError("a queued letter needs an address, one non-empty line each")
        letter_id = new_file_id()
        record = {
            "letter_id": letter_id,
            "address": list(address_lines),
            "kind": kind,
            "queued_at": datetime.now(timezone.utc).isoformat(),
        }
        # The PDF first: a letter exists for the mail room once its record does.
        write_private(self.folder, f"{letter_id}.pdf", pdf)
        write_private(self.folder, f"{letter_id}.json", json.dumps(record, ensure_ascii=False).encode("utf-8"))
        return letter_id

    def list(self) -> list[dict]:
        """The queued letters' records, oldest first."""
        if not self.folder.is_dir():
            return []
        records = [json.loads(p.read_text(encoding="utf-8")) for p in self.folder.glob("*.json")]
        return sorted(records, key=lambda r: (r["queued_at"], r["letter_id"]))
