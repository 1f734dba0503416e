"""Pure analysis core: arrays in, typed results out; no database, clock or global state."""
