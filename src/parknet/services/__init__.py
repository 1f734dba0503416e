"""Use cases: load from the store, call the pure core, write results. Web and CLI call these."""
