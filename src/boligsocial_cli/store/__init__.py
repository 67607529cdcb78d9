"""The store: the dataset indexed for lookups and full-text search."""
