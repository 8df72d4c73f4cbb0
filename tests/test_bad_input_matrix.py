"""The bad-input matrix: every hostile or careless input we know of, as one row each.

A row runs the installed command in a subprocess and states the exit code, the one line on
stderr, and a time bound taken from a small input in the same run (so a hang or a quadratic
path fails the row, whatever the machine). Each row's exit code must be the README's word
for it: the row names the phrase the README's exit-code table gives for that case.

Cases that need more than one command (Ctrl-C, two batches at once, --resume, a batch that
would read its own outputs) are the tests after the table. A worker killed mid-document is
`test_batch.py::test_a_worker_that_dies_costs_only_its_document` (it needs a worker that
dies on cue); linear growth from n to 4n is `test_hostile_input_two.py`.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import ROOT, SAMPLE_LAWS
from .test_languages import ptcheck_command

LAW = SAMPLE_LAWS / "model_complete.txt"
LEAD = LAW.read_text(encoding="utf-8")
NOT_REGULAR = "a FIFO (named pipe), not a regular file"
CYRILLIC = "Статья 1. Купля-продажа человека наказывается.\n" * 3


def _run(*args: str, timeout: float = 120, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ptcheck_command(), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        errors="backslashreplace",
        **kwargs,
    )


@pytest.fixture(scope="module")
def small_run_seconds() -> float:
    """Wall time of analysing a one-page law (best of two): the unit of every time bound."""
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        assert _run("analyze", str(LAW), "-q").returncode == 0
        best = min(best, time.perf_counter() - started)
    return best


def _readme_exit_codes() -> dict[int, str]:
    """The README's exit-code table: code -> what it says of that code."""
    table = (ROOT / "README.md").read_text(encoding="utf-8").split("### Exit codes", 1)[1]
    rows = re.findall(r"^\| (\d+) \| (.+) \|$", table.split("\n\n", 2)[1], flags=re.M)
    return {int(code): text for code, text in rows}


# --------------------------------------------------------------------------- inputs


def _write(tmp: Path, name: str, data: str | bytes) -> Path:
    path = tmp / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _fifo(tmp: Path) -> Path:
    path = tmp / "law.txt"
    os.mkfifo(path)
    return path


def _folder_with_fifo(tmp: Path) -> Path:
    folder = tmp / "laws"
    folder.mkdir()
    _write(folder, "good.txt", LEAD)
    _fifo(folder)
    return folder


def _sparse(tmp: Path, name: str) -> Path:
    path = tmp / name
    with path.open("wb") as handle:
        handle.truncate(100 * 10**9)  # 100 GB that take no disk
    return path


def _config(text: str) -> Callable[[Path], Path]:
    return lambda tmp: _write(tmp, "ptcheck.toml", text + "\n")


