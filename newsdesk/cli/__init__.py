"""The ``newsdesk`` command line: one module per group of commands, all registered on one Typer app."""

from __future__ import annotations

import importlib

from newsdesk.cli.app import app

# Each module registers its commands on ``app`` when imported.
COMMAND_MODULES = [
    "newsdesk.cli.core",
    "newsdesk.cli.extract",
    "newsdesk.cli.sites",
    "newsdesk.cli.analyze",
    "newsdesk.cli.backfill",
    "newsdesk.cli.accounts",
    "newsdesk.cli.stories",
]

for _name in COMMAND_MODULES:
    importlib.import_module(_name)


def main() -> None:
    """Run the command line."""
    app()


__all__ = ["app", "main"]
