"""What the CSV imports share: UTF-8 decoding, the header check, the NIR check, French plurals.
Each problem is a French line for the operator, «ligne N : …»."""
from __future__ import annotations

import csv
import hashlib
import itertools
import json
import re
from datetime import date
from pathlib import Path
from collections.abc import Callable, Iterable, Iterator

from cryptography.fernet import Fernet

from ..domain.dates import BadDate, read_day
from ..domain.identity import InvalidNir, normalize_nir

NIR_MESSAGES = {
    "empty": "le NIR est vide",
    "length": "le NIR doit avoir 15 caractères, il en a {length}",
    "characters": "le NIR ne doit avoir que des chiffres (et 2A ou 2B pour la Corse)",
    "first_digit": "le NIR doit commencer par 1, 2, 3, 7 ou 8",
    "key": "le NIR a une clé de contrôle fausse",
}


class FieldRefused(ValueError):
    """One field's value is wrong; the message is the French text for the operator."""


class RowCheck:
    """The problems of one row: check(parse, *args) is the parsed value, or None and the
    problem kept (every field is checked, so the operator sees all of a row's problems at once)."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def __call__(self, parse, *args):
        try:
            return parse(*args)
        except FieldRefused as refused:
            self.problems.append(str(refused))
            return None


def decode_utf8(data: bytes, refused: type[Exception]) -> str:
    """The file's text: UTF-8, with or without a byte order mark; else `refused([problem])`."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise refused([f"ligne {line} : le fichier doit être enregistré en UTF-8"]) from None


def plural(names: list[str], one: str, several: str) -> str:
    quoted = ", ".join(f"« {name} »" for name in names)
    return f"{one if len(names) == 1 else several} {quoted}"


def header_problems(header: list[str], columns: tuple[str, ...]) -> list[str]:
    problems = []
    missing = [name for name in columns if name not in header]
    unknown = [name for name in header if name not in columns]
    doubled = sorted({name for name in header if name in columns and header.count(name) > 1})
    if missing:
        problems.append(f"ligne 1 : il manque {plural(missing, 'la colonne', 'les colonnes')}")
    if unknown:
        problems.append(f"ligne 1 : {plural(unknown, 'colonne inconnue', 'colonnes inconnues')}")
    if doubled:
        problems.append(f"ligne 1 : {plural(doubled, 'cette colonne est', 'ces colonnes sont')} en double")
    return problems


def nir(raw: str) -> str:
    try:
        return normalize_nir(raw)
    except InvalidNir as error:
        raise FieldRefused(NIR_MESSAGES[error.code].format(length=error.length)) from None


def past_day(raw: str, today: date, name: str = "la date") -> date:
    """A day of the file (AAAA-MM-JJ or JJ/MM/AAAA), not after today; `name` says which, in the messages."""
    try:
        return read_day(raw, today, typed=False)
    except BadDate as bad:
        raise FieldRefused({
            "format": f"{name} doit être écrite AAAA-MM-JJ ou JJ/MM/AAAA",
            "calendar": f"{name} n'existe pas dans le calendrier",
            "future": f"{name} est dans le futur",
        }[bad.code]) from None


# -- streaming: files bigger than memory -------------------------------------------------------

MAX_PROBLEMS = 100  # kept and shown; the others are counted


class Problems:
    """The problems of a file: the first MAX_PROBLEMS lines, and how many there were in all."""

    def __init__(self) -> None:
        self.first: list[str] = []
        self.count = 0

    def add(self, line: str) -> None:
        self.count += 1
        if len(self.first) < MAX_PROBLEMS:
            self.first.append(line)

    def __bool__(self) -> bool:
        return self.count > 0

    def report(self) -> list[str]:
        more = self.count - len(self.first)
        return self.first + ([f"… et {more} autre{'s' if more > 1 else ''} problème{'s' if more > 1 else ''}."]
                             if more else [])