def _labels(text: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        statute = tmp / "corpus" / "x"
        statute.mkdir(parents=True)
        _write(statute, "x.txt", LEAD)
        _write(statute, "x.yaml", text)
        return tmp / "corpus"

    return make


INPUTS: dict[str, Callable[[Path], Path]] = {
    "fifo": _fifo,
    "folder_with_fifo": _folder_with_fifo,
    "deep_html": lambda t: _write(t, "deep.html", "<html><body>" + "<div>" * 100_000 + LEAD),
    "unclosed_html": lambda t: _write(t, "open.html", "<html><body>" + "<div>" * 200_000 + LEAD),
    "blank_lines": lambda t: _write(t, "b.txt", LEAD + '\n"child"' + "\n" * 40_000 + " means."),
    "waiver_openers": lambda t: _write(
        t, "w.md", LEAD + '\n<!-- ptcheck: waive crim.attempt "reason ' * 8_000
    ),
    "chained_definitions": lambda t: _write(
        t,
        "d.txt",
        "2. In this Act—\n"
        + "\n".join(f'"t{k:05d}" means a kind of t{k + 1:05d};' for k in range(2_000))
        + "\n"
        + LEAD,
    ),
    "huge_checklist": lambda t: _sparse(t, "huge.yaml"),
    "huge_statute": lambda t: _sparse(t, "huge.txt"),
    "existing_file": lambda t: _write(t, "results", "not a folder"),
    "undecodable_name": lambda t: _write(t, os.fsdecode(b"law\xff.txt"), LEAD),
    "undecodable_folder": lambda t: INPUTS["undecodable_name"](t).parent,
    "newline_name": lambda t: _write(t, "new\nline.txt", ""),
    "utf16_cyrillic": lambda t: _write(t, "ru.txt", CYRILLIC.encode("utf-16-le")),
    "law_copy": lambda t: _write(t, "law.txt", LEAD),
    "escape_name": lambda t: _write(t, "law\x1b]0;pwned\x07\x1b[2J.txt", LEAD),
    "csv_names": lambda t: (
        _write(t, "a;=1+1.txt", LEAD),
        _write(t, "cr\rname.txt", LEAD),
        t,
    )[-1],
    "symlink": lambda t: (t / "link.txt").symlink_to(t / "report.txt") or t / "link.txt",
    "config_fail_under_500": _config("fail_under = 500"),
    "config_fail_under_nan": _config("fail_under = nan"),
    "config_include_numbers": _config("include = [1, 2]"),
    "config_exclude_tables": _config("exclude = [{a = 1}]"),
    "config_max_size_float": _config("max_size = 1e11"),
    "config_jobs_negative": _config("jobs = -1"),
    "config_time_limit_inf": _config("time_limit = inf"),
    "labels_contested_number": _labels("expected: {act.recruitment: true}\ncontested: 5\n"),
    "labels_contested_nested": _labels("expected: {act.recruitment: true}\ncontested: [[a, b]]\n"),
    "labels_expected_maybe": _labels("expected: {act.recruitment: maybe}\n"),
}


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Row:
    """One bad input: `{name}` in args is the path INPUTS[name] makes (`{law}`: a good law,
    `{tmp}`: the row's folder)."""

    case: str  # the item of the hostile-input issue it answers
    what: str
    args: tuple[str, ...]
    exit: int | tuple[int, ...]
    stderr: str = ""  # a regular expression the whole of stderr must match ("" : anything)
    readme: str = ""  # words of the README's exit-code row for this code (exit 2 rows)
    check: Callable[[subprocess.CompletedProcess[str], Path], None] | None = None
    bound: float = 4.0  # times the one-page run, at most


def _error(message: str) -> str:
    return r"ptcheck: error: .*" + re.escape(message) + r"\n"


def _json_documents(done: subprocess.CompletedProcess[str], tmp: Path) -> None:
    data = json.loads(done.stdout)
    assert [Path(d["document"]["path"]).name for d in data["documents"]] == ["good.txt"]
    assert data["failed"][0]["error"].endswith(NOT_REGULAR)


def _undecodable_json(done: subprocess.CompletedProcess[str], tmp: Path) -> None:
    assert json.loads(done.stdout)["document"]["path"].endswith("law\udcff.txt")


def _undecodable_results(done: subprocess.CompletedProcess[str], tmp: Path) -> None:
    results = json.loads((tmp / "out" / "results.json").read_text(encoding="utf-8"))
    assert results["documents"][0]["document"]["path"].endswith("law\udcff.txt")


def _read_as_utf16(done: subprocess.CompletedProcess[str], tmp: Path) -> None:
    document = json.loads(done.stdout)["document"]
    assert document["characters"] == len(CYRILLIC)  # UTF-16 read as such, not as NUL bytes


def _law_unchanged(done: subprocess.CompletedProcess[str], tmp: Path) -> None:
    assert (tmp / "law.txt").read_text(encoding="utf-8") == LEAD


def _link_kept(done: subprocess.CompletedProcess[str], tmp: Path) -> None:
    assert (tmp / "link.txt").is_symlink()
    assert "100.0/100" in (tmp / "report.txt").read_text(encoding="utf-8")


def _device_kept(done: subprocess.CompletedProcess[str], tmp: Path) -> None:
    assert Path("/dev/null").is_char_device()


def _no_raw_escapes(done: subprocess.CompletedProcess[str], tmp: Path) -> None:
    assert "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout
    assert "\\x1b]0;pwned\\x07" in done.stdout


def _csv_rows_whole(done: subprocess.CompletedProcess[str], tmp: Path) -> None:
    lines = done.stdout.splitlines()
    assert len(lines) == 3  # header and one line per document
    assert not any(re.search(r"(^|[;,])\s*[=+\-@]", line.split(",", 1)[0]) for line in lines)
    assert any("'=1+1.txt" in line for line in lines) and any("\\r" in line for line in lines)


def _all_timed_out(done: subprocess.CompletedProcess[str], tmp: Path) -> None:
    data = json.loads(done.stdout)
    assert data["summary"]["failed"] == 1 and data["summary"]["analysed"] == 0


ROWS = [
    # 1: special files are refused before they are opened
    Row("1", "FIFO as a statute", ("analyze", "{fifo}"), 2, _error(NOT_REGULAR), "a FIFO"),
    Row("1", "FIFO as a checklist", ("analyze", "{law}", "--checklist", "{fifo}"), 2,
        _error(NOT_REGULAR), "a FIFO"),
    Row("1", "FIFO given to diff", ("diff", "{law}", "{fifo}"), 2, _error(NOT_REGULAR), "a FIFO"),
    Row("1", "FIFO to checklist validate", ("checklist", "validate", "{fifo}"), 2,
        _error(NOT_REGULAR), "a FIFO"),
    Row("1", "FIFO as a configuration", ("analyze", "{law}", "--config", "{fifo}"), 2,
        _error(NOT_REGULAR), "a FIFO"),
    Row("1", "FIFO inside a batch folder", ("batch", "{folder_with_fifo}", "-j", "1", "-f",
        "json"), 2, _error(NOT_REGULAR), "a FIFO", _json_documents),
    # 2-5: inputs that once took quadratic time or more
    Row("2", "100,000 nested <div>s", ("analyze", "{deep_html}"), 2,
        _error("elements nested more than 1,000 deep: refused"), "HTML nested too deep"),
    Row("2", "200,000 unclosed <div>s", ("analyze", "{unclosed_html}"), 2,
        _error("elements nested more than 1,000 deep: refused"), "HTML nested too deep"),
    Row("3", "a quoted term, then 40,000 blank lines", ("analyze", "{blank_lines}", "-q"), 0),
    Row("4", "8,000 waiver openers", ("analyze", "{waiver_openers}", "-q", "--language", "en"),
        0, bound=6),
    Row("5", "2,000 chained definitions", ("analyze", "{chained_definitions}", "-q"), 0, bound=6),
    # 7: user mistakes are exit 2 with one line, never "internal error"
    Row("7", "--checklist names a folder", ("analyze", "{law}", "--checklist", "{tmp}"), 2,
        _error("is a directory, not a file"), "an invalid checklist"),
    Row("7", "/dev/zero as the checklist", ("analyze", "{law}", "--checklist", "/dev/zero"), 2,
        _error("/dev/zero: a device, not a regular file"), "a device"),
    Row("7", "checklist validate /dev/zero", ("checklist", "validate", "/dev/zero"), 2,
        _error("/dev/zero: a device, not a regular file"), "an invalid checklist"),
    Row("7", "a 100 GB checklist", ("analyze", "{law}", "--checklist", "{huge_checklist}"), 2,
        _error("larger than the 5,000,000-byte limit"), "an invalid checklist"),
    Row("7", "a 100 GB statute", ("analyze", "{huge_statute}"), 2,
        _error("larger than the 50,000,000-byte limit (see --max-size)"), "larger than"),
    # 8: a limit is a limit, not an allocation
    Row("8", "--max-size 100000000000", ("analyze", "{law}", "-q", "--max-size",
        "100000000000"), 0),
    Row("8", "--max-size 2^63-1", ("analyze", "{law}", "-q", "--max-size", str(2**63 - 1)), 0),
    Row("8", "batch --max-size 2^63-1", ("batch", "{law}", "-j", "1", "--max-size",
        str(2**63 - 1)), 0),
    Row("8", "max_size = 1e11 in the configuration", ("analyze", "{law}", "--config",
        "{config_max_size_float}"), 2, _error("ptcheck.toml:1: max_size must be an integer"),
        "in the configuration"),
    # 9-10: one validation for flags and configuration
    Row("9", "--fail-under nan", ("analyze", "{law}", "--fail-under", "nan"), 2,
        r"(?s).*Invalid value for '--fail-under'.*", "a value out of range"),
    Row("9", "batch --jobs -1", ("batch", "{law}", "--jobs", "-1"), 2,
        r"(?s).*Invalid value for '--jobs'.*", "a value out of range"),
    Row("9", "batch --out an existing file", ("batch", "{law}", "--out", "{existing_file}"), 2,
        _error("--out names a folder to write into, and this is a file"), "`--out`"),
    Row("9", "batch --time-limit inf", ("batch", "{law}", "--time-limit", "inf"), 2,
        _error("--time-limit: time_limit must be a number of seconds, 0 (no limit) or more"),
        "a value out of range"),
    Row("10", "include = [1, 2]", ("analyze", "{law}", "--config", "{config_include_numbers}"),
        2, _error("ptcheck.toml:1: include must be a list of glob strings"), "configuration"),
    Row("10", "exclude = [{a = 1}]", ("analyze", "{law}", "--config",
        "{config_exclude_tables}"), 2, _error("ptcheck.toml:1: exclude must be a list of glob "
        "strings"), "configuration"),
    Row("10", "fail_under = 500", ("analyze", "{law}", "--config", "{config_fail_under_500}"),
        2, _error("ptcheck.toml:1: fail_under must be a number from 0 to 100"), "configuration"),
    Row("10", "fail_under = nan", ("analyze", "{law}", "--config", "{config_fail_under_nan}"),
        2, _error("ptcheck.toml:1: fail_under must be a number from 0 to 100"), "configuration"),
    Row("10", "jobs = -1", ("batch", "{law}", "--config", "{config_jobs_negative}"), 2,
        _error("ptcheck.toml:1: jobs must be 0 (every core) or more"), "configuration"),
    Row("10", "time_limit = inf", ("batch", "{law}", "--config", "{config_time_limit_inf}"), 2,
        _error("ptcheck.toml:1: time_limit must be a number of seconds, 0 (no limit) or more"),
        "configuration"),
    # 11: eval labels are validated like checklists
    Row("11", "contested: 5", ("eval", "{labels_contested_number}"), 2,
        r"(?s).*ptcheck: error: .*x\.yaml: contested must be a list of item ids.*",
        "eval labels"),
    Row("11", "contested: [[a, b]]", ("eval", "{labels_contested_nested}"), 2,
        r"(?s).*ptcheck: error: .*x\.yaml: contested must be a list of item ids.*",
        "eval labels"),
    Row("11", "expected: maybe", ("eval", "{labels_expected_maybe}"), 2,
        r"(?s).*'act\.recruitment' must map an item id to true or false.*", "eval labels"),
    # 12-14: names and encodings no output can choke on
    Row("12", "undecodable bytes in a name, JSON", ("analyze", "{undecodable_name}", "-f",
        "json"), 0, check=_undecodable_json),
    Row("12", "undecodable bytes in a name, batch", ("batch", "{undecodable_folder}", "--out",
        "{tmp}/out", "-j", "1"), 0, check=_undecodable_results),
    Row("13", "a newline in a name", ("analyze", "{newline_name}"), 2,
        r"ptcheck: error: \S+/new\\x0aline\.txt: the file is empty\n", "empty"),
    Row("14", "BOM-less UTF-16, Cyrillic", ("analyze", "{utf16_cyrillic}", "-f", "json",
        "--language", "en"), (0, 1), check=_read_as_utf16),
    # 15: a document that takes too long is one failure
    Row("15", "batch --time-limit 0.0001", ("batch", "{law}", "--time-limit", "0.0001", "-f",
        "json"), 2, _error("not analysed within the time limit (0.0001 s)"), "`--time-limit`",
        _all_timed_out),
    # 19-21: batch outputs
    Row("20", "--out that cannot be written", ("batch", "{law}", "--out", "/proc/ptcheck-out"),
        2, r"ptcheck: error: /proc/ptcheck-out: cannot write there.*\n", "no permission"),
    Row("21", "--jobs 64 on this machine", ("batch", "{law}", "{law_copy}", "--jobs", "64"), 0,
        rf"ptcheck: --jobs 64: capped at the {os.cpu_count()} cores here\n"
        if (os.cpu_count() or 1) < 64 else ""),
    # 22: --output writes only what it should
    Row("22", "--output names the statute", ("analyze", "{law_copy}", "--output",
        "{law_copy}"), 2, _error("--output names a document being analysed"),
        "a document being analysed", _law_unchanged),
    Row("22", "--output through a symlink", ("analyze", "{law}", "-q", "--output",
        "{symlink}"), 0, check=_link_kept),
    Row("22", "--output /dev/null", ("analyze", "{law}", "-q", "--output", "/dev/null"), 0,
        check=_device_kept),
    # 23-24: names that would steer a terminal or a spreadsheet
    Row("23", "terminal escapes in a name, text", ("analyze", "{escape_name}"), 0,
        check=_no_raw_escapes),
    Row("23", "terminal escapes in a name, github", ("analyze", "{escape_name}", "-f",
        "github"), 0, check=_no_raw_escapes),
    Row("24", "separators, formulas and CR in names", ("batch", "{csv_names}", "-j", "1", "-f",
        "csv"), 0, check=_csv_rows_whole),
]  # fmt: skip


def _argv(row: Row, tmp: Path) -> list[str]:
    made: dict[str, str] = {"law": str(LAW), "tmp": str(tmp)}
    argv = []
    for arg in row.args:
        for name in re.findall(r"\{(\w+)\}", arg):
            if name not in made:
                made[name] = str(INPUTS[name](tmp))
            arg = arg.replace("{" + name + "}", made[name])
        argv.append(arg)
    return argv


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.case}: {r.what}" for r in ROWS])
def test_bad_input(row: Row, tmp_path: Path, small_run_seconds: float) -> None:
    argv = _argv(row, tmp_path)
    bound = row.bound * small_run_seconds + 1.0
    started = time.perf_counter()
    done = _run(*argv, timeout=bound * 3 + 30, env={**os.environ, "COLUMNS": "400"})
    seconds = time.perf_counter() - started
    expected = row.exit if isinstance(row.exit, tuple) else (row.exit,)
    assert done.returncode in expected, done.stderr
    assert "internal error" not in done.stderr
    if row.stderr:
        assert re.fullmatch(row.stderr, done.stderr), done.stderr
    if row.check is not None:
        row.check(done, tmp_path)
    assert seconds < bound, f"{seconds:.1f} s, bound {bound:.1f} s ({row.bound}x a one-page run)"


