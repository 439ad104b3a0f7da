"""Time and peak memory of `import-reimbursements` on a generated file, in a process of its own.

Run: .venv/bin/python -m bench.import_memory [--rows 1000000]
The file holds `rows` valid rows for distinct people, 1 in 1,000 of them the demo patient's (who
has a DMP); it is imported into a fresh data folder with the demo data. The import reads the file
as it comes: peak memory should not grow with the file.
"""
from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from dmp_web.domain.identity import nir_key

HEADER = "nir;date;acte;professionnel;montant_paye;montant_rembourse\n"
DEMO_NIR = "275051305511212"  # the demo patient, who has a DMP


def write_file(path: Path, rows: int, seed: int = 3) -> int:
    """A reimbursements file of `rows` rows; its size in bytes."""
    rng = random.Random(seed)
    start = date(2026, 1, 5)
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEADER)
        for n in range(rows):
            if n % 1000 == 0:
                nir = DEMO_NIR
            else:
                body = f"{rng.choice('12')}{rng.randrange(10 ** 12):012d}"
                nir = body + f"{nir_key(body):02d}"
            day = start + timedelta(days=rng.randrange(300))
            f.write(f"{nir};{day.isoformat()};Consultation chez le médecin généraliste;Dr Marie Durand;"
                    f"30,00;21,00\n")
    return path.stat().st_size


def child(path: str, root: str) -> None:
    """Import the file into a fresh app; print seconds and peak RSS (MB)."""
    from tests.conftest import make_app

    app = make_app(Path(root))
    runner = app.test_cli_runner()
    started = time.perf_counter()
    result = runner.invoke(args=["import-reimbursements", path])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{elapsed:.2f} {peak:.1f}")


def measure(path: Path, root: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one import, in a new process."""
    out = subprocess.run([sys.executable, "-m", "bench.import_memory", "--child", str(path), str(root)],
                         capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[1])
    seconds, peak = out.stdout.split()[-2:]
    return float(seconds), float(peak)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    print("rows        file MB   seconds   peak RSS MB")
    for rows in (args.rows // 100, args.rows):
        with tempfile.TemporaryDirectory() as root:
            path = Path(root) / "remboursements.csv"
            size = write_file(path, rows)
            seconds, peak = measure(path, Path(root) / "app")
            print(f"{rows:>9,}  {size / 1e6:8.1f}  {seconds:8.1f}  {peak:10.1f}")


if __name__ == "__main__":
    main()
