"""The rules of the DMP, in pure Python: no Flask, no TinyDB."""
