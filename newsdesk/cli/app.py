"""The Typer application every command module registers on, and options they share."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from rich.console import Console

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
