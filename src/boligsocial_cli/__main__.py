"""`python -m boligsocial_cli`: the `boligsocial` command."""

from boligsocial_cli.cli import main

if __name__ == "__main__":
    main()
