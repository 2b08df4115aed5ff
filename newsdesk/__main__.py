"""``python -m newsdesk`` runs the command-line interface."""

from newsdesk.cli import main

main()
