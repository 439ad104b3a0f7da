"""Sealed chunks that name their owner and their place, for the job outputs on files and the
document files on PostgreSQL: a chunk moved from another owner, swapped, repeated or cut off is
refused. Each seal holds a header: 16 bytes of owner, the chunk's place, 1 on the last chunk."""
from __future__ import annotations

import struct

HEADER = struct.Struct(">16sIB")


def sealed_chunk(sealer, owner: bytes, place: int, last: bool, block) -> bytes:
    return sealer.seal(HEADER.pack(owner, place, 1 if last else 0) + block)


def chunk_content(clear: bytes, owner: bytes, place: int, broken: type[Exception], what: str) -> tuple[bytes, bool]:
    """The content of an opened chunk expected at `place`, and whether it is the last; else
    `broken` (what: « copy », « file », for its message)."""
    whose, found_at, last = HEADER.unpack_from(clear)
    if whose != owner:
        raise broken(f"a chunk of another {what}")
    if found_at != place:
        raise broken(f"the chunks of the {what} are out of order")
    return clear[HEADER.size:], bool(last)
