"""Errors ptcheck reports to users, each with the exit code it maps to."""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_BELOW_THRESHOLD = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # Ctrl-C: the status a shell gives a command ended by SIGINT (128 + 2)


class PtcheckError(Exception):
    """An error meant for the user: one line, no traceback."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(PtcheckError):
    """A document that cannot be read: missing, binary, corrupt, undecodable..."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(f"{printable(str(path))}: {problem}")
        self.path = str(path)
        self.problem = problem


class ChecklistError(PtcheckError):
    """A checklist that is not valid; `problems` holds every `file:line:col: key: message`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


_CONTROL = {c: f"\\x{c:02x}" for c in (*range(32), 127)}


def printable(text: str) -> str:
    """Text for a one-line message: control characters (a newline in a file name) escaped."""
    return text.translate(_CONTROL)
