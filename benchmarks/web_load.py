"""Web load benchmark: 50 concurrent clients for 60 s over the overview page and the API.

Starts ``parknet serve`` on loopback against a copy of the demo database (``make demo`` builds
``var/parknet.db``; without it a small demo is generated), signs a token-holding analyst in, then runs
closed-loop clients driven by ``wrk`` (Debian package; each connection sends its next request when the
previous answer arrives) cycling through
``/``, ``/api/v1/overview``, ``/api/v1/zones`` and ``/api/v1/provinces``. Prints p50/p95/p99 latency, throughput
and the error count. Anchor: ``/healthz`` under the same load in the same run (the cost of the framework
and the network path alone), so the ratios say what ParkNet's own work adds.

Usage: .venv/bin/python benchmarks/web_load.py [--clients 50] [--seconds 60] [--workers 2]   (needs wrk)
Target on the 2-core machine: p95 ≤ 100 ms, 0 errors.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
MIX = ["/", "/api/v1/overview", "/api/v1/zones?per_page=50", "/api/v1/provinces"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database(tmp: Path) -> str:
    source = ROOT / "var" / "parknet.db"
    target = tmp / "bench.db"
    if source.exists():
        shutil.copy(source, target)
        url = f"sqlite:///{target}"
        from parknet.store.session import make_engine, migrate

        migrate(make_engine(url))
    else:
        url = f"sqlite:///{target}"
        from parknet.services.demo import load_demo
        from parknet.store.session import make_engine

        load_demo(make_engine(url), n_enterprises=20_000)
    return url


def _token(url: str) -> str:
    from parknet.services.accounts import add_user, issue_token, user_exists
    from parknet.store.session import make_engine

    engine = make_engine(url)
    if not user_exists(engine, "bench"):
        add_user(engine, "bench", "analyst", "benchmark password")
    return issue_token(engine, "bench")


_LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Authorization"] = "Bearer %s"})
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%.1f %%.1f %%.1f %%d\\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.duration))
end
"""


def _wrk(base: str, paths: list[str], token: str, clients: int, seconds: float, tmp: Path) -> dict[str, float]:
    """Closed-loop load from wrk (C, so the load generator does not starve the server of CPU)."""
    script = tmp / "mix.lua"
    script.write_text(_LUA % (", ".join(f'"{p}"' for p in paths), token))
    out = subprocess.run(["wrk", "-t", "2", "-c", str(clients), "-d", f"{int(seconds)}s", "--timeout", "10s",
                          "-s", str(script), base], capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    n, socket_errors, status_errors, p50, p95, p99, micros = line.split()[1:]
    return {"requests": int(n), "rps": int(n) / (int(micros) / 1e6), "p50": float(p50), "p95": float(p95),
            "p99": float(p99), "errors": int(socket_errors) + int(status_errors),
            "first_error": f"{socket_errors} socket errors, {status_errors} non-2xx" if int(socket_errors) + int(status_errors) else ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        url = _database(Path(d))
        token = _token(url)
        port = _free_port()
        env = dict(os.environ, PARKNET_DATABASE_URL=url)
        server = subprocess.Popen([sys.executable, "-m", "parknet", "serve", "--port", str(port),
                                   "--workers", str(args.workers)], env=env, stdout=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            _wrk(base, MIX, token, 4, 3, Path(d))  # warm the caches
            anchor = _wrk(base, ["/healthz"], token, args.clients, min(args.seconds, 15), Path(d))
            result = _wrk(base, MIX, token, args.clients, args.seconds, Path(d))
        finally:
            server.terminate()
            server.wait(10)
    print(f"web_load: {args.clients} clients, {args.seconds:.0f} s, {args.workers} worker(s), mix {MIX}")
    print(f"{'':14}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, r in (("anchor /healthz", anchor), ("ParkNet mix", result)):
        print(f"{name:14}{r['requests']:>10}{r['rps']:>9.0f}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['p99']:>9.1f}{r['errors']:>8}")
    print(f"ratio mix/anchor: p50 {result['p50'] / anchor['p50']:.1f}×, p95 {result['p95'] / anchor['p95']:.1f}×")
    print(f"target p95 ≤ 100 ms with 0 errors: {'met' if result['p95'] <= 100 and not result['errors'] else 'NOT met'}"
          + (f" (first error: {result['first_error']})" if result["errors"] else ""))


if __name__ == "__main__":
    main()
