"""Hostile input, round two: special files, limits that are limits, values checked alike in
flags and configuration, file names no output can choke on, and no superlinear input."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ptcheck.analysis import Analyzer
from ptcheck.documents.html import html_text

from .conftest import SAMPLE_LAWS
from .test_languages import ptcheck_command

LAW = SAMPLE_LAWS / "model_complete.txt"


def _run(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ptcheck_command(), *args], capture_output=True, text=True, timeout=60, **kwargs
    )


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "law.txt"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["analyze", "{fifo}"],
        ["analyze", str(LAW), "--checklist", "{fifo}"],
        ["diff", str(LAW), "{fifo}"],
        ["checklist", "validate", "{fifo}"],
        ["analyze", str(LAW), "--config", "{fifo}"],
    ],
    ids=["statute", "checklist", "diff", "validate", "config"],
)
def test_a_fifo_is_refused_not_waited_on(fifo: Path, args: list[str]) -> None:
    done = _run(*(a.replace("{fifo}", str(fifo)) for a in args))
    assert done.returncode == 2
    assert "a FIFO (named pipe), not a regular file" in done.stderr
    assert "internal error" not in done.stderr


def test_a_fifo_in_a_batch_folder_is_one_failure(fifo: Path, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_bytes(LAW.read_bytes())
    done = _run("batch", str(tmp_path), "-j", "1", "-f", "json")
    assert done.returncode == 2
    data = json.loads(done.stdout)
    assert [d["document"]["path"] for d in data["documents"]] == [str(tmp_path / "good.txt")]
    assert data["failed"][0]["error"].endswith("a FIFO (named pipe), not a regular file")


def test_a_device_as_checklist_is_refused() -> None:
    done = _run("analyze", str(LAW), "--checklist", "/dev/zero", "-q")
    assert done.returncode == 2
    assert done.stderr.strip() == "ptcheck: error: /dev/zero: a device, not a regular file"


@pytest.mark.parametrize("size", ["100000000000", str(2**63 - 1)])
def test_a_huge_max_size_is_a_limit_not_an_allocation(size: str) -> None:
    done = _run("analyze", str(LAW), "--max-size", size, "-q")
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(
    "setting,message",
    [
        ("fail_under = 500", "fail_under must be a number from 0 to 100"),
        ("fail_under = nan", "fail_under must be a number from 0 to 100"),
        ("include = [1, 2]", "include must be a list of glob strings"),
        ("exclude = [{a = 1}]", "exclude must be a list of glob strings"),
        ("jobs = -1", "jobs must be 0 (every core) or more"),
        ("max_size = 0", "max_size must be at least 1"),
    ],
)
def test_configuration_values_are_checked_like_flags(
    tmp_path: Path, setting: str, message: str
) -> None:
    config = tmp_path / "ptcheck.toml"
    config.write_text(setting + "\n", encoding="utf-8")
    done = _run("analyze", str(LAW), "--config", str(config))
    assert done.returncode == 2
    assert done.stderr.strip() == f"ptcheck: error: {config}:1: {message}"


@pytest.mark.parametrize(
    "labels,message",
    [
        (
            "expected: {act.recruitment: true}\ncontested: 5\n",
            "contested must be a list of item ids",
        ),
        (
            "expected: {act.recruitment: true}\ncontested: [[a, b]]\n",
            "contested must be a list of item ids",
        ),
        (
            "expected: {act.recruitment: maybe}\n",
            "expected: 'act.recruitment' must map an item id to true or false",
        ),
    ],
)
def test_labels_are_validated(tmp_path: Path, labels: str, message: str) -> None:
    statute = tmp_path / "x"
    statute.mkdir()
    (statute / "x.txt").write_bytes(LAW.read_bytes())
    (statute / "x.yaml").write_text(labels, encoding="utf-8")
    done = _run("eval", str(tmp_path))
    assert done.returncode == 2
    assert f"ptcheck: error: {statute / 'x.yaml'}: {message}" in done.stderr


def test_an_undecodable_file_name_gives_valid_json(tmp_path: Path) -> None:
    odd = tmp_path / os.fsdecode(b"law\xff.txt")  # a lone surrogate stands for the byte
    odd.write_bytes(LAW.read_bytes())
    done = subprocess.run(
        [*ptcheck_command(), "analyze", str(odd), "-f", "json"],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert json.loads(done.stdout.decode("utf-8"))["document"]["path"].endswith("law\udcff.txt")
    out = tmp_path / "out"
    batch = subprocess.run(
        [
            *ptcheck_command(),
            "batch",
            os.fsdecode(os.fsencode(tmp_path)),
            "--out",
            str(out),
            "-j",
            "1",
        ],
        capture_output=True,
        timeout=120,
    )
    assert batch.returncode == 0, batch.stderr
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["documents"][0]["document"]["path"].endswith("law\udcff.txt")


def test_a_newline_in_a_file_name_keeps_the_error_on_one_line(tmp_path: Path) -> None:
    odd = tmp_path / "new\nline.txt"
    odd.write_text("")
    done = _run("analyze", str(odd))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"ptcheck: error: {tmp_path}/new\\x0aline.txt: the file is empty"
    ]


def test_deeply_nested_html_is_refused_at_once(tmp_path: Path) -> None:
    page = tmp_path / "deep.html"
    page.write_text("<html><body>" + "<div>" * 100_000 + LAW.read_text() + "</body></html>")
    started = time.perf_counter()
    done = _run("analyze", str(page))
    assert time.perf_counter() - started < 30
    assert done.returncode == 2
    assert done.stderr.strip().endswith("elements nested more than 1,000 deep: refused")


def test_many_unclosed_paragraphs_are_not_nesting() -> None:
    page = "<html><body>" + "<p>A person who recruits another person." * 5_000 + "</body></html>"
    assert html_text(page).count("A person who recruits") == 5_000


def _seconds(work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def _grows_linearly(make: Callable[[int], str], analyzer: Analyzer, n: int) -> None:
    """Four times the input takes well under sixteen times as long (best of three)."""
    small, large = make(n), make(4 * n)
    analyzer.analyze_text(small)  # warm caches
    ratio = _seconds(lambda: analyzer.analyze_text(large)) / max(
        _seconds(lambda: analyzer.analyze_text(small)), 1e-3
    )
    assert ratio < 8, f"4x the input took {ratio:.1f}x the time"


LEAD = LAW.read_text()


@pytest.mark.parametrize(
    "shape,n",
    [
        ("blank lines after a quoted term", 40_000),
        ("waiver openers", 2_000),
        ("chained definitions", 2_000),
        ("limbs of one section", 600),
    ],
)
def test_input_shapes_grow_linearly(english: Analyzer, shape: str, n: int) -> None:
    def make(size: int) -> str:
        if shape == "blank lines after a quoted term":
            return LEAD + '\n"child"' + "\n" * size + " means a person."
        if shape == "waiver openers":
            return LEAD + "\n" + '<!-- ptcheck: waive crim.attempt "reason ' * size
        if shape == "chained definitions":
            lines = [f'"t{k:05d}" means a kind of t{k + 1:05d};' for k in range(size)]
            return "2. In this Act—\n" + "\n".join(lines) + "\n" + LEAD
        limbs = [
            f"({k}) A person who recruits a child by force for exploitation commits an offence."
            for k in range(1, size)
        ]
        return LEAD + "\n9. Trafficking\n" + "\n".join(limbs)

    _grows_linearly(make, english, n)


def test_the_batch_never_reads_its_own_outputs(tmp_path: Path) -> None:
    (tmp_path / "law.txt").write_bytes(LAW.read_bytes())
    out = tmp_path / "out"
    for _ in range(2):
        done = _run("batch", str(tmp_path), "--out", str(out), "-j", "1", "-f", "json")
        assert done.returncode == 0, done.stderr
    paths = [d["document"]["path"] for d in json.loads(done.stdout)["documents"]]
    assert paths == [str(tmp_path / "law.txt")]  # not out/report.html


def test_output_never_overwrites_a_document_being_analysed(tmp_path: Path) -> None:
    law = tmp_path / "law.txt"
    law.write_bytes(LAW.read_bytes())
    done = _run("analyze", str(law), "--output", str(law))
    assert done.returncode == 2
    assert done.stderr.strip() == f"ptcheck: error: {law}: --output names a document being analysed"
    assert law.read_bytes() == LAW.read_bytes()


def test_output_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    target, link = tmp_path / "report.txt", tmp_path / "link.txt"
    link.symlink_to(target)
    done = _run("analyze", str(LAW), "-q", "--output", str(link))
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and "100.0/100" in target.read_text(encoding="utf-8")


def test_terminal_escapes_in_file_names_never_reach_the_terminal(tmp_path: Path) -> None:
    odd = tmp_path / "law\x1b]0;pwned\x07\x1b[2J.txt"
    odd.write_bytes(LAW.read_bytes())
    wide = {**os.environ, "COLUMNS": "400"}
    for output in ("text", "github", "line"):
        done = _run("analyze", str(odd), "-f", output, env=wide)
        assert "\x1b" not in done.stdout and "\x07" not in done.stdout, output
        assert "\\x1b]0;pwned\\x07" in done.stdout
    batch = _run("batch", str(tmp_path), "-j", "1")
    assert "\x1b" not in batch.stdout


def test_the_matrix_keeps_rows_whole_and_formulas_inert(tmp_path: Path) -> None:
    from ptcheck.formatters.csv import cell

    assert cell("a;=1+1.txt") == "a;'=1+1.txt"
    assert cell("=HYPERLINK()") == "'=HYPERLINK()"
    assert cell("line\rbreak.txt") == "line\\rbreak.txt"


def test_two_batches_never_write_into_one_folder_at_once(tmp_path: Path) -> None:
    import fcntl

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
    assert not (out / "results.json").exists()
    again = _run("batch", str(SAMPLE_LAWS / "es"), "--out", str(out))
    assert again.returncode == 0 and (out / "results.json").exists()


def test_an_unwritable_out_is_an_error_before_any_work() -> None:
    done = _run("batch", str(SAMPLE_LAWS / "es"), "--out", "/proc/ptcheck-out")
    assert done.returncode == 2
    assert done.stderr.strip().startswith("ptcheck: error: /proc/ptcheck-out: cannot write there")


def test_resume_redoes_results_when_a_setting_that_decides_them_changed(tmp_path: Path) -> None:
    laws = tmp_path / "laws"
    laws.mkdir()
    (laws / "law.md").write_bytes((SAMPLE_LAWS / "no_ancillary_offences.txt").read_bytes())
    out = tmp_path / "out"
    _run("batch", str(laws), "--out", str(out), "-j", "1")
    config = tmp_path / "ptcheck.toml"
    config.write_text('[waive]\n"crim.attempt" = "Penal Code s. 21"\n', encoding="utf-8")
    resumed = _run(
        "batch",
        str(laws),
        "--out",
        str(out),
        "--resume",
        "-j",
        "1",
        "-f",
        "json",
        "--config",
        str(config),
    )
    data = json.loads(resumed.stdout)
    statuses = {i["id"]: i["status"] for i in data["documents"][0]["items"]}
    assert statuses["crim.attempt"] == "waived"  # not the stale "missing" of the first run
    same = _run(
        "batch", str(laws), "--out", str(out), "--resume", "-j", "1", "--config", str(config)
    )
    assert "1 analysed (1 from an earlier run)" in same.stdout  # same settings: reused


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_bomless_utf16_in_another_script_is_read(tmp_path: Path, encoding: str) -> None:
    from ptcheck.documents import read_document

    text = "Статья 1. Купля-продажа человека наказывается лишением свободы.\n" * 3
    path = tmp_path / "law.txt"
    path.write_bytes(text.encode(encoding))
    document = read_document(path)
    assert document.text == text and document.encoding == encoding
