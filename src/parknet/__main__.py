"""``python -m parknet`` runs the command line."""

from parknet.cli import main

main()
