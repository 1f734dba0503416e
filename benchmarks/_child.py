"""What the benchmarks share: running a script's ``--child`` mode in a fresh interpreter.

The parent never imports ParkNet, numpy or polars: on Linux a child's ``ru_maxrss`` starts from the RSS of
the process that spawned it, so a big parent would hide the children's true peaks.
"""

from __future__ import annotations

import json
import subprocess
import sys


def run_child(script: str, *args: str) -> dict:
    """Run ``script --child ARGS…`` and return the JSON object on its last stdout line."""
    done = subprocess.run([sys.executable, script, "--child", *args], capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"child {done.args[3:]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
