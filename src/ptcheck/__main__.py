"""`python -m ptcheck` runs the command line."""

from ptcheck.cli import main

main()
