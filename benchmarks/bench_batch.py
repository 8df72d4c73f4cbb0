"""Benchmark for `ptcheck batch` (a script, not a test): `python benchmarks/bench_batch.py`.

Writes 500 documents, then times `ptcheck batch` over them with --jobs 1 and --jobs 2
(target: >= 1.8x on 2 cores) and reports peak memory. The documents are, with `--source
laws` (the default), the statutes of ../shared/corpus (when beside the project) and our
sample laws, in every language they come in, taken in turn; with `--source words`, the English
ones, each with a register of 2,000 numbers and names of its own in a definition (a worker
learns every word it meets: its memory should not grow with the batch); with `--source
generated`, statute-like filler of about 50 KB each; with `--source pdf`, the same as PDFs of
some pages each (fpdf2, from the test extras: a batch reads some documents before its
workers start, to learn their languages). The start-up (imports, checklist,
spaCy pipeline: once per run, before the workers fork) is measured apart, on a one-document
run, since no number of cores shortens it: `best_possible_speedup` is what 2 cores would give
if everything after it were split perfectly between them.
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
from ptcheck.language import detect

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def laws() -> list[str]:
    """The corpus statutes (when beside the project) and our sample laws, as text."""
    paths = sorted(CORPUS.glob("*/*.txt")) if CORPUS.is_dir() else []
    paths += sorted((ROOT / "sample_laws").rglob("*.txt"))
    return [path.read_text(encoding="utf-8") for path in paths]


def register(index: int) -> str:
    """A definition listing 2,000 words that no other document holds (definitions are
    always tokenized), in English (language detection counts its function words)."""
    words = ", ".join(f"the R{index}n{k} of {index * 10_000 + k}" for k in range(1_000))
    return f'\n\n999. In this Act, "register" means the list of {words}.\n'


def pdf_bytes(text: str) -> bytes:
    """`text` as a PDF with a text layer, 45 lines a page."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=9)
    lines = text.encode("latin-1", "replace").decode("latin-1").split("\n")
    for first in range(0, len(lines), 45):
        pdf.add_page()
        for line in lines[first : first + 45]:
            pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


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
    parser.add_argument("--source", choices=("laws", "words", "generated", "pdf"), default="laws")
    parser.add_argument("--kilobytes", type=float, default=50, help="generated documents")
    args = parser.parse_args()
    ptcheck = ptcheck_command()
    texts = laws()
    if args.source == "words":
        texts = [text for text in texts if detect(text)[0] == "en"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "documents"
        folder.mkdir()
        size = 0
        for index in range(args.documents):
            if args.source == "laws":
                # A last line of its own, so that no two documents are the same file.
                text = texts[index % len(texts)] + f"\n\n[copy {index}]\n"
            elif args.source == "words":
                text = texts[index % len(texts)] + register(index)
            else:
                text = statute_like(args.kilobytes / 1000, seed=index)
            data = pdf_bytes(text) if args.source == "pdf" else text.encode()
            suffix = ".pdf" if args.source == "pdf" else ".txt"
            (folder / f"law{index:04d}{suffix}").write_bytes(data)
            size += len(data)
        single = Path(tmp) / "single"
        single.mkdir()
        (single / f"law{suffix}").write_bytes((folder / f"law0000{suffix}").read_bytes())
        start_up, _ = run(ptcheck, single, 1)  # start-up and one document
        one, peak_one = run(ptcheck, folder, 1)
        two, peak_two = run(ptcheck, folder, 2)
    report = {
        "documents": args.documents,
        "source": args.source,
        "megabytes": round(size / 1e6, 2),
        "jobs1_seconds": round(one, 2),
        "jobs2_seconds": round(two, 2),
        "speedup": round(one / two, 2),
        "start_up_seconds": round(start_up, 2),
        "speedup_excluding_start_up": round((one - start_up) / (two - start_up), 2),
        # Amdahl's bound: the start-up is serial, the rest split perfectly over 2 cores.
        "best_possible_speedup": round(one / (start_up + (one - start_up) / 2), 2),
        "peak_rss_mb_any_process": round(max(peak_one, peak_two), 1),
        "target_speedup": ">= 1.8",
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