@pytest.mark.parametrize("row", [r for r in ROWS if r.exit == 2], ids=lambda r: r.what)
def test_the_readme_exit_code_table_names_each_case(row: Row) -> None:
    assert row.readme, "an exit-2 row names the README's words for its case"
    assert row.readme in _readme_exit_codes()[2]


# --------------------------------------------------------------------------- faults


def _processes_in_group(group: int) -> list[str]:
    """The processes of a process group still running. One that has ended but that the
    system's reaper has not yet collected (a zombie: state Z) holds nothing but its number;
    the last of the batch's processes to end is sometimes one for a moment (1 run in 360)."""
    found = subprocess.run(
        ["ps", "-e", "-o", "pid=,pgid=,stat=,args="], capture_output=True, text=True, check=True
    )
    running = []
    for line in found.stdout.splitlines():
        pid, pgid, state, *command = line.split(maxsplit=3)
        if pgid == str(group) and not state.startswith("Z"):
            running.append(f"{pid} {state} {' '.join(command)}")
    return running


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs 2 cores for a pool of workers")
@pytest.mark.parametrize("fraction", [0.2, 0.5, 0.8])
def test_ctrl_c_at_any_moment_ends_every_process(tmp_path: Path, fraction: float) -> None:
    """Case 16: Ctrl-C (SIGINT to the whole process group, as a terminal sends it) while
    workers start or run: exit 130 at once, no worker left, no traceback, results kept."""
    laws = tmp_path / "laws"
    laws.mkdir()
    for k in range(120):
        _write(laws, f"law{k:03d}.txt", LEAD)
    command = [*ptcheck_command(), "batch", str(laws), "-j", "2", "--out", str(tmp_path / "out")]
    started = time.perf_counter()
    whole = subprocess.run(command, capture_output=True, timeout=300)
    assert whole.returncode == 0
    elapsed = time.perf_counter() - started
    batch = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    time.sleep(elapsed * fraction)
    os.killpg(batch.pid, signal.SIGINT)
    try:
        _, stderr = batch.communicate(timeout=15)  # the pipes close only when all have ended
    except subprocess.TimeoutExpired:
        os.killpg(batch.pid, signal.SIGKILL)
        pytest.fail(f"processes still running 15 s after Ctrl-C: {_processes_in_group(batch.pid)}")
    assert _processes_in_group(batch.pid) == []
    text = stderr.decode("utf-8", "replace")
    assert "Traceback" not in text and "InvalidStateError" not in text
    if batch.returncode == 0:  # it finished first: nothing to interrupt
        return
    assert batch.returncode == 130, text
    kept = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    if "interrupted" in text:
        assert f"the {kept['summary']['documents']} results computed" in text


