"""Analyse many statutes: collect the files, run them in a process pool, keep every result.

Workers are forked once each and build the checklist and the spaCy pipeline once, not
once per file. A file that cannot be read is recorded with its error; it never stops the
batch. Results are written atomically, as they come, so that an interruption keeps all
that was computed and `--resume` carries on from there.
"""

from __future__ import annotations

import fnmatch
import gc
import glob
import hashlib
import json
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ptcheck import __version__
from ptcheck.checklist import LoadedChecklist, load_checklist
from ptcheck.documents import DEFAULT_MAX_SIZE, SUPPORTED_SUFFIXES
from ptcheck.errors import PtcheckError
from ptcheck.files import write_bytes_atomic
from ptcheck.launch import work_begins
from ptcheck.results import SCHEMA_VERSION
from ptcheck.waivers import Waiver

SAVE_EVERY_SECONDS = 2.0


@dataclass
class Outcome:
    """One file's outcome: its analysis (the JSON contract) or its error, and its text."""

    path: str
    result: dict[str, Any] | None = None
    error: str = ""
    text: str = ""

    @property
    def ok(self) -> bool:
        """True when the file was analysed."""
        return self.result is not None


@dataclass
class BatchResult:
    """Every outcome of a batch, in the order of the files."""

    checklist: LoadedChecklist
    outcomes: list[Outcome] = field(default_factory=list)
    skipped: int = 0  # files already in results.json (with --resume)
    interrupted: bool = False  # stopped by Ctrl-C: the outcomes are those computed before
    settings: str = ""  # digest of what else decides a result (see BatchOptions.digest)

    @property
    def analysed(self) -> list[dict[str, Any]]:
        """The results of the files that were analysed."""
        return [o.result for o in self.outcomes if o.result is not None]

    @property
    def failed(self) -> list[Outcome]:
        """The files that could not be read."""
        return [o for o in self.outcomes if not o.ok]

    def as_dict(self) -> dict[str, Any]:
        """results.json: builtins only."""
        checklist = self.checklist.checklist
        verdicts: dict[str, int] = {}
        for result in self.analysed:
            verdicts[result["verdict"]] = verdicts.get(result["verdict"], 0) + 1
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "ptcheck", "version": __version__},
            "checklist": {
                "id": checklist.id,
                "version": checklist.version,
                "title": checklist.title,
                "sha256": self.checklist.sha256,
            },
            "settings": self.settings,
            "summary": {
                "documents": len(self.outcomes),
                "analysed": len(self.analysed),
                "failed": len(self.failed),
                "by_verdict": verdicts,
            },
            "documents": self.analysed,
            "failed": [{"path": o.path, "error": o.error} for o in self.failed],
        }


# --------------------------------------------------------------------------- collecting


def collect(
    paths: Iterable[str],
    include: list[str] | None = None,
    exclude: list[str] | None = None,
    outputs: Path | None = None,
) -> tuple[list[Path], list[Outcome]]:
    """The documents named by `paths` (files, folders, globs), and the paths that are not there.

    Folders are walked recursively without following links to folders (no loops);
    only supported document types are taken from them. `include`/`exclude` are globs
    matched against the file name and the path. Nothing under `outputs` (the batch's
    --out folder) is taken: ptcheck never reads its own reports as statutes.
    """
    found: dict[str, Path] = {}
    problems: list[Outcome] = []
    for raw in paths:
        if glob.has_magic(raw):
            # Path.glob takes no absolute patterns; users give both.
            matches = sorted(glob.glob(raw, recursive=True))  # noqa: PTH207
            if not matches:
                problems.append(Outcome(raw, error=f"{raw}: no file matches this pattern"))
            for match in matches:
                _add(Path(match), found, explicit=False)
            continue
        path = Path(raw)
        if path.is_dir():
            for folder, dirs, files in os.walk(path, followlinks=False):
                dirs.sort()
                for name in sorted(files):
                    _add(Path(folder) / name, found, explicit=False)
        elif path.exists() or path.is_symlink():
            _add(path, found, explicit=True)
        else:
            problems.append(Outcome(raw, error=f"{raw}: no such file or folder"))
    selected = [path for path in found.values() if _wanted(path, include or [], exclude or [])]
    if outputs is not None:
        own = outputs.resolve()
        selected = [path for path in selected if own not in path.resolve().parents]
    return selected, problems


def _add(path: Path, found: dict[str, Path], explicit: bool) -> None:
    if not explicit and (
        path.suffix.lower() not in SUPPORTED_SUFFIXES or path.name.startswith(".")
    ):
        return
    found.setdefault(os.path.normpath(path), path)


