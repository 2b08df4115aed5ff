"""The Typer application every command module registers on, and options they share."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from newsdesk.errors import InputError

app = typer.Typer(
    name="newsdesk",
    help="newsdesk: a self-hosted news desk (ingest, extract, analyse, cluster, rank, publish).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", envvar="NEWSDESK_DB", help="SQLAlchemy database URL or SQLite path (default: a file in the data dir)."
    ),
]


def setup_logging(verbose: bool) -> None:
    """Send log records to stderr, more of them when verbose."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    # the libraries log each page they cannot parse; newsdesk reports those failures itself, once
    for noisy in ("trafilatura", "htmldate", "charset_normalizer"):
        logging.getLogger(noisy).setLevel(logging.INFO if verbose else logging.CRITICAL)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one error line and return the Exit to raise."""
    console.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    return typer.Exit(code)


def input_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield (line number, line) for each non-blank line of a UTF-8 file, "-" being standard input.

    A file that cannot be opened, or a line that is not UTF-8, raises InputError naming the file (and line).
    """
    try:
        lines = sys.stdin.buffer if str(path) == "-" else path.open("rb")
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), input=str(path)) from exc
    with lines:
        for number, raw in enumerate(lines, 1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(f"not UTF-8 ({exc.reason} at byte {exc.start})", input=f"{path}:{number}") from exc
            if line.strip():
                yield number, line