@pytest.mark.parametrize("begun", [False, True])
def test_ctrl_c_while_modules_load_ends_the_command_quietly(tmp_path: Path, begun: bool) -> None:
    """Ctrl-C inside an import (the first quarter second of every run: typer and the rest)
    ends the command at once with 130, and prints neither a traceback nor "Exception
    ignored" (Python's own handler did both, and the second lost the interrupt). Once a
    batch has begun its documents, it raises KeyboardInterrupt there too: the batch must
    write what it has computed, not end with the process."""
    import sys

    (tmp_path / "slow_module.py").write_text(
        "import sys, time\nprint('importing', flush=True)\ntime.sleep(60)\n", encoding="utf-8"
    )
    script = (
        "import signal, sys\n"
        "from ptcheck.launch import on_interrupt, work_begins\n"
        "signal.signal(signal.SIGINT, on_interrupt)\n"
        + ("work_begins()\n" if begun else "")
        + f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "import slow_module\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert child.stdout is not None
    assert child.stdout.readline() == b"importing\n"  # inside the import now
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=15)
    if begun:
        assert child.returncode != 130 and b"KeyboardInterrupt" in stderr
    else:
        assert child.returncode == 130
        assert stderr == b""


def test_ctrl_c_outside_an_import_raises_keyboard_interrupt_as_python_does() -> None:
    import sys

    from ptcheck.launch import on_interrupt

    with pytest.raises(KeyboardInterrupt):
        on_interrupt(signal.SIGINT, sys._getframe())
    with pytest.raises(KeyboardInterrupt):
        on_interrupt(signal.SIGINT, None)  # as a deferred Ctrl-C is replayed (batch.py)


