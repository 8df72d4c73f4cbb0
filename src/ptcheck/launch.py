"""The `ptcheck` command's entry point: Ctrl-C is handled before anything else loads.

Python's own handler raises KeyboardInterrupt wherever the main thread is. While the command
line's modules load (typer, pydantic and ptcheck's own: the first quarter second of every
run; spaCy too, the first time), that is inside the import machinery: a Ctrl-C there printed
a traceback, or "Exception ignored in ... cb" when it fell in a module lock's callback (the
interrupt was then lost). Until a batch
begins its documents (`work_begins`), nothing is computed that an interrupt must keep, so a
Ctrl-C inside an import ends the command at once, quietly, with the status of Ctrl-C.
Everywhere else, and everywhere once a batch has begun, Ctrl-C raises KeyboardInterrupt as
before: the batch writes what it has computed.
"""

from __future__ import annotations

import os
import signal
from types import FrameType

from ptcheck.errors import EXIT_INTERRUPTED

_loading = True  # until work_begins: nothing computed yet that an interrupt must keep


def work_begins() -> None:
    """From now on Ctrl-C raises KeyboardInterrupt even inside an import (a reader loaded
    for the first PDF of a batch): the results computed are written, not ended with the
    process."""
    global _loading
    _loading = False


def on_interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGINT: end at once inside an import while loading, KeyboardInterrupt otherwise."""
    while _loading and frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            os._exit(EXIT_INTERRUPTED)
        frame = frame.f_back
    raise KeyboardInterrupt


def main() -> None:
    """Run the command line with `on_interrupt` as the Ctrl-C handler."""
    signal.signal(signal.SIGINT, on_interrupt)
    from ptcheck.cli import main as run_command_line

    run_command_line()
