"""Benchmark for `ptcheck batch` (a script, not a test): `python benchmarks/bench_batch.py`.

Generates 500 statute-like documents of about 50 KB, then times `ptcheck batch` over them
with --jobs 1 and --jobs 2 (target: >= 1.7x on 2 cores) and reports peak memory. The
start-up (imports, checklist, spaCy pipeline: once per run, before the workers fork) is
measured apart, on a one-document run, since no number of cores shortens it.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_analyze import ptcheck_command, statute_like


def run(ptcheck: str, folder: Path, jobs: int) -> tuple[float, float]:
    """Wall seconds and the peak RSS (MB) of the run's processes."""
    start = time.perf_counter()
    completed = subprocess.run(
        [ptcheck, "batch", str(folder), "--jobs", str(jobs), "--format", "json"],
        capture_output=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if completed.returncode not in (0, 1):
        raise SystemExit(completed.stderr.decode())
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--kilobytes", type=float, default=50)
    args = parser.parse_args()
    ptcheck = ptcheck_command()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "documents"
        folder.mkdir()
        for index in range(args.documents):
            text = statute_like(args.kilobytes / 1000, seed=index)
            (folder / f"law{index:04d}.txt").write_text(text, encoding="utf-8")
        single = Path(tmp) / "single"
        single.mkdir()
        (single / "law.txt").write_text(statute_like(args.kilobytes / 1000), encoding="utf-8")
        start_up, _ = run(ptcheck, single, 1)  # start-up and one document
        one, peak_one = run(ptcheck, folder, 1)
        two, peak_two = run(ptcheck, folder, 2)
    report = {
        "documents": args.documents,
        "kilobytes_each": args.kilobytes,
        "jobs1_seconds": round(one, 2),
        "jobs2_seconds": round(two, 2),
        "speedup": round(one / two, 2),
        "start_up_seconds": round(start_up, 2),
        "speedup_excluding_start_up": round((one - start_up) / (two - start_up), 2),
        "peak_rss_mb_any_process": round(max(peak_one, peak_two), 1),
        "target_speedup": ">= 1.7",
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