def test_the_installed_command_starts_with_its_ctrl_c_handler() -> None:
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="ptcheck")
    assert script.value == "ptcheck.launch:main"
    main_module = (ROOT / "src" / "ptcheck" / "__main__.py").read_text(encoding="utf-8")
    assert "from ptcheck.launch import main" in main_module


def test_two_batches_never_write_into_one_folder_at_once(tmp_path: Path) -> None:
    """Case 17."""
    out = tmp_path / "out"
    out.mkdir()
    with (out / ".ptcheck.lock").open("w") as held:  # a batch running there
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        done = _run("batch", str(SAMPLE_LAWS / "es"), "--out", str(out))
    assert done.returncode == 2
    assert (
        done.stderr.strip()
        == f"ptcheck: error: {out}: another batch is writing there; wait for it to end"
    )
    assert "another batch" in _readme_exit_codes()[2]
    assert not (out / "results.json").exists()
    again = _run("batch", str(SAMPLE_LAWS / "es"), "--out", str(out))
    assert again.returncode == 0 and (out / "results.json").exists()


def test_resume_redoes_results_when_a_setting_that_decides_them_changed(tmp_path: Path) -> None:
    """Case 18."""
    laws = tmp_path / "laws"
    laws.mkdir()
    (laws / "law.md").write_bytes((SAMPLE_LAWS / "no_ancillary_offences.txt").read_bytes())
    out = tmp_path / "out"
    _run("batch", str(laws), "--out", str(out), "-j", "1")
    config = _write(tmp_path, "ptcheck.toml", '[waive]\n"crim.attempt" = "Penal Code s. 21"\n')
    resume = ("batch", str(laws), "--out", str(out), "--resume", "-j", "1", "--config", str(config))
    data = json.loads(_run(*resume, "-f", "json").stdout)
    statuses = {i["id"]: i["status"] for i in data["documents"][0]["items"]}
    assert statuses["crim.attempt"] == "waived"  # not the stale "missing" of the first run
    assert "1 analysed (1 from an earlier run)" in _run(*resume).stdout  # same settings: reused


def test_the_batch_never_reads_its_own_outputs(tmp_path: Path) -> None:
    """Case 19."""
    _write(tmp_path, "law.txt", LEAD)
    out = tmp_path / "out"
    for _ in range(2):
        done = _run("batch", str(tmp_path), "--out", str(out), "-j", "1", "-f", "json")
        assert done.returncode == 0, done.stderr
    paths = [d["document"]["path"] for d in json.loads(done.stdout)["documents"]]
    assert paths == [str(tmp_path / "law.txt")]  # not out/report.html
