"""`make bench`: page speed, query counts and page weight, against the framework's own limit.

Serves the app the production way (gunicorn, 2 workers, WhiteNoise, DEBUG off) on 127.0.0.1 and
drives it with wrk from a second process, bounded in time. Two databases: "small" (the demo) and
"large" (30 years, 83,000 kelurahan); query counts must be equal on both. Results go to
bench/results/latest.json and a table on the terminal.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
HOST = "127.0.0.1"
PORT = 8765
USER = ("staf", "demo-staf-2019")  # staff can open every page listed
CONCURRENCY = (1, 20)
SLOW_SECONDS = 2.0  # a page slower than this for one request is reported, not loaded

# (label, URL name, kwargs as a function of the database) — pages the issue lists, as far as they exist.
PAGES = [
    ("trivial view", "bench-trivial", {}),
    ("dashboard", "clusters:home", {}),
    ("evaluation detail", "clusters:evaluation-detail", {"year": 2019}),
    ("self-assessment form", "clusters:self-assessment-edit", {"year": 2019, "cluster": "KLB"}),
    ("kelurahan list", "kelurahan:kelurahan-list", {}),
    ("PATBM coverage", "kelurahan:coverage", {}),
]


@dataclass
class Server:
    database_url: str
    process: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", DATABASE_URL=self.database_url)
        env.pop("DEBUG", None)
        return env

    def manage(self, *args: str) -> None:
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env(), check=True)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "kla_tracker.wsgi", "--bind", f"{HOST}:{PORT}", "--workers", "2",
             "--log-level", "warning"],
            cwd=ROOT,
            env=self.env(),
        )
        for _ in range(100):
            try:
                _request("GET", "/akun/login/")
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        if self.process:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:  # a worker stuck in a slow request
                self.process.kill()
                self.process.wait()
            self.process = None


def _request(method, path, headers=None, body=None, timeout=120):
    connection = http.client.HTTPConnection(HOST, PORT, timeout=timeout)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response, data


def _login() -> str:
    """Logs in through the real form; returns the Cookie header for the session."""
    response, body = _request("GET", "/akun/login/")
    cookies = SimpleCookie(response.getheader("Set-Cookie"))
    csrf = cookies["csrftoken"].value
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode({"username": USER[0], "password": USER[1], "csrfmiddlewaretoken": token})
    response, _ = _request(
        "POST", "/akun/login/", {"Cookie": f"csrftoken={csrf}", "Content-Type": "application/x-www-form-urlencoded",
                                 "Referer": f"http://{HOST}:{PORT}/akun/login/"}, form,
    )
    session = SimpleCookie(response.getheader("Set-Cookie"))["sessionid"].value
    return f"csrftoken={csrf}; sessionid={session}"


def _paths(server: Server) -> dict[str, str]:
    """Resolves each page's URL name in the benchmark URLconf; pages not built yet are left out."""
    script = (
        "import json, django; django.setup();"
        "from django.urls import reverse, NoReverseMatch\n"
        f"pages = {[(label, name, kwargs) for label, name, kwargs in PAGES]!r}\n"
        "out = {}\n"
        "for label, name, kwargs in pages:\n"
        "    try: out[label] = reverse(name, kwargs=kwargs)\n"
        "    except NoReverseMatch: pass\n"
        "print(json.dumps(out))"
    )
    result = subprocess.run([PYTHON, "-c", script], cwd=ROOT, env=server.env(), check=True, capture_output=True,
                            text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _weight(path: str, cookie: str) -> dict:
    """Bytes of a first visit (HTML and every asset, compressed as served) and a repeat visit."""
    accept = {"Accept-Encoding": "br, gzip", "Cookie": cookie}
    response, body = _request("GET", path, accept)
    html = body if response.getheader("Content-Encoding") is None else _decode(response, body)
    first = repeat = len(body)
    assets = sorted(set(re.findall(rb'(?:src|href)="(/static/[^"]+)"', html)))
    uncached = []
    for asset in assets:
        asset_response, asset_body = _request("GET", asset.decode(), accept)
        first += len(asset_body)
        if "immutable" not in (asset_response.getheader("Cache-Control") or ""):
            repeat += len(asset_body)
            uncached.append(asset.decode())
    return {"first_visit_bytes": first, "repeat_visit_bytes": repeat, "html_bytes": len(body),
            "assets": len(assets), "assets_not_long_cached": uncached}


def _decode(response, body: bytes) -> bytes:
    encoding = response.getheader("Content-Encoding")
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        import brotli

        return brotli.decompress(body)
    return body


def _queries(path: str, cookie: str) -> tuple[int, float]:
    """SQL queries of one request, and how long that request took (seconds)."""
    started = time.perf_counter()
    response, _ = _request("GET", path, {"Cookie": cookie})
    assert response.status == 200, f"{path} answered {response.status}"
    return int(response.getheader("X-Query-Count")), time.perf_counter() - started


def _load(path: str, cookie: str, clients: int, seconds: int) -> dict:
    result = subprocess.run(
        ["wrk", "-t", str(min(clients, 2)), "-c", str(clients), "-d", f"{seconds}s", "--timeout", "5s",
         "-s", str(BENCH / "report.lua"), "-H", f"Cookie: {cookie}", f"http://{HOST}:{PORT}{path}"],
        check=True, capture_output=True, text=True,
    )
    stats = json.loads(result.stdout.strip().splitlines()[-1])
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    return stats


def _prepare(server: Server, large: bool, rebuild: bool, marker: Path) -> None:
    if marker.exists() and not rebuild:
        return
    server.manage("migrate", "--verbosity", "0")
    server.manage("load_reference_data")
    server.manage("load_demo")
    if large:
        script = "import django; django.setup(); from bench.populate import populate; populate()"
        subprocess.run([PYTHON, "-c", script], cwd=ROOT, env=server.env(), check=True)
    marker.touch()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="length of each load run")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the benchmark databases")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="large database (default: SQLite file in bench/)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2

    small = Server(f"sqlite:///{BENCH / 'small.sqlite3'}")
    large = Server(args.database_url or f"sqlite:///{BENCH / 'large.sqlite3'}")
    if args.rebuild:
        for name in ("small.sqlite3", "large.sqlite3"):
            (BENCH / name).unlink(missing_ok=True)
    print("== preparing the benchmark databases (the large one takes a minute the first time)")
    _prepare(small, large=False, rebuild=args.rebuild, marker=BENCH / ".small-ready")
    _prepare(large, large=True, rebuild=args.rebuild, marker=BENCH / ".large-ready")
    large.manage("collectstatic", "--noinput", "--verbosity", "0")

    results: dict[str, dict] = {}
    small.start()
    try:
        cookie = _login()
        paths = _paths(small)
        for label, path in paths.items():
            results[label] = {"path": path, "queries_small": _queries(path, cookie)[0]}
    finally:
        small.stop()

    large.start()
    try:
        cookie = _login()
        for row in results.values():
            row["queries_large"], row["single_request_s"] = _queries(row["path"], cookie)
            row.update(_weight(row["path"], cookie))
            if row["single_request_s"] > SLOW_SECONDS:
                row["too_slow_for_load"] = True  # a load run would only queue behind it
                continue
            for clients in CONCURRENCY:
                row[f"c{clients}"] = _load(row["path"], cookie, clients, args.seconds)
    finally:
        large.stop()

    trivial = results["trivial view"]
    for row in results.values():
        for clients in CONCURRENCY:
            if row.get("too_slow_for_load"):
                continue
            row[f"c{clients}"]["ratio_to_trivial"] = row[f"c{clients}"]["rps"] / trivial[f"c{clients}"]["rps"]
    missing = [page[0] for page in PAGES if page[0] not in results]
    output = {"machine": {"cpus": os.cpu_count()}, "seconds_per_run": args.seconds, "pages": results,
              "pages_not_built_yet": missing}
    (BENCH / "results").mkdir(exist_ok=True)
    (BENCH / "results" / "latest.json").write_text(json.dumps(output, indent=2))
    _print_table(results, missing)
    return 0


