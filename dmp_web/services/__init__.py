"""Use cases: they take repositories and adapters, and return domain results."""
