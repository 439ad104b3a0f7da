"""How long the booklets of the easy-to-read guides take to build (WeasyPrint, PDF/UA, A4).

Run: .venv/bin/python -m bench.guides_booklet [--runs 5]
Prints: the first booklet of a fresh process (WeasyPrint's import, the stylesheet and its fonts
parsed once), then each later build of the booklet of all guides and of one guide, made afresh
(the cache of texts/guides.py emptied before each), then the cached answer the site gives
after its first build. Timings are printed, never asserted.
"""
from __future__ import annotations

import argparse
import statistics
import time

from dmp_web.texts import guides


def timed(make) -> tuple[float, bytes]:
    start = time.perf_counter()
    data = make()
    return time.perf_counter() - start, data


def fresh(all_guides: bool, chosen) -> tuple[float, bytes]:
    guides._booklet.cache_clear()
    return timed(lambda: guides.booklet_pdf(chosen, all_guides=all_guides))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    every = guides.load_guides()

    first, data = fresh(True, every)
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as doc:
        pages = len(doc.pages)
    print(f"{len(every)} guides, {pages} pages, {len(data) // 1024} KB; the first booklet of all guides "
          f"in a fresh process: {first:.2f} s")
    for name, all_guides, chosen in (("all guides", True, every), ("one guide (the longest)", False,
                                     [max(every, key=lambda g: len(g.plain_text()))])):
        times = [fresh(all_guides, chosen)[0] for _ in range(runs)]
        print(f"{name}: median {statistics.median(times):.2f} s, min {min(times):.2f} s, "
              f"max {max(times):.2f} s over {runs} builds")
    guides.booklet_pdf(every, all_guides=True)
    cached = [timed(lambda: guides.booklet_pdf(every, all_guides=True))[0] for _ in range(runs)]
    print(f"all guides, cached after the first build: median {statistics.median(cached) * 1000:.2f} ms")


if __name__ == "__main__":
    main()
