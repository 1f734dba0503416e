"""Sub-commands of the ``parknet`` CLI, one module per capability; :mod:`parknet.cli` registers them."""
