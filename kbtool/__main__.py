"""`python -m kbtool` runs the CLI."""

from .cli import main

main()
