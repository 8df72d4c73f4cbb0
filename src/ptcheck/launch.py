"""The `ptcheck` command's entry point: Ctrl-C is handled before anything else loads.

Python's own handler raises KeyboardInterrupt wherever the main thread is. While the command
line's modules load (typer, then spaCy: the first half second of every run), that is inside
the import machinery: a Ctrl-C there printed a traceback, or "Exception ignored in ... cb"
when it fell in a module lock's callback (the interrupt was then lost). Nothing is computed
while modules load, so the command ends at once there, quietly, with the status of Ctrl-C.
Everywhere else Ctrl-C raises KeyboardInterrupt as before (a batch keeps its results).
"""

from __future__ import annotations

import os
import signal
from types import FrameType

INTERRUPTED = 130  # the status a shell gives a command ended by Ctrl-C (128 + SIGINT)


def on_interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGINT: end at once inside an import, KeyboardInterrupt anywhere else."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib"):
            os._exit(INTERRUPTED)
        frame = frame.f_back
    raise KeyboardInterrupt


def main() -> None:
    """Run the command line with `on_interrupt` as the Ctrl-C handler."""
    signal.signal(signal.SIGINT, on_interrupt)
    from ptcheck.cli import main as run_command_line

    run_command_line()
