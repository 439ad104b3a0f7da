"""Persistence behind repositories: views and domain code never touch TinyDB."""
from .files import FileStore, StoreBusy, UnsafePath, atomic_write_bytes
from .sharded import KeyTaken, ShardedTable

__all__ = ["FileStore", "StoreBusy", "UnsafePath", "atomic_write_bytes", "KeyTaken", "ShardedTable"]