class NotUtf8(ValueError):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def csv_rows(lines: Iterable[str], columns: tuple[str, ...], problems: Problems,  # noqa: C901 - each way a file breaks, once
             width_hint: Callable[[str], str] = lambda separator: "") -> Iterator[tuple[int, dict[str, str]]]:
    """Each row of a CSV text, read as it comes: (its line number, its values by column).

    lines: the file's lines (open_csv, or a StringIO). The header is line 1; the first line tells
    the separator (« ; » or « , »). A row with the wrong number of columns, a malformed line or a
    byte that is not UTF-8 goes to `problems` (the last two end the reading). width_hint(separator)
    adds advice to a wrong column count."""
    lines = iter(lines)
    try:
        first_line = next(lines, "")
    except NotUtf8 as error:
        problems.add(f"ligne {error.line} : le fichier doit être enregistré en UTF-8")
        return
    first_line = first_line.removeprefix("\ufeff")
    if not first_line.strip():
        problems.add("ligne 1 : il manque la ligne d'en-tête avec le nom des colonnes")
        return
    # The column names hold neither separator, so the header line tells which one the file uses.
    separator = ";" if ";" in first_line else ","
    reader = csv.reader(itertools.chain([first_line], lines), delimiter=separator)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except csv.Error as error:  # e.g. lines ended by a carriage return alone (old Mac files)
        problems.add(f"ligne 1 : la ligne est mal écrite ({error}) ; enregistrez le fichier avec des fins de "
                     "ligne Windows ou Unix")
        return
    header_found = header_problems(header, columns)
    for problem in header_found:
        problems.add(problem)
    if header_found:
        return
    end_of_previous_row = reader.line_num
    while True:
        number = end_of_previous_row + 1  # a quoted field may span lines: a row starts after the last
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problems.add(f"ligne {number} : la ligne est mal écrite ({error})")
            return
        except NotUtf8 as error:
            problems.add(f"ligne {error.line} : le fichier doit être enregistré en UTF-8")
            return
        end_of_previous_row = reader.line_num
        if not any(f.strip() for f in fields):
            continue  # blank lines, such as one at the end of the file
        if len(fields) != len(header):
            problems.add(f"ligne {number} : la ligne a {len(fields)} colonnes au lieu de {len(header)}"
                         f" (séparateur « {separator} »){width_hint(separator)}")
            continue
        yield number, {name: f.strip() for name, f in zip(header, fields, strict=True)}


def csv_lines(path: Path, progress: Callable[[int], None] | None = None) -> Iterator[str]:
    """A CSV file's lines, read as they come and decoded from UTF-8 (a byte order mark is
    dropped by csv_rows); NotUtf8 names the first line that is not. progress(1) for each line."""
    number = 0
    with open(path, "rb") as f:
        for raw in f:
            # a carriage return alone ends a line too (files of old Macs)
            for piece in _LONE_CR.split(raw) if b"\r" in raw[:-2] else (raw,):
                number += 1
                try:
                    yield piece.decode("utf-8")
                except UnicodeDecodeError:
                    raise NotUtf8(number) from None
            if progress is not None:
                progress(1)


_LONE_CR = re.compile(rb"(?<=\r)(?!\n)")


def count_lines(path: Path) -> int:
    """The lines of a file, for a progress bar (read in chunks, never whole)."""
    with open(path, "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))


class SpillBuckets:
    """Rows spread by key over sealed temporary files, so that a file bigger than memory can be
    grouped by key one bucket at a time. The key that seals them lives in memory only, and the
    files are deleted when the block ends."""

    BUCKET_BYTES = 4 << 20  # what one bucket holds of the file, at most, on average
    BUFFERS_BYTES = 8 << 20  # what the buffers of all buckets hold in memory, at most

    def __init__(self, folder: Path, file_bytes: int = 0):
        """file_bytes: the size of the file spilled; the buckets are as many as it takes for
        each to hold about BUCKET_BYTES, so that grouping one stays small whatever the file."""
        self.folder = Path(folder)
        self.buckets = max(256, -(-file_bytes // self.BUCKET_BYTES))
        self.flush_at = max(1 << 10, min(1 << 15, self.BUFFERS_BYTES // self.buckets))
        self._fernet = Fernet(Fernet.generate_key())
        self._buffers: dict[int, list[bytes]] = {}
        self._sizes: dict[int, int] = {}

    def __enter__(self) -> SpillBuckets:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc) -> None:
        for number in range(self.buckets):
            self._path(number).unlink(missing_ok=True)

    def _path(self, number: int) -> Path:
        return self.folder / f"bucket-{number:06d}.spill"

    def _bucket(self, key: str) -> int:
        return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:4], "big") % self.buckets

    def add(self, key: str, row: dict) -> None:
        number = self._bucket(key)
        line = json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        self._buffers.setdefault(number, []).append(line)
        self._sizes[number] = self._sizes.get(number, 0) + len(line)
        if self._sizes[number] >= self.flush_at:
            self._flush(number)

    def _flush(self, number: int) -> None:
        lines = self._buffers.pop(number, [])
        self._sizes.pop(number, None)
        if lines:
            token = self._fernet.encrypt(b"\n".join(lines))
            with open(self._path(number), "ab") as f:
                f.write(len(token).to_bytes(8, "big") + token)

    def groups(self) -> Iterator[list[dict]]:
        """Each bucket's rows, one bucket at a time (all rows of a key are in one bucket)."""
        for number in list(self._buffers):
            self._flush(number)
        for number in range(self.buckets):
            path = self._path(number)
            if not path.exists():
                continue
            rows = []
            with open(path, "rb") as f:
                while size := f.read(8):
                    clear = self._fernet.decrypt(f.read(int.from_bytes(size, "big")))
                    rows += [json.loads(line) for line in clear.split(b"\n")]
            yield rows
