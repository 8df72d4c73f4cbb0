"""Benchmarks for `ptcheck analyze`: a script, not a test (`python benchmarks/bench_analyze.py`).

Measures, on inputs it generates itself:
- start-up: `ptcheck analyze` on a one-page law against `python -c "import spacy"`
  (budget <= 1.1x, issue 12);
- `ptcheck --help` (budget <= 0.3 s);
- analysis throughput on a >= 5 MB statute-like text, start-up excluded (budget >= 10 MB/s),
  beside a pyahocorasick scan for the same phrases over the same text;
- peak memory (max RSS) of analysing that text in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ONE_PAGE = """\
MODEL ACT
1. Short title
This Act may be cited as the Benchmark Act.
2. Interpretation
In this Act "child" means a person under the age of eighteen years.
3. Trafficking in persons
(1) A person who recruits, transports, transfers, harbours or receives another person by means of
threats, force, coercion, abduction, fraud or deception for the purpose of exploitation commits an
offence and is liable on conviction to imprisonment for twenty years.
(2) The consent of the victim is irrelevant.
4. Attempts
A person who attempts to commit an offence under section 3 commits an offence.
"""

FILLER = [
    "The Minister may make regulations for the carrying out of this Act.",
    "A licence issued under this Part remains in force for a period of three years.",
    "The court may order the forfeiture of any vehicle used in the commission of the offence.",
    "Every employer shall keep records of wages paid to each employee for a period of five years.",
    "Any person who fails to comply with a notice under this section commits an offence.",
    "The Authority shall publish an annual report on the performance of its functions.",
    "Nothing in this section affects the powers of a police officer under any other law.",
    "A person who recruits workers for employment abroad shall hold a licence under this Part.",
]


def statute_like(megabytes: float, seed: int = 7) -> str:
    """Numbered sections of legal-sounding filler with an occasional trafficking offence."""
    rnd = random.Random(seed)
    parts: list[str] = []
    size = 0
    section = 1
    while size < megabytes * 1_000_000:
        lines = [f"{section}. Provision {section}"]
        for sub in range(1, rnd.randint(2, 5)):
            lines.append(f"({sub}) " + " ".join(rnd.sample(FILLER, 3)))
        if section % 50 == 0:
            lines.append(ONE_PAGE.split("3. Trafficking in persons\n")[1].split("4.")[0])
        block = "\n".join(lines) + "\n"
        parts.append(block)
        size += len(block.encode())
        section += 1
    return "".join(parts)


def interleaved_seconds(commands: dict[str, list[str]], runs: int) -> dict[str, list[float]]:
    """Wall seconds of each command, `runs` times, the commands taking turns: on a shared
    machine the load drifts, and turns give each command the same drift."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            start = time.perf_counter()
            subprocess.run(
                command, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            times[name].append(time.perf_counter() - start)
    return times


def spread(seconds: list[float]) -> dict[str, float]:
    """Median and the machine's noise (min-max)."""
    return {
        "median": round(statistics.median(seconds), 3),
        "min": round(min(seconds), 3),
        "max": round(max(seconds), 3),
    }


def compile_bytecode() -> None:
    """Compile ptcheck's modules, as pip does when it installs a wheel: an editable install
    under PYTHONDONTWRITEBYTECODE would compile them at every start (about 40 ms)."""
    import ptcheck

    folder = Path(ptcheck.__file__).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(folder)], check=False)


def throughput(path: Path) -> dict[str, float]:
    from ptcheck.analysis import Analyzer
    from ptcheck.checklist import load_checklist
    from ptcheck.documents import read_document

    analyzer = Analyzer(load_checklist())
    matcher = analyzer.matcher("en")  # built before timing: start-up is measured apart
    document = read_document(path)
    megabytes = len(document.text.encode()) / 1e6
    timings = []
    for _ in range(3):  # the median of three: this VM's timings vary by 10-25 %
        start = time.perf_counter()
        analyzer.analyze(document)
        timings.append(time.perf_counter() - start)
    seconds = statistics.median(timings)

    phrases = _phrases(matcher)
    reference = _aho_corasick_seconds(document.text, phrases)
    return {
        "megabytes": round(megabytes, 2),
        "analyze_seconds": round(seconds, 3),
        "analyze_mb_per_s": round(megabytes / seconds, 1),
        "phrases": len(phrases),
        "pyahocorasick_seconds": round(reference, 3) if reference else -1.0,
        "pyahocorasick_mb_per_s": round(megabytes / reference, 1) if reference else -1.0,
    }


def _phrases(matcher: object) -> list[str]:
    """The surface forms the matcher looks for, as plain lower-case strings."""
    forms = matcher.forms  # type: ignore[attr-defined]
    return sorted({" ".join(form) for found in forms.values() for form in found})


def _aho_corasick_seconds(text: str, phrases: list[str]) -> float | None:
    try:
        import ahocorasick
    except ImportError:
        return None
    automaton = ahocorasick.Automaton()
    for phrase in phrases:
        automaton.add_word(phrase, phrase)
    automaton.make_automaton()
    start = time.perf_counter()
    lower = text.lower()
    count = 0
    for end, phrase in automaton.iter(lower):
        begin = end - len(phrase) + 1
        before = lower[begin - 1] if begin > 0 else " "
        after = lower[end + 1] if end + 1 < len(lower) else " "
        if not before.isalnum() and not after.isalnum():
            count += 1
    return time.perf_counter() - start


def peak_memory_mb(path: Path) -> float:
    code = (
        "import resource, pathlib\n"
        "from ptcheck.analysis import Analyzer\n"
        "from ptcheck.checklist import load_checklist\n"
        f"Analyzer(load_checklist()).analyze_path(pathlib.Path({str(path)!r}))\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return int(out.stdout.strip()) / 1024


def ptcheck_command() -> str:
    """The installed `ptcheck` command (on PATH, or beside this Python)."""
    return shutil.which("ptcheck") or str(Path(sys.executable).with_name("ptcheck"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--megabytes", type=float, default=5.0)
    args = parser.parse_args()
    ptcheck = ptcheck_command()
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "page.txt"
        page.write_text(ONE_PAGE, encoding="utf-8")
        big = Path(folder) / "big.txt"
        big.write_text(statute_like(args.megabytes), encoding="utf-8")
        compile_bytecode()
        times = interleaved_seconds(
            {
                "spacy": [sys.executable, "-c", "import spacy"],
                "analyze": [ptcheck, "analyze", str(page), "-q", "--no-color"],
                "help": [ptcheck, "--help"],
            },
            args.runs,
        )
        spacy_s = statistics.median(times["spacy"])
        analyze_s = statistics.median(times["analyze"])
        report = {
            "import_spacy_s": spread(times["spacy"]),
            "analyze_one_page_s": spread(times["analyze"]),
            "analyze_vs_import_spacy": round(analyze_s / spacy_s, 2),
            "help_s": spread(times["help"]),
            **throughput(big),
            "peak_memory_mb": round(peak_memory_mb(big), 1),
            "budgets": {
                "analyze_vs_import_spacy": "<= 1.1",
                "help_s": "<= 0.3",
                "analyze_mb_per_s": ">= 10",
            },
        }
    print(json.dumps(report, indent=2))
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(this script's own peak: {usage:.0f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()
