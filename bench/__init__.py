"""Benchmarks, run by hand from the project folder: .venv/bin/python -m bench.<name>."""
