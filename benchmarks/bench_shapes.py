"""Throughput on real statute shapes: a script, not a test (`python benchmarks/bench_shapes.py`).

Shapes:
  (a) corpus   the English statutes of ../shared/corpus, repeated to the size asked
  (b) code     a generated code: thousands of sections, definitions and cross-references
  (c) chain    2,000 chained definitions ("t00001" means a kind of t00002; ...), ~120 KB
  (d) line     a statute on one line
  (e) civil    Spanish, French and German statutes (corpus and sample laws), one document each
  (f) growth   each shape at n and at 4n: the ratio of times (linear: about 4)

Each shape runs in a fresh process (for its peak RSS), analysed three times after a warm-up,
each time by a tokenizer that has not met its words (as `ptcheck analyze` meets a text); the
report gives the median, min and max seconds, MB/s, and the ratio to a pyahocorasick scan of
the same checklist forms over the same text in the same process (word boundaries checked).
One more analysis is timed stage by stage (structure, matching, judging), and the
scanner's pass over the whole text alone: the ratio of that pass to the scan is the best
any analysis could reach that tokenizes the text by the language's rules, as spaCy does.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SAMPLE_LAWS = ROOT / "sample_laws"
SHAPES = ("corpus", "code", "chain", "line", "civil")
DEFAULT_MB = {"corpus": 10.0, "code": 10.0, "chain": 0.12, "line": 5.0, "civil": 5.0}


def _statutes(language: str) -> list[str]:
    """Statute texts in `language`: the corpus (when beside the project) and our sample laws."""
    texts = []
    for path in sorted(CORPUS.glob("*/*.txt")) if CORPUS.is_dir() else []:
        labels = path.with_suffix(".yaml").read_text(encoding="utf-8")
        if f"language: {language}" in labels:
            texts.append(path.read_text(encoding="utf-8"))
    folder = SAMPLE_LAWS if language == "en" else SAMPLE_LAWS / language
    texts += [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    return texts


def _repeat(texts: list[str], megabytes: float) -> str:
    parts, size = [], 0
    while size < megabytes * 1e6:
        for text in texts:
            parts.append(text)
            size += len(text.encode())
    return "\n\n".join(parts)


def _code(megabytes: float) -> str:
    """Sections with definitions, cross-references and an offence every 40 sections."""
    parts, size, number = ["1. Interpretation\nIn this Code—\n"], 0, 2
    while size < megabytes * 1e6:
        lines = [f"{number}. Provision {number}"]
        lines.append(f'({1}) "term{number}" means a matter referred to in section {number - 1};')
        lines.append(f"(2) A person who contravenes section {number - 1} commits an offence.")
        if number % 40 == 0:
            lines.append(
                "(3) A person who recruits, transports or harbours another person by means of"
                " force or deception for the purpose of exploitation commits an offence."
            )
        block = "\n".join(lines) + "\n"
        parts.append(block)
        size += len(block.encode())
        number += 1
    return "".join(parts)


def _chain(megabytes: float) -> str:
    count = max(10, int(megabytes * 1e6 / 59))
    lines = [f'"t{k:06d}" means a kind of t{k + 1:06d};' for k in range(count)]
    lead = (SAMPLE_LAWS / "model_complete.txt").read_text(encoding="utf-8")
    return "2. In this Act—\n" + "\n".join(lines) + "\n" + lead


def make(shape: str, megabytes: float) -> tuple[str, str | None]:
    """The text of a shape, and the language to read it in (None: detect)."""
    if shape == "corpus":
        return _repeat(_statutes("en"), megabytes), "en"
    if shape == "code":
        return _code(megabytes), "en"
    if shape == "chain":
        return _chain(megabytes), "en"
    if shape == "line":
        one = (SAMPLE_LAWS / "model_complete.txt").read_text(encoding="utf-8").replace("\n", " ")
        return _repeat([one], megabytes), "en"
    raise ValueError(shape)


def _aho_corasick_seconds(text: str, phrases: list[str]) -> float:
    import ahocorasick  # benchmark-only dependency: pip install ".[bench]"

    automaton = ahocorasick.Automaton()
    for phrase in phrases:
        automaton.add_word(phrase, len(phrase))
    automaton.make_automaton()
    start = time.perf_counter()
    lower = text.lower()
    found = 0
    for end, length in automaton.iter(lower):
        begin = end - length + 1
        if (begin == 0 or not lower[begin - 1].isalnum()) and (
            end + 1 == len(lower) or not lower[end + 1].isalnum()
        ):
            found += 1
    return time.perf_counter() - start


def measure(texts: list[tuple[str, str | None]], runs: int) -> dict[str, float]:
    """Analyse each text `runs` times (after a warm-up); seconds are per run, all texts."""
    from ptcheck.analysis import Analyzer
    from ptcheck.checklist import load_checklist
    from ptcheck.documents import Document
    from ptcheck.scanner import scanner

    loaded = load_checklist()
    documents = []
    for number, (text, language) in enumerate(texts):
        analyzer = Analyzer(loaded, language)
        documents.append((analyzer, Document(f"shape{number}.txt", text, "text", "", "utf-8")))
        analyzer.analyze(Document("warm.txt", text[:20_000], "text", "", "utf-8"))
    times = []
    for _ in range(runs):
        # Every run meets the text as `ptcheck analyze` does: a scanner read from the cache
        # that has not met its words (kept from the run before, later runs would be faster).
        scanner.cache_clear()
        start = time.perf_counter()
        for analyzer, document in documents:
            analyzer.analyze(document)
        times.append(time.perf_counter() - start)
    reference = 0.0
    for analyzer, document in documents:
        matcher = next(iter(analyzer._matchers.values()))
        phrases = sorted({" ".join(f) for found in matcher.forms.values() for f in found})
        reference += _aho_corasick_seconds(document.text, phrases)
    # The analyses' peak (and the scan's), before the stages below: tokenizing a whole
    # text at once holds more than an analysis ever does.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stages = _stage_seconds(documents)
    megabytes = sum(len(text.encode()) for text, _ in texts) / 1e6
    median = statistics.median(times)
    return {
        "megabytes": round(megabytes, 3),
        "median_s": round(median, 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        "mb_per_s": round(megabytes / median, 2),
        "aho_corasick_s": round(reference, 3),
        "ratio_to_aho_corasick": round(reference / median, 3),
        "stages_s": {name: round(seconds, 3) for name, seconds in stages.items()},
        # The best ratio any analysis could reach that tokenizes the text by the language's
        # rules (as spaCy does) before it matches: the tokenizing alone, against the scan.
        "tokenizing_alone_ratio_to_aho_corasick": round(reference / stages["tokenizing"], 3),
        "peak_rss_mb": round(peak, 1),
    }


def _stage_seconds(documents: list[tuple[Any, Any]]) -> dict[str, float]:
    """Seconds of each stage of one more analysis of the texts, and of the tokenizing
    alone (the scanner's pass over the whole text, by a scanner that has not met its words:
    a part of matching, which tokenizes only the sections that matter)."""
    from ptcheck.cache import collector_paused
    from ptcheck.judgement import Judge
    from ptcheck.language import choose_language
    from ptcheck.matching import _flat
    from ptcheck.scanner import scanner
    from ptcheck.structure import parse_structure

    seconds = dict.fromkeys(("structure", "matching", "judging", "tokenizing"), 0.0)
    for analyzer, document in documents:
        language = choose_language(
            document.text, "", analyzer.checklist.languages, analyzer.language
        )
        scanner.cache_clear()
        with collector_paused():
            start = time.perf_counter()
            structure = parse_structure(document.text, language)
            seconds["structure"] += time.perf_counter() - start
            start = time.perf_counter()
            hits = analyzer.matcher(language).section_hits(structure)
            seconds["matching"] += time.perf_counter() - start
            start = time.perf_counter()
            Judge(analyzer.checklist, structure, hits).results()
            seconds["judging"] += time.perf_counter() - start
            del structure, hits
            scanner.cache_clear()
            start = time.perf_counter()
            scanner(language).tokens(_flat(document.text))
            seconds["tokenizing"] += time.perf_counter() - start
    return seconds


def one_shape(shape: str, megabytes: float, runs: int) -> dict[str, float]:
    if shape == "civil":
        texts = [(_repeat(_statutes(code), megabytes / 3), code) for code in ("es", "fr", "de")]
    else:
        texts = [make(shape, megabytes)]
    return measure(texts, runs)


def _in_fresh_process(shape: str, megabytes: float, runs: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--one", shape, "--megabytes", str(megabytes)]
    done = subprocess.run([*command, "--runs", str(runs)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size by this")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--megabytes", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_shape(args.one, args.megabytes, args.runs)))
        return
    report: dict[str, object] = {}
    for shape in args.shapes.split(","):
        size = DEFAULT_MB[shape] * args.scale
        full = _in_fresh_process(shape, size, args.runs)
        quarter = _in_fresh_process(shape, size / 4, args.runs)
        full["growth_n_to_4n"] = round(full["median_s"] / max(quarter["median_s"], 1e-6), 2)
        report[shape] = full
        print(shape, json.dumps(full), file=sys.stderr, flush=True)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
