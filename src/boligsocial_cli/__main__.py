"""`python -m boligsocial_cli`: the same as the `boligsocial` command."""

from .cli import main

if __name__ == "__main__":
    main()
