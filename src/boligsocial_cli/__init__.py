"""boligsocial: what is known about boligsociale indsatser, from the command line."""

__version__ = "0.1.0"