def _print_table(results: dict[str, dict], missing: list[str]) -> None:
    header = (f"{'page':<22}{'rps@1':>8}{'ratio':>7}{'rps@20':>8}{'ratio':>7}{'p50':>7}{'p95':>7}{'p99':>7}"
              f"{'q small':>8}{'q large':>8}{'1st KB':>8}{'again KB':>9}")
    print(header)
    print("-" * len(header))
    for label, row in results.items():
        if row.get("too_slow_for_load"):
            print(f"{label:<22}  one request took {row['single_request_s']:.1f} s: not load-tested"
                  f"{row['queries_small']:>10}{row['queries_large']:>8}{row['first_visit_bytes'] / 1024:>8.0f}"
                  f"{row['repeat_visit_bytes'] / 1024:>9.1f}")
            continue
        one, twenty = row["c1"], row["c20"]
        print(f"{label:<22}{one['rps']:>8.0f}{one['ratio_to_trivial']:>7.2f}{twenty['rps']:>8.0f}"
              f"{twenty['ratio_to_trivial']:>7.2f}{twenty['p50_us'] / 1000:>6.0f}m{twenty['p95_us'] / 1000:>6.0f}m"
              f"{twenty['p99_us'] / 1000:>6.0f}m{row['queries_small']:>8}{row['queries_large']:>8}"
              f"{row['first_visit_bytes'] / 1024:>8.0f}{row['repeat_visit_bytes'] / 1024:>9.1f}")
    print("p50/p95/p99 in ms at 20 concurrent clients; ratio = requests/s relative to the trivial view.")
    if missing:
        print("Not built yet, not measured: " + ", ".join(missing))


if __name__ == "__main__":
    sys.exit(main())
