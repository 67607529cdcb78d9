"""Output: terminal views and the data formats listings are exported in."""
