"""The command line: thin glue over the pipeline. Heavy imports happen inside commands."""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

import typer

from ptcheck import __version__
from ptcheck.errors import (
    EXIT_BELOW_THRESHOLD,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    ChecklistError,
    PtcheckError,
    printable,
)

if TYPE_CHECKING:
    from ptcheck.analysis import Analyzer
    from ptcheck.checklist import LoadedChecklist
    from ptcheck.config import Config
    from ptcheck.results import DocumentResult
    from ptcheck.waivers import Waiver

app = typer.Typer(
    help="Check a statute against an international instrument, item by item, with the"
    " statute's own words as evidence (the instruments: ptcheck checklist list).",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
checklist_app = typer.Typer(help="Validate, show and describe checklists.", no_args_is_help=True)
app.add_typer(checklist_app, name="checklist")

LANGUAGE_OPTION = typer.Option(
    None,
    "--language",
    "-l",
    help="Read documents in this language (en, de, es, fr, it, pt) instead of detecting it.",
)
CHECKLIST_OPTION = typer.Option(
    None,
    "--checklist",
    help="A bundled checklist by name (ptcheck checklist list) or a checklist YAML file"
    " (default: the bundled default).",
)
DEBUG_OPTION = typer.Option(False, "--debug", help="Show a full traceback on errors.")

# Where the settings come from: set by --config / --isolated (eager, before the command runs).
_CONFIG_SOURCE: dict[str, Any] = {"path": None, "isolated": False}


def _config_file(value: Path | None) -> Path | None:
    _CONFIG_SOURCE["path"] = value
    return value


def _isolated(value: bool) -> bool:
    _CONFIG_SOURCE["isolated"] = value
    return value


CONFIG_OPTION = typer.Option(
    None,
    "--config",
    help="Read settings from this ptcheck.toml or pyproject.toml, not the one found upwards.",
    dir_okay=False,
    is_eager=True,
    callback=_config_file,
)
ISOLATED_OPTION = typer.Option(
    False, "--isolated", help="Read no configuration file.", is_eager=True, callback=_isolated
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ptcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """ptcheck: how far a statute gives effect to an instrument, item by item."""


def _fail(error: PtcheckError, debug: bool) -> NoReturn:
    if debug:
        traceback.print_exc()
    lines = error.problems if isinstance(error, ChecklistError) else error.message.split("\n")
    for line in lines:
        typer.echo(f"ptcheck: error: {line}", err=True)
    raise typer.Exit(error.exit_code)


def _load(name: str | None) -> LoadedChecklist:
    """The checklist a bundled name or a path names (None: the default one)."""
    from ptcheck.checklist import checklist_path, load_checklist

    return load_checklist(checklist_path(name))


def _configured_checklist(flag: str | None) -> LoadedChecklist:
    """The checklist named by the flag, else by the configuration, else the default one."""
    return _load(_settings(checklist=flag).get("checklist"))


def _color(no_color: bool, output: Path | None) -> bool:
    if no_color or output is not None or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def _claim_output_folder(out: Path) -> IO[str]:
    """Check that --out can be written before any work is done, and lock it so that a
    second batch writing there at the same time stops with an error instead of silently
    replacing the first one's results. The lock ends with the process, however it ends."""
    import fcntl

    try:
        out.mkdir(parents=True, exist_ok=True)
        handle = (out / ".ptcheck.lock").open("w", encoding="utf-8")
    except OSError as exc:
        raise PtcheckError(f"{out}: cannot write there ({exc.strerror or exc})") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise PtcheckError(f"{out}: another batch is writing there; wait for it to end") from None
    return handle


def _write(text: str, output: Path | None, inputs: Sequence[Path] = ()) -> None:
    """The report to stdout, or to `output`: atomically onto a regular file or a new path,
    straight through to a device, FIFO or /dev/stdout; never over a document it reads."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    import stat

    from ptcheck.batch import write_atomic

    try:
        if output.exists() and any(output.samefile(p) for p in inputs if p.exists()):
            raise PtcheckError(f"{output}: --output names a document being analysed")
        if output.exists() and not stat.S_ISREG(output.stat().st_mode):
            with output.open("w", encoding="utf-8", errors="backslashreplace") as handle:
                handle.write(text)
            return
        write_atomic(output.resolve() if output.is_symlink() else output, text)
    except OSError as exc:
        raise PtcheckError(f"{output}: cannot write ({exc.strerror or exc})") from None


FAIL_ON_OPTION = typer.Option(
    None,
    "--fail-on",
    help="Exit 1 when an item of this severity or above is not met: required or recommended.",
)


def _settings(**flags: Any) -> Config:
    """The configuration file's settings, overridden by the flags given."""
    from ptcheck.config import load_config

    if _CONFIG_SOURCE["path"] is not None and _CONFIG_SOURCE["isolated"]:
        raise PtcheckError("--config and --isolated exclude each other")
    config = load_config(path=_CONFIG_SOURCE["path"], isolated=_CONFIG_SOURCE["isolated"])
    for key, value in flags.items():
        config.override(key, value)
    return config


def _waivers(config: Config) -> list[Waiver]:
    from ptcheck.waivers import Waiver

    waived: dict[str, str] = config.get("waive")
    source = config.sources["waive"]
    return [Waiver(item, reason, source) for item, reason in waived.items()]


@app.command()
def analyze(
    files: list[Path] = typer.Argument(
        ..., help="Statutes to analyse (.txt, .md, .pdf, .docx, .html)."
    ),
    output_format: str | None = typer.Option(
        None,
        "--format",
        "-f",
        help="text (default), json, markdown, html, sarif, junit, github or line.",
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the report to this file."
    ),
    checklist: str | None = CHECKLIST_OPTION,
    fail_under: float | None = typer.Option(
        None, "--fail-under", min=0, max=100, help="Exit 1 when a score is below this (0-100)."
    ),
    fail_on: str | None = FAIL_ON_OPTION,
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Show context and messages for every item."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Show only the score and verdict."),
    no_color: bool = typer.Option(
        False, "--no-color", help="No colour (NO_COLOR is honoured too)."
    ),
    max_size: int | None = typer.Option(
        None, "--max-size", min=1, help="Refuse documents larger than this many bytes (50 MB)."
    ),
    language: str | None = LANGUAGE_OPTION,
    stdin_filename: str | None = typer.Option(
        None, "--stdin-filename", help="The name of standard input (FILE '-') in reports."
    ),
    config_file: Path | None = CONFIG_OPTION,
    isolated: bool = ISOLATED_OPTION,
    debug: bool = DEBUG_OPTION,
) -> None:
    """Analyse statutes and report, item by item, what they cover, with evidence.

    FILE '-' reads standard input (its format from --stdin-filename's suffix, or its content).
    """
    from ptcheck.formatters import FORMATS, RenderOptions, renderer

    try:
        if verbose and quiet:
            raise PtcheckError("--verbose and --quiet exclude each other")
        config = _settings(
            format=output_format,
            checklist=checklist,
            fail_under=fail_under,
            fail_on=fail_on,
            max_size=max_size,
        )
        _check_choice("format", config.get("format"), FORMATS)
        _severities(config.get("fail_on"))
        analyzer = _analyzer(_load(config.get("checklist")), language)
    except PtcheckError as error:
        _fail(error, debug)
    waivers = _waivers(config)
    results: list[DocumentResult] = []
    failures: list[tuple[str, str]] = []
    for path in files:
        try:
            if str(path) == "-":
                from ptcheck.documents import read_stdin

                document = read_stdin(Path(stdin_filename or "-"), config.get("max_size"))
                result = analyzer.analyze(document, waivers)
            else:
                result = analyzer.analyze_path(path, config.get("max_size"), waivers)
        except PtcheckError as error:
            failures.append((str(path), error.message))
            if debug:
                traceback.print_exc()
            typer.echo(f"ptcheck: error: {error.message}", err=True)
            continue
        results.append(result)
        for warning in result.warnings:
            typer.echo(f"ptcheck: warning: {warning}", err=True)
    options = RenderOptions(
        color=_color(no_color, output),
        width=_width(output),
        verbosity=0 if quiet else 2 if verbose else 1,
        several=len(files) > 1,
        failures=tuple(failures),
    )
    if results or (options.several and config.get("format") == "json"):
        try:
            _write(renderer(config.get("format"))(results, options), output, files)
        except PtcheckError as error:
            _fail(error, debug)
    code = _exit_code(results, len(failures), config.get("fail_under"), config.get("fail_on"))
    raise typer.Exit(code)


def _width(output: Path | None = None) -> int:
    """The report's width: COLUMNS if set, else the terminal's (when writing to one), else 110."""
    if os.environ.get("COLUMNS", "").isdigit():
        return int(os.environ["COLUMNS"])
    if output is None and sys.stdout.isatty():
        import shutil

        return shutil.get_terminal_size((110, 24)).columns
    return 110


def _analyzer(loaded: LoadedChecklist, language: str | None) -> Analyzer:
    """An analyzer for the checklist, reading every document in `language` when one is given."""
    from ptcheck.analysis import Analyzer

    if language is not None:
        _check_choice("language", language, _languages(loaded))
    return Analyzer(loaded, language)


def _languages(loaded: LoadedChecklist) -> tuple[str, ...]:
    from ptcheck.language import pack_codes

    return tuple(c for c in pack_codes() if c in loaded.checklist.languages)


def _check_choice(name: str, value: str, choices: tuple[str, ...] | set[str]) -> None:
    if value not in choices:
        raise PtcheckError(f"unknown {name} {value!r} (choose from {', '.join(choices)})")


def _exit_code(
    results: list[DocumentResult], failed: int, fail_under: float | None, fail_on: str | None
) -> int:
    """2 when any document could not be read; 1 when a threshold is crossed; else 0.

    Thresholds: a score below `fail_under`; an item not met (missing or partial; waived
    items count as met) whose severity is `fail_on` or above (required > recommended).
    """
    if failed:
        return EXIT_USAGE
    crossed = _thresholds_crossed(results, fail_under, fail_on)
    for line in crossed:
        typer.echo(f"ptcheck: {line}", err=True)
    return EXIT_BELOW_THRESHOLD if crossed else EXIT_OK


def _thresholds_crossed(
    results: list[DocumentResult], fail_under: float | None, fail_on: str | None
) -> list[str]:
    """One line per document and threshold crossed, saying which and why."""
    lines = []
    severities = {"required"} if fail_on == "required" else {"required", "recommended"}
    for result in results:
        path = result.document.path
        if fail_under is not None and result.score < fail_under:
            lines.append(f"{path}: --fail-under {fail_under:g}: score {result.score:.1f}")
        if fail_on is not None:
            failing = [
                i.id
                for i in result.items
                if i.status in ("missing", "partial") and i.severity in severities
            ]
            if failing:
                lines.append(
                    f"{path}: --fail-on {fail_on}: {len(failing)} {fail_on} items not met:"
                    f" {', '.join(failing)}"
                )
    return lines


@app.command("config")
def show_config(
    config_file: Path | None = CONFIG_OPTION,
    isolated: bool = ISOLATED_OPTION,
    debug: bool = DEBUG_OPTION,
) -> None:
    """Print the effective settings and where each comes from."""
    from ptcheck.config import KEYS

    try:
        config = _settings()
    except PtcheckError as error:
        _fail(error, debug)
    where = "(--isolated: none read)" if isolated else f"(none found from {Path.cwd()})"
    typer.echo(f"configuration file: {config.path or where}")
    for key in KEYS:
        value = config.get(key)
        typer.echo(f"{key} = {json.dumps(value)}    # {config.sources[key]}")


@app.command()
def diff(
    old: Path = typer.Argument(..., help="The earlier version of the draft."),
    new: Path = typer.Argument(..., help="The later version."),
    output_format: str = typer.Option("text", "--format", "-f", help="text, json or markdown."),
    checklist: str | None = CHECKLIST_OPTION,
    language: str | None = LANGUAGE_OPTION,
    config_file: Path | None = CONFIG_OPTION,
    isolated: bool = ISOLATED_OPTION,
    debug: bool = DEBUG_OPTION,
) -> None:
    """Compare two versions of a draft: items gained and lost, evidence moved, score change.

    Exits 1 when any item got worse, 0 otherwise.
    """
    from ptcheck.drafts import compare
    from ptcheck.formatters.diff import render_diff

    try:
        _check_choice("format", output_format, ("text", "json", "markdown"))
        config = _settings(checklist=str(checklist) if checklist else None)
        analyzer = _analyzer(_load(config.get("checklist")), language)
        waivers = _waivers(config)
        before = analyzer.analyze_path(old, config.get("max_size"), waivers)
        after = analyzer.analyze_path(new, config.get("max_size"), waivers)
    except PtcheckError as error:
        _fail(error, debug)
    comparison = compare(before, after)
    sys.stdout.write(render_diff(comparison, output_format))
    raise typer.Exit(EXIT_BELOW_THRESHOLD if comparison.worse else EXIT_OK)


@app.command()
def batch(
    paths: list[str] = typer.Argument(..., help="Files, folders (recursive) and globs."),
    include: list[str] = typer.Option(
        [], "--include", help="Only files matching this glob (repeatable)."
    ),
    exclude: list[str] = typer.Option(
        [], "--exclude", help="Leave out files matching this glob (repeatable)."
    ),
    jobs: int | None = typer.Option(
        None, "--jobs", "-j", min=0, help="Worker processes (0: every core)."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Write results.json, matrix.csv and report.html here."
    ),
    resume: bool = typer.Option(
        False, "--resume", help="Skip documents already in --out/results.json."
    ),
    output_format: str = typer.Option(
        "text", "--format", "-f", help="text (summary), json or csv to stdout."
    ),
    checklist: str | None = CHECKLIST_OPTION,
    fail_under: float | None = typer.Option(
        None, "--fail-under", min=0, max=100, help="Exit 1 when a score is below this."
    ),
    fail_on: str | None = FAIL_ON_OPTION,
    max_size: int | None = typer.Option(
        None, "--max-size", min=1, help="Refuse documents larger than this many bytes."
    ),
    time_limit: float | None = typer.Option(
        None,
        "--time-limit",
        min=0,
        help="Record a document as failed when it takes longer than this many seconds "
        "(default 600; 0: no limit).",
    ),
    no_color: bool = typer.Option(
        False, "--no-color", help="No colour (NO_COLOR is honoured too)."
    ),
    language: str | None = LANGUAGE_OPTION,
    config_file: Path | None = CONFIG_OPTION,
    isolated: bool = ISOLATED_OPTION,
    debug: bool = DEBUG_OPTION,
) -> None:
    """Analyse a whole folder of statutes in parallel; compare them side by side."""
    from ptcheck.batch import BatchOptions, BatchResult, Outcome, Saver, collect, run_batch

    try:
        _check_choice("format", output_format, ("text", "json", "csv"))
        if resume and out is None:
            raise PtcheckError("--resume needs --out (where results.json is)")
        if out is not None and out.exists() and not out.is_dir():
            raise PtcheckError(f"{out}: --out names a folder to write into, and this is a file")
        config = _settings(
            include=include,
            exclude=exclude,
            jobs=jobs,
            fail_under=fail_under,
            fail_on=fail_on,
            max_size=max_size,
            time_limit=time_limit,
            checklist=checklist,
        )
        loaded = _load(config.get("checklist"))
        if language is not None:
            _check_choice("language", language, _languages(loaded))
        lock = _claim_output_folder(out) if out is not None else None
    except PtcheckError as error:
        _fail(error, debug)
    cores = os.cpu_count() or 1
    if config.get("jobs") > cores:
        typer.echo(
            f"ptcheck: --jobs {config.get('jobs')}: capped at the {cores} cores here", err=True
        )
    files, missing = collect(paths, config.get("include"), config.get("exclude"), out)
    options = BatchOptions(
        jobs=config.get("jobs"),
        max_size=config.get("max_size"),
        keep_text=out is not None,
        resume_from=(out / "results.json") if resume and out is not None else None,
        waivers=_waivers(config),
        language=language,
        time_limit=config.get("time_limit"),
    )
    saver = Saver(out)
    progress, task = _progress(len(files), no_color)

    def advance(batch: BatchResult, outcome: Outcome) -> None:
        progress.advance(task)
        saver.maybe_save(batch)

    with progress:
        result = run_batch(
            files, loaded, options, on_outcome=advance, on_skip=lambda n: progress.advance(task, n)
        )
    result.outcomes = missing + result.outcomes
    # After a Ctrl-C, a second one must not cut the saving of what was computed.
    handler = signal.signal(signal.SIGINT, signal.SIG_IGN) if result.interrupted else None
    try:
        _write_batch_outputs(result, out)
    except PtcheckError as error:
        _fail(error, debug)
    finally:
        if lock is not None:
            lock.close()  # releases the folder for the next batch
        if handler is not None:
            signal.signal(signal.SIGINT, handler)
    if result.interrupted:
        kept = f"; the {len(result.outcomes)} results computed are in {out}" if out else ""
        typer.echo(f"ptcheck: interrupted{kept} (--resume carries on)", err=True)
        raise typer.Exit(EXIT_INTERRUPTED)
    for failure in result.failed:
        typer.echo(f"ptcheck: error: {failure.error}", err=True)
    if output_format == "json":
        from ptcheck.formatters.json import json_text

        sys.stdout.write(json_text(result.as_dict()))
    elif output_format == "csv":
        from ptcheck.formatters.csv import render_matrix

        sys.stdout.write(render_matrix(result.analysed, result.as_dict()["failed"]))
    else:
        from ptcheck.formatters.summary import render_summary

        sys.stdout.write(render_summary(result, _color(no_color, None), _width()))
    if result.failed:
        raise typer.Exit(EXIT_USAGE)
    threshold, severities = config.get("fail_under"), _severities(config.get("fail_on"))
    for document in result.analysed:
        below = threshold is not None and document["score"] < threshold
        unmet = any(
            i["status"] in ("missing", "partial") and i["severity"] in severities
            for i in document["items"]
        )
        if below or unmet:
            raise typer.Exit(EXIT_BELOW_THRESHOLD)


def _severities(fail_on: str | None) -> set[str]:
    """The severities --fail-on covers: required, or required and recommended."""
    if fail_on is None:
        return set()
    _check_choice("fail-on", fail_on, ("required", "recommended"))
    return {"required"} if fail_on == "required" else {"required", "recommended"}


def _progress(total: int, no_color: bool) -> tuple[Any, Any]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        Task,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Documents per second."""

        def render(self, task: Task) -> Text:
            return Text(f"{task.speed:.1f} docs/s" if task.speed else "")

    console = Console(stderr=True, no_color=no_color or bool(os.environ.get("NO_COLOR")))
    progress = Progress(
        TextColumn("analysing"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )
    task = progress.add_task("batch", total=total)
    return progress, task


def _write_batch_outputs(result: Any, out: Path | None) -> None:
    if out is None:
        return
    from ptcheck.batch import Saver, safe_output_path, write_atomic
    from ptcheck.documents import read_document
    from ptcheck.formatters.csv import render_matrix
    from ptcheck.formatters.html import render_report

    Saver(out).maybe_save(result, force=True)
    data = result.as_dict()
    write_atomic(
        safe_output_path(out, "matrix.csv"), render_matrix(result.analysed, data["failed"])
    )
    texts: dict[str, str] = {}
    for outcome in result.outcomes:
        if outcome.ok:
            text = outcome.text
            if not text:  # resumed: read it again for the report
                try:
                    text = read_document(Path(outcome.path)).text
                except PtcheckError:
                    text = ""
            texts[outcome.path] = text
    write_atomic(
        safe_output_path(out, "report.html"), render_report(result.analysed, texts, data["failed"])
    )


@app.command("eval")
def evaluate(
    folder: Path = typer.Argument(
        ..., help="A folder of labelled statutes: <id>/<id>.txt + <id>/<id>.yaml."
    ),
    checklist: str | None = CHECKLIST_OPTION,
    min_accuracy: float | None = typer.Option(
        None, "--min-accuracy", min=0, max=1, help="Exit 1 when item accuracy is below this (0-1)."
    ),
    output_format: str = typer.Option("text", "--format", "-f", help="text or json."),
    debug: bool = DEBUG_OPTION,
) -> None:
    """Compare ptcheck's verdicts with expert labels: accuracy, false met, false missing."""
    from ptcheck.analysis import Analyzer
    from ptcheck.evaluation import evaluate_folder

    if output_format not in {"text", "json"}:
        typer.echo(
            f"ptcheck: error: unknown format {output_format!r} (choose from text, json)", err=True
        )
        raise typer.Exit(EXIT_USAGE)
    try:
        loaded = _configured_checklist(checklist)
        evaluation = evaluate_folder(Analyzer(loaded), folder, loaded.path.stem)
    except PtcheckError as error:
        _fail(error, debug)
    if output_format == "json":
        typer.echo(json.dumps(evaluation.as_dict(), indent=2))
    else:
        from ptcheck.formatters.evaluation import render_evaluation

        typer.echo(render_evaluation(evaluation))
    failed = any(statute.error for statute in evaluation.statutes)
    for statute in evaluation.statutes:
        if statute.error:
            typer.echo(f"ptcheck: error: {statute.error}", err=True)
    if failed:
        raise typer.Exit(EXIT_USAGE)
    if min_accuracy is not None and evaluation.accuracy < min_accuracy:
        typer.echo(
            f"ptcheck: accuracy {evaluation.accuracy:.3f} is below --min-accuracy {min_accuracy}",
            err=True,
        )
        raise typer.Exit(EXIT_BELOW_THRESHOLD)


@app.command()
def explain(
    item_id: str = typer.Argument(..., help="An item id (ptcheck checklist show lists them)."),
    checklist: str | None = CHECKLIST_OPTION,
    debug: bool = DEBUG_OPTION,
) -> None:
    """Explain one checklist item: what it requires, how it is found, how to close the gap."""
    try:
        loaded = _configured_checklist(checklist)
    except PtcheckError as error:
        _fail(error, debug)
    item = loaded.checklist.item(item_id)
    if item is None:
        typer.echo(f"ptcheck: error: no item {item_id!r} in {loaded.path}", err=True)
        raise typer.Exit(EXIT_USAGE)
    category = loaded.checklist.category_title(item.category)
    lines = [
        f"{item.id} — {item.title}",
        f"Article {item.article} · {category} · {item.severity} · weight {item.weight:g}",
        "",
        "What it requires:",
        f"  {' '.join(item.requirement.split())}",
        "",
        "How a drafter can close the gap:",
        f"  {' '.join(item.guidance.split())}",
        "",
        "Example that meets it:",
        *(f"  {example}" for example in item.examples.met),
        "Example that does not:",
        *(f"  {example}" for example in item.examples.missing),
    ]
    if item.kind == "absence":
        lines += [
            "",
            "Met unless the offence is narrowed; terms that narrow it: "
            + ", ".join(dict.fromkeys(item.narrowing.terms() if item.narrowing else ())),
        ]
    elif item.met:
        lines += [
            "",
            f"Looked for in: {WHERE[item.where]};"
            f" terms: {', '.join(dict.fromkeys(item.met.terms()))}",
        ]
    typer.echo("\n".join(lines))


WHERE = {
    "document": "the whole document",
    "offence": "the offence and its definitions",
    "related": "the offence, its definitions and the provisions that refer to it",
}


@checklist_app.command("validate")
def checklist_validate(
    file: str = typer.Argument(..., help="The checklist YAML file (or bundled name) to check."),
    debug: bool = DEBUG_OPTION,
) -> None:
    """Check a checklist file; print every problem as file:line:col: key.path: message."""
    try:
        loaded = _load(file)
    except PtcheckError as error:
        _fail(error, debug)
    typer.echo(
        f"{file}: valid ({len(loaded.checklist.items)} items,"
        f" checklist {loaded.checklist.id} {loaded.checklist.version})"
    )
    from ptcheck.matching import capped_phrases
    from ptcheck.nlp import MAX_FORMS_PER_PHRASE

    for capped in capped_phrases(loaded.checklist):
        typer.echo(
            f"{file}: warning: terms.{capped.term}.{capped.language}: {capped.phrase!r} has"
            f" {capped.forms} forms; only the first {MAX_FORMS_PER_PHRASE} are matched"
            f" (left out: {', '.join(capped.dropped)}, …); write its words with '=' to keep"
            " the ones that matter"
        )


@checklist_app.command("list")
def checklist_list(debug: bool = DEBUG_OPTION) -> None:
    """List the bundled checklists: name (for --checklist), id, version, languages, items."""
    from ptcheck.checklist import DEFAULT_CHECKLIST, bundled_checklists, load_checklist

    for name, path in bundled_checklists().items():
        try:
            checklist = load_checklist(path).checklist
        except PtcheckError as error:
            _fail(error, debug)
        default = " (default)" if name == DEFAULT_CHECKLIST else ""
        typer.echo(
            f"{name}{default}: {checklist.id} {checklist.version}, {len(checklist.items)} items,"
            f" languages {', '.join(checklist.languages)}: {checklist.title}"
        )


@checklist_app.command("test")
def checklist_test(
    checklist: str = typer.Argument(..., help="A bundled checklist's name or a checklist file."),
    laws: Path | None = typer.Option(
        None,
        "--laws",
        help="Sample laws with sidecars (law.expected.yaml) to run too (default: the"
        " sample_laws folder beside the checklists folder, when there is one).",
    ),
    debug: bool = DEBUG_OPTION,
) -> None:
    """Run a checklist's examples, and the sample laws whose sidecars name it; exit 1 on
    any result that differs from what is expected."""
    from ptcheck.analysis import Analyzer
    from ptcheck.selftest import run_selftest

    try:
        loaded = _load(checklist)
        if laws is None and loaded.path.parent.name == "checklists":
            beside = loaded.path.parent.parent / "sample_laws"
            laws = beside if beside.is_dir() else None
        if laws is not None and not laws.is_dir():
            raise PtcheckError(f"{laws}: --laws names a folder of sample laws")
        outcome = run_selftest(Analyzer(loaded), loaded.path.stem, laws)
    except PtcheckError as error:
        _fail(error, debug)
    for mismatch in outcome.mismatches:
        typer.echo(f"FAIL {printable(mismatch)}")
    where = f" in {laws}" if laws is not None else " (no sample laws folder: --laws DIR)"
    typer.echo(
        f"{loaded.path.stem}: {outcome.examples} examples, {outcome.laws} sample laws{where}:"
        f" {len(outcome.mismatches)} mismatches"
    )
    if outcome.mismatches:
        raise typer.Exit(EXIT_BELOW_THRESHOLD)


@checklist_app.command("schema")
def checklist_schema() -> None:
    """Print the JSON Schema of checklist files (for editors)."""
    from ptcheck.checklist import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


@checklist_app.command("show")
def checklist_show(
    checklist: str | None = CHECKLIST_OPTION,
    debug: bool = DEBUG_OPTION,
) -> None:
    """List the items of a checklist as a table."""
    from rich.console import Console
    from rich.table import Table

    try:
        loaded = _configured_checklist(checklist)
    except PtcheckError as error:
        _fail(error, debug)
    table = Table(
        title=f"{loaded.checklist.title} ({loaded.checklist.id} {loaded.checklist.version})"
    )
    for column in ("id", "article", "category", "title", "severity", "weight"):
        table.add_column(column)
    for item in loaded.checklist.items:
        table.add_row(
            item.id, item.article, item.category, item.title, item.severity, f"{item.weight:g}"
        )
    Console(
        no_color=bool(os.environ.get("NO_COLOR")), width=int(os.environ.get("COLUMNS", "0")) or 120
    ).print(table)


EXIT_INTERNAL = 3


def _click_errors() -> tuple[tuple[type[Exception], ...], tuple[type[BaseException], ...]]:
    """(usage errors, aborts) of every click typer may raise: the installed `click`, and
    the copy typer 0.29 and later vendor as `typer._click` (different classes)."""
    modules: list[Any] = [typer, getattr(typer, "_click", None)]
    modules.append(getattr(modules[-1], "exceptions", None))
    try:
        import click

        modules.append(click)
    except ImportError:  # a typer that vendors click may be installed without it
        pass
    found = [m for m in modules if m is not None]
    usage = {
        m.ClickException for m in found if isinstance(getattr(m, "ClickException", None), type)
    }
    aborts = {m.Abort for m in found if isinstance(getattr(m, "Abort", None), type)}
    return tuple(usage), tuple(aborts)


def main() -> None:
    """The command line (the `ptcheck` command starts in `ptcheck.launch.main`, which then
    calls this); `os._exit` skips interpreter teardown (~0.2 s)."""
    usage_errors, aborts = _click_errors()
    for stream in (sys.stdout, sys.stderr):
        # Undecodable bytes in file names (lone surrogates) print as \udcff escapes.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    try:
        code = app(standalone_mode=False)
    except usage_errors as error:
        error.show()  # type: ignore[attr-defined]
        code = error.exit_code  # type: ignore[attr-defined]
    except aborts:
        typer.echo("ptcheck: aborted", err=True)
        code = EXIT_INTERRUPTED
    except Exception as error:
        if "--debug" in sys.argv:
            raise
        typer.echo(
            f"ptcheck: internal error: {error!r} (run with --debug for the traceback)", err=True
        )
        code = EXIT_INTERNAL
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 0)
