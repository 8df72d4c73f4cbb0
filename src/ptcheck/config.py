"""Configuration: `[tool.ptcheck]` in pyproject.toml, or a ptcheck.toml, found upwards.

The first folder from the working directory upwards that holds a `ptcheck.toml` or a
`pyproject.toml` with a `[tool.ptcheck]` table gives the settings (ptcheck.toml first).
Command-line flags override them. Unknown keys and wrong types are errors naming the file
and the line.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ptcheck.errors import PtcheckError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# key -> (type, default, help)
KEYS: dict[str, tuple[type, Any, str]] = {
    "checklist": (str, None, "checklist YAML file (relative to the configuration file)"),
    "format": (str, "text", "output format of analyze"),
    "fail_under": (float, None, "exit 1 when a score is below this"),
    "fail_on": (str, None, "exit 1 when an item of this severity or above is not met"),
    "max_size": (int, 50_000_000, "refuse documents larger than this many bytes"),
    "jobs": (int, 0, "batch worker processes (0: every core)"),
    "time_limit": (float, 600.0, "batch: seconds a document may take (0: no limit)"),
    "include": (list, [], "batch: only files matching these globs"),
    "exclude": (list, [], "batch: leave out files matching these globs"),
    "waive": (dict, {}, "item id -> reason: handled elsewhere"),
}
FAIL_ON = ("required", "recommended")
TYPE_NAMES = {
    str: "a string",
    float: "a number",
    int: "an integer",
    list: "a list",
    dict: "a table",
}


@dataclass
class Config:
    """Effective settings, and where each came from."""

    values: dict[str, Any] = field(default_factory=lambda: {k: v[1] for k, v in KEYS.items()})
    sources: dict[str, str] = field(default_factory=lambda: dict.fromkeys(KEYS, "default"))
    path: Path | None = None

    def get(self, key: str) -> Any:
        """The value of a setting."""
        return self.values[key]

    def override(self, key: str, value: Any) -> None:
        """A command-line flag wins over the file (None: the flag was not given); its
        value is checked like the file's."""
        if value is None or value == [] or value == ():
            return
        value = list(value) if isinstance(value, tuple) else value
        problem = _out_of_range(key, value)  # the same limits as in a configuration file
        if problem:
            raise PtcheckError(f"--{key.replace('_', '-')}: {problem}")
        self.values[key] = value
        self.sources[key] = "command line"


def find_config(start: Path) -> Path | None:
    """The nearest ptcheck.toml, or pyproject.toml with [tool.ptcheck], from `start` upwards."""
    for folder in (start, *start.parents):
        candidate = folder / "ptcheck.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and re.search(r"^\s*\[tool\.ptcheck", _read(pyproject), re.M):
            return pyproject
    return None


MAX_CONFIG_BYTES = 1_000_000


def _read(path: Path) -> str:
    from ptcheck.files import NotReadable, read_limited

    try:
        return read_limited(path, MAX_CONFIG_BYTES).decode("utf-8")
    except NotReadable as problem:
        raise PtcheckError(f"{path}: cannot read configuration: {problem}") from None
    except UnicodeDecodeError:
        raise PtcheckError(f"{path}: cannot read configuration: not UTF-8") from None


def load_config(
    start: Path | None = None, path: Path | None = None, isolated: bool = False
) -> Config:
    """Settings from the configuration file found from `start` (default: the working
    folder), or from `path` when given (a ptcheck.toml, or a pyproject.toml with a
    [tool.ptcheck] table); none at all when `isolated`."""
    config = Config()
    if isolated:
        return config
    if path is not None and not path.exists():
        raise PtcheckError(f"{path}: no such configuration file")
    path = path or find_config((start or Path.cwd()).resolve())
    if path is None:
        return config
    text = _read(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PtcheckError(f"{path}: {exc}") from None
    in_tool = path.name == "pyproject.toml" or "tool" in data  # a [tool.ptcheck] table
    table: dict[str, Any] = data.get("tool", {}).get("ptcheck", {}) if in_tool else data
    header = "[tool.ptcheck" if in_tool else ""
    problems = []
    for key, raw in table.items():
        value: Any = raw
        line = _line_of(text, key, header)
        if key not in KEYS:
            problems.append(f"{path}:{line}: unknown key {key!r} (known: {', '.join(KEYS)})")
            continue
        kind: Any = KEYS[key][0]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or isinstance(value, bool):
            problems.append(f"{path}:{line}: {key} must be {TYPE_NAMES[kind]}")
            continue
        problem = _out_of_range(key, value)
        if problem:
            problems.append(f"{path}:{line}: {problem}")
            continue
        if key == "fail_on" and value not in FAIL_ON:
            problems.append(f"{path}:{line}: fail_on must be one of {', '.join(FAIL_ON)}")
            continue
        if key == "waive" and not all(isinstance(v, str) for v in value.values()):
            problems.append(f"{path}:{line}: waive maps item ids to reasons (strings)")
            continue
        if key == "checklist" and not _bundled_name(value, path.parent):
            value = str((path.parent / value).resolve())
        config.values[key] = value
        config.sources[key] = f"{path}:{line}"
    if problems:
        raise PtcheckError("\n".join(problems))
    config.path = path
    return config


def _bundled_name(value: str, folder: Path) -> bool:
    """True when a `checklist` setting names a bundled checklist, not a file in `folder`."""
    from ptcheck.checklist import bundled_checklists

    return value in bundled_checklists() and not (folder / value).exists()


def _out_of_range(key: str, value: Any) -> str:
    """What is wrong with a setting of the right type (the flags' own limits), or ""."""
    if key == "fail_under" and not 0 <= value <= 100:  # also false for NaN
        return "fail_under must be a number from 0 to 100"
    if key == "max_size" and value < 1:
        return "max_size must be at least 1"
    if key == "jobs" and value < 0:
        return "jobs must be 0 (every core) or more"
    if key == "time_limit" and not 0 <= value < float("inf"):  # also false for NaN
        return "time_limit must be a number of seconds, 0 (no limit) or more"
    if key in ("include", "exclude") and not all(isinstance(v, str) for v in value):
        return f"{key} must be a list of glob strings"
    return ""


def _line_of(text: str, key: str, header: str) -> int:
    """1-based line where `key` is set (after `header` when given)."""
    lines = text.splitlines()
    start = (
        next((i for i, line in enumerate(lines) if line.strip().startswith(header)), 0)
        if header
        else 0
    )
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*[=.]")
    for index in range(start, len(lines)):
        if pattern.match(lines[index]):
            return index + 1
    return start + 1
