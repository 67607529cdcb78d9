"""The bibliography: CSL rendering and the formats reference managers read."""
