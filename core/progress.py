"""A progress bar for long management commands (imports), written to their error stream."""

from __future__ import annotations

from collections.abc import Callable

from django.core.management.base import OutputWrapper

WIDTH = 30


def progress_bar(stream, label: str) -> Callable[[float], None]:
    """``show(share)``: redraws "label [####....]  40%" in place; a new line once the share is 1.

    ``stream``: a command's ``self.stderr`` (which ends every write with a new line unless told not
    to) or any file.
    """
    write = (lambda text: stream.write(text, ending="")) if isinstance(stream, OutputWrapper) else stream.write

    def show(share: float) -> None:
        done = int(share * WIDTH)
        write(f"\r{label} [{'#' * done}{'.' * (WIDTH - done)}] {share:4.0%}")
        if share >= 1:
            write("\n")
        stream.flush()

    return show


def no_progress(share: float) -> None:
    """For --no-progress (logs): nothing."""
