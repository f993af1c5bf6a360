"""Load check of ``impact serve``: documents per second through HTTP against the library, as ratios.

    python benchmarks/serve.py [--docs 400] [--json]

Starts ``impact serve`` on a free loopback port (127.0.0.1 only), then evaluates the same
documents (the benchmark corpus, a 1 MB slice of each language) three ways, in one run:
in-process with ``Engine.evaluate``; one HTTP request per document (``POST /v1/evaluate``, one
keep-alive connection); and one JSONL batch request. Every loop is bounded by ``--docs`` and by a
time cap, and the server is stopped at the end. Prints documents per second and each HTTP way's
ratio to the library; ``--json`` prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import corpus  # noqa: E402

TIME_CAP = 120.0  # seconds per way, whatever --docs says


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "impact.cli", "serve", "--port", str(port), "--reload-interval", "0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("impact serve did not start within 60 s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=400, help="documents per way (bounded)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    paths = corpus.build(mb=2.0)
    docs: list[str] = []
    for path in paths.values():  # half Chinese, half English
        docs += corpus.read(path, limit_bytes=1_000_000)[: (args.docs + 1) // 2]

    from impact import Engine

    engine = Engine.from_path()
    engine.evaluate(docs[0])  # compiled before timing, as the server's is
    t0 = time.perf_counter()
    for text in docs:
        engine.evaluate(text)
    library = time.perf_counter() - t0

    port = free_port()
    proc = start_server(port)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Content-Type": "application/json"}
        done = 0
        t0 = time.perf_counter()
        for text in docs:
            conn.request("POST", "/v1/evaluate", body=json.dumps({"text": text}).encode("utf-8"), headers=headers)
            response = conn.getresponse()
            response.read()
            assert response.status == 200, response.status
            done += 1
            if time.perf_counter() - t0 > TIME_CAP:
                break
        single = (time.perf_counter() - t0) / done * len(docs)

        body = "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(docs))
        t0 = time.perf_counter()
        conn.request("POST", "/v1/evaluate", body=body.encode("utf-8"), headers={"Content-Type": "application/x-ndjson"})
        response = conn.getresponse()
        lines = response.read().decode("utf-8").splitlines()
        batch = time.perf_counter() - t0
        assert len(lines) == len(docs)
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    n = len(docs)
    figures = {
        "documents": n,
        "library_docs_per_s": round(n / library, 1),
        "http_single_docs_per_s": round(n / single, 1),
        "http_batch_docs_per_s": round(n / batch, 1),
        "http_single_vs_library": round(single / library, 2),
        "http_batch_vs_library": round(batch / library, 2),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{n} documents of the benchmark corpus (zh and en), one run, 127.0.0.1")
    print(f"  library (Engine.evaluate)          {figures['library_docs_per_s']:>8} docs/s")
    print(f"  HTTP, one request per document     {figures['http_single_docs_per_s']:>8} docs/s"
          f"  ({figures['http_single_vs_library']}x the library's time)")
    print(f"  HTTP, one JSONL batch              {figures['http_batch_docs_per_s']:>8} docs/s"
          f"  ({figures['http_batch_vs_library']}x the library's time)")


if __name__ == "__main__":
    main()
