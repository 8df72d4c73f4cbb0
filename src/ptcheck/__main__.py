"""`python -m ptcheck` runs the command line."""

from ptcheck.launch import main

main()
