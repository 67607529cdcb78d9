"""`python -m boligsocial_cli`."""

from .cli import main

if __name__ == "__main__":  # not when a worker process imports it (see cache.py)
    main()
