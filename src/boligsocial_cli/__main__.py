"""`python -m boligsocial_cli`."""

from .cli import main

main()
