"""`python -m ringback.cli`: the same as the `ringback` command."""

from ringback.cli import main

main()