def _wanted(path: Path, include: list[str], exclude: list[str]) -> bool:
    text = path.as_posix()

    def hit(patterns: list[str]) -> bool:
        return any(fnmatch.fnmatch(path.name, p) or fnmatch.fnmatch(text, p) for p in patterns)

    return (not include or hit(include)) and not hit(exclude)


# --------------------------------------------------------------------------- workers

_WORKER: Any = None  # the Analyzer of this worker process


def _init_worker(loaded: LoadedChecklist, language: str | None = None) -> None:
    """The analyser of this process (and of the workers it forks), on the checklist the
    command loaded: reading it again took 40-65 ms, even from the cache."""
    global _WORKER
    from ptcheck.analysis import Analyzer

    _WORKER = Analyzer(loaded, language)


def _ignore_interrupts() -> None:
    """In a worker: Ctrl-C is the parent's to handle (it stops the workers itself)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _init_spawned_worker(checklist_path: str, language: str | None) -> None:
    """A spawned worker reads the checklist itself (nothing is inherited)."""
    _ignore_interrupts()
    _init_worker(load_checklist(Path(checklist_path)), language)


class TimeLimitReached(Exception):
    """A document took longer than the batch's time limit."""


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeLimitReached in this thread after `seconds` (0: no limit).

    The alarm interrupts Python code and regular expressions; a single call into compiled
    code that never returns to Python is stopped when it returns.
    """
    usable = seconds > 0 and hasattr(signal, "setitimer")
    try:
        previous = signal.signal(signal.SIGALRM, _on_alarm) if usable else None
    except ValueError:  # not the main thread: no alarms there
        usable = False
    if usable:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        if usable:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _on_alarm(signum: int, frame: object) -> None:
    raise TimeLimitReached


def _analyze_one(path: str, options: BatchOptions) -> Outcome:
    from ptcheck.documents import read_document

    try:
        with _time_limit(options.time_limit):
            document = read_document(Path(path), options.max_size)
            result = _WORKER.analyze(document, options.waivers)
    except PtcheckError as error:
        return Outcome(path, error=error.message)
    except TimeLimitReached:
        return Outcome(
            path, error=f"{path}: not analysed within the time limit ({options.time_limit:g} s)"
        )
    except (OSError, MemoryError, RecursionError) as error:  # a file that vanished, etc.
        return Outcome(path, error=f"{path}: {error.__class__.__name__}: {error}")
    return Outcome(path, result=result.as_dict(), text=document.text if options.keep_text else "")


def _analyze_chunk(paths: list[str], options: BatchOptions) -> list[Outcome]:
    """Several documents in one task: each task costs the parent 0.5 to 0.7 ms of its own
    CPU, taken from the workers' cores, where a short law takes a worker about 4 ms and a
    50 KB one about 15 ms (500 such laws, 2 jobs, four interleaved runs: 4.62 to 4.73 s in
    tasks of four, 4.74 to 5.08 s one by one)."""
    return [_analyze_one(path, options) for path in paths]


CHUNK_BYTES = 200_000  # a task holds documents up to about this size on disk ...
CHUNK_DOCUMENTS = 16  # ... and no more than this many


def _chunks(paths: list[Path], one_at_a_time: bool) -> Iterator[list[Path]]:
    """`paths` in order, in tasks of documents that together are small (one per task when
    `one_at_a_time`: then a worker that dies names its document)."""
    chunk: list[Path] = []
    size = 0
    for path in paths:
        with suppress(OSError):
            size += path.stat().st_size
        chunk.append(path)
        if one_at_a_time or size >= CHUNK_BYTES or len(chunk) >= CHUNK_DOCUMENTS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a file's bytes (None when it cannot be read)."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


# --------------------------------------------------------------------------- running


@dataclass
class BatchOptions:
    """How to run a batch."""

    jobs: int = 0  # 0: every core
    max_size: int = DEFAULT_MAX_SIZE
    keep_text: bool = False  # needed for the HTML report
    resume_from: Path | None = None  # a results.json whose documents need not be redone
    waivers: list[Waiver] = field(default_factory=list)
    language: str | None = None  # read every document in this language (`--language`)
    time_limit: float = 600.0  # seconds a document may take; 0: no limit

    def digest(self) -> str:
        """What, besides the checklist and the document, decides a result: the ptcheck
        version, waivers, the forced language and the size limit. `--resume` reuses a
        result only when it is the same."""
        settings = {
            "ptcheck": __version__,
            "waivers": sorted((w.item, w.reason) for w in self.waivers),
            "language": self.language,
            "max_size": self.max_size,
        }
        return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()


def run_batch(
    files: list[Path],
    loaded: LoadedChecklist,
    options: BatchOptions,
    on_outcome: Callable[[BatchResult, Outcome], None] | None = None,
    on_skip: Callable[[int], None] | None = None,
) -> BatchResult:
    """Analyse `files`; call `on_outcome` after each (for progress and incremental saving).

    Ctrl-C stops the run: the batch returned holds what was computed, `interrupted` set.
    """
    batch = BatchResult(loaded, settings=options.digest())
    todo = list(files)
    if options.resume_from is not None:
        done = _previous_results(options.resume_from, loaded, batch.settings)
        kept: list[Path] = []
        for path in todo:
            digest = file_sha256(path)
            previous = done.get(digest or "")
            if previous is not None:
                document = {**previous["document"], "path": str(path)}
                batch.outcomes.append(Outcome(str(path), result={**previous, "document": document}))
                batch.skipped += 1
            else:
                kept.append(path)
        todo = kept
        if on_skip:
            on_skip(batch.skipped)
    cores = os.cpu_count() or 1
    jobs = min(options.jobs or cores, cores)  # more workers than cores only cost memory
    fork = "fork" in multiprocessing.get_all_start_methods()
    if jobs <= 1 or len(todo) <= 1 or (not fork and _total_bytes(todo) < IN_PROCESS_BYTES):
        _init_worker(loaded, options.language)
        work_begins()
        try:
            for path in todo:
                _record(batch, _analyze_one(str(path), options), on_outcome)
        except KeyboardInterrupt:
            batch.interrupted = True
        return batch
    if fork:
        _init_worker(loaded, options.language)  # forked workers inherit it
        _prepare_languages(todo[:: max(1, len(todo) // LANGUAGE_PROBE)], options)
        gc.freeze()  # what the workers inherit stays shared: the collector never touches it
    work_begins()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    pool_options: dict[str, Any] = (
        {"initializer": _ignore_interrupts}
        if fork
        else {"initializer": _init_spawned_worker, "initargs": (str(loaded.path), options.language)}
    )
    # A worker that dies (killed, out of memory) breaks the pool: the documents it may have
    # held run again in a fresh pool, and then one at a time, so that a document that kills
    # its worker is the only one recorded as failed.
    remaining = list(todo)
    for _ in range(WORKER_ROUNDS - 1):
        if batch.interrupted or not remaining:
            break
        remaining = _run_pool(batch, remaining, jobs, options, context, pool_options, on_outcome)
    while remaining and not batch.interrupted:  # one at a time: a break names its document
        remaining = _run_pool(batch, remaining, 1, options, context, pool_options, on_outcome)
        if remaining:
            culprit, *remaining = remaining
            _record(batch, Outcome(str(culprit), error=f"{culprit}: {WORKER_DIED}"), on_outcome)
    gc.unfreeze()
    order = {str(path): i for i, path in enumerate(files)}
    batch.outcomes.sort(key=lambda o: order.get(o.path, len(order)))
    return batch


# Where workers are spawned (no fork: Windows), each imports spaCy and builds its
# matchers, about 0.5 s of wall time more than one process for 4 short laws: a batch smaller
# than this runs in this process (500 short laws, 1.06 MB, broke even: 3.72-3.87 s spawned
# against 3.96-4.14 s alone). Forked workers inherit all that, and a pool of them was never
# slower, even on 4 documents of 3.5 KB (0.69-0.72 s against 0.71-0.74 s), so they always run.
IN_PROCESS_BYTES = 1_000_000


def _total_bytes(paths: list[Path]) -> int:
    """The size of the files on disk (one that cannot be read counts nothing: its own
    analysis reports it)."""
    total = 0
    for path in paths:
        with suppress(OSError):
            total += path.stat().st_size
    return total


LANGUAGE_PROBE = 32  # documents (spread over the batch) read first to learn its languages


def _prepare_languages(paths: list[Path], options: BatchOptions) -> None:
    """Build, before forking, the matchers and scanners of the languages these documents are
    in, so that each worker does not build them again (French alone takes 2 s). A document
    that cannot be read is skipped here; its worker reports it.

    Only the opening of a document is read (a PDF's first pages: 64 PDFs of 15 pages, the
    32 read here took 0.58 s while both cores waited), and none when the language is given."""
    from ptcheck.documents import read_opening
    from ptcheck.language import DETECTION_CHARS, choose_language
    from ptcheck.scanner import scanner

    forced = options.language
    languages = set()
    for path in paths:
        try:
            text = "" if forced else read_opening(path, options.max_size, DETECTION_CHARS)
            languages.add(choose_language(text, str(path), _WORKER.checklist.languages, forced))
        except (PtcheckError, OSError, MemoryError, RecursionError):
            continue
    for language in sorted(languages):
        _WORKER.matcher(language)
        scanner(language)


WORKER_ROUNDS = 3
WORKER_DIED = "the worker analysing it died (killed, or out of memory)"


def _run_pool(
    batch: BatchResult,
    paths: list[Path],
    jobs: int,
    options: BatchOptions,
    context: Any,
    pool_options: dict[str, Any],
    on_outcome: Callable[[BatchResult, Outcome], None] | None,
) -> list[Path]:
    """Run `paths` in one pool; the paths whose results a broken pool lost (with one
    worker, documents go one at a time, so the first of them is the one that broke it)."""
    lost: list[Path] = []
    window = jobs * 4 if jobs > 1 else 1
    pending: dict[Future[list[Outcome]], list[Path]] = {}

    def collect(finished: Iterable[Future[list[Outcome]]]) -> None:
        for future in finished:
            chunk = pending.pop(future)
            try:
                outcomes = future.result()
            except BrokenProcessPool:
                lost.extend(chunk)
                continue
            for outcome in outcomes:
                _record(batch, outcome, on_outcome)

    pool = ProcessPoolExecutor(jobs, mp_context=context, **pool_options)
    try:
        for chunk in _chunks(paths, one_at_a_time=jobs == 1):
            if lost:  # the pool is broken: the rest waits for the next one
                lost.extend(chunk)
                continue
            with _interrupts_deferred():  # the first submit forks the workers
                future = pool.submit(_analyze_chunk, [str(path) for path in chunk], options)
                pending[future] = chunk
            if len(pending) >= window:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                collect(finished)
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            collect(finished)
    except KeyboardInterrupt:
        batch.interrupted = True
        _stop_workers(pool)
    else:
        pool.shutdown(wait=True)
    return lost


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C back while the block runs, then act on it.

    A fork runs the logging module's lock hooks. Ctrl-C inside them printed two
    tracebacks ("cannot release un-acquired lock"). Ctrl-C between the fork and a worker's
    own handler raised in the worker. Here the interrupt is only noted; the handler that
    was in place acts on it when the block ends. Forked workers inherit this quiet handler
    until they set their own.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set a handler (and only it receives signals)
        return
    noted: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: noted.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if noted:
        if callable(previous):
            previous(signal.SIGINT, None)  # Python's own handler raises KeyboardInterrupt
        elif previous == signal.SIG_DFL:
            raise KeyboardInterrupt


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Stop a pool at once: queued work is dropped and running workers are ended, so that
    none is left holding the terminal's pipes (workers ignore Ctrl-C themselves). A second
    Ctrl-C meanwhile is ignored: the stop is already under way."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The executor offers no way to end running workers; its process table is the only handle.
    workers = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.join(timeout=5)
        if worker.is_alive():
            worker.kill()
    signal.signal(signal.SIGINT, previous)


def _record(
    batch: BatchResult, outcome: Outcome, on_outcome: Callable[[BatchResult, Outcome], None] | None
) -> None:
    batch.outcomes.append(outcome)
    if on_outcome:
        on_outcome(batch, outcome)


def _previous_results(
    path: Path, loaded: LoadedChecklist, settings: str
) -> dict[str, dict[str, Any]]:
    """Results of an earlier run (same checklist and settings), by document hash."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    checklist = data.get("checklist", {}) if isinstance(data, dict) else {}
    if (checklist.get("id"), checklist.get("version"), checklist.get("sha256")) != (
        loaded.checklist.id,
        loaded.checklist.version,
        loaded.sha256,
    ) or data.get("settings") != settings:
        return {}
    return {
        doc["document"]["sha256"]: doc
        for doc in data.get("documents", [])
        if isinstance(doc, dict) and "document" in doc
    }


# --------------------------------------------------------------------------- writing


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so that a reader never sees half a file."""
    # A file name with undecodable bytes (legal on Linux) holds lone surrogates: written as
    # \udcff escapes, valid in JSON and readable anywhere, instead of failing.
    write_bytes_atomic(path, text.encode("utf-8", errors="backslashreplace"))


def safe_output_path(folder: Path, name: str) -> Path:
    """`folder/name`, refusing names that would leave the folder."""
    target = (folder / name).resolve()
    if folder.resolve() not in target.parents:
        raise PtcheckError(f"{name}: refusing to write outside {folder}")
    return target


class Saver:
    """Saves results.json every few seconds while a batch runs, and at the end."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.last = 0.0

    def maybe_save(self, batch: BatchResult, force: bool = False) -> None:
        """Write results.json when due (or when `force`)."""
        if self.folder is None:
            return
        now = time.monotonic()
        if force or now - self.last >= SAVE_EVERY_SECONDS:
            from ptcheck.formatters.json import json_text

            write_atomic(
                safe_output_path(self.folder, "results.json"),
                json_text(batch.as_dict()),
            )
            self.last = now
