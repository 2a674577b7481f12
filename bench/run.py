"""`make bench`: page speed, query counts and page weight, against the framework's own limit.

Serves the app the production way (gunicorn, 2 workers of 2 threads, WhiteNoise, DEBUG off) on 127.0.0.1 and
drives it with wrk from a second process, bounded in time. Two databases: "small" (the demo, its 2025
cycle and a 2026 evaluation being filled on the 2024 instrument) and "large" (18 years on the 2019-era
framework and 30 on the 2024 instrument, with deductions, verified question scores and history, users
and scenarios, 83,000 kelurahan); query
counts must be equal on both, and single-request times flat. Each page is loaded in rounds
interleaved with the trivial view (ratios per round: median and spread), with `Accept-Encoding: gzip`
like a browser, and its cache-miss path is timed after a score write and after a PATBM write.
Results go to bench/results/latest.json and a table on the terminal, with each target met or missed.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

from bench import evidence

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
HOST = "127.0.0.1"
PORT = 8765
USER = ("staf", "demo-staf-2019")  # staff can open every page listed
CONCURRENCY = (1, 20)
WORKERS, THREADS = 2, 2  # gunicorn's, per `Server.start`
ROUNDS = 3  # interleaved trivial/page rounds per concurrency level
DATA_SET = "2"  # the data set's version (2: the 2024 instrument's years, issue 17); older databases are rebuilt
SLOW_SECONDS = 2.0  # a page slower than this for one request is reported, not loaded
# Targets of the performance issue, checked at the end of every run.
TARGET_P95_MS = 100
TARGET_DASHBOARD_RATIO = 0.5
TARGET_MISS_MS = 300
TARGET_REPORT_MS = 300

# A page's year looked up in each database (`bench.populate.question_page_years`): the latest evaluation on
# the 2024 instrument in the self-assessment, and the latest final one.
OPEN_QUESTION_YEAR = "<open question-level year>"
FINAL_QUESTION_YEAR = "<final question-level year>"

# (label, URL name, kwargs) — pages the issues list, as far as they exist.
PAGES = [
    ("trivial view", "bench-trivial", {}),
    ("dashboard", "dashboard:home", {}),
    ("evaluation detail", "clusters:evaluation-detail", {"year": 2019}),
    ("self-assessment form", "clusters:self-assessment-edit", {"year": 2019, "cluster": "KLB"}),
    ("kelurahan list", "kelurahan:kelurahan-list", {}),
    ("PATBM coverage", "kelurahan:coverage", {}),
    ("planner", "planner:planner", {}),
    ("printable report", "dashboard:evaluation-report", {"year": 2019}),
    # Issue 17: indicator 1's question entry page (63 questions) and a 274-question evaluation's page.
    ("question entry", "clusters:question-scores-edit", {"year": OPEN_QUESTION_YEAR, "code": "1"}),
    ("question evaluation", "clusters:evaluation-detail", {"year": FINAL_QUESTION_YEAR}),
]


@dataclass
class Server:
    database_url: str
    process: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.settings", DATABASE_URL=self.database_url,
                   MEDIA_ROOT=evidence.media_root(self.database_url))
        env.pop("DEBUG", None)
        return env

    def manage(self, *args: str) -> None:
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=self.env(), check=True)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "kla_tracker.wsgi", "--bind", f"{HOST}:{PORT}", "--workers", str(WORKERS),
             "--worker-class", "gthread", "--threads", str(THREADS), "--worker-connections", str(THREADS),
             "--keep-alive", "0",
             "--log-level", "warning"],  # see README, "Downloads"
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
    """Resolves each page's URL name in the benchmark URLconf, with the years looked up in this database;
    pages not built yet (or without such a year) are left out."""
    script = (
        "import json, django; django.setup();"
        "from django.urls import reverse, NoReverseMatch\n"
        "from bench.populate import question_page_years\n"
        f"pages = {[(label, name, kwargs) for label, name, kwargs in PAGES]!r}\n"
        f"years = {{{OPEN_QUESTION_YEAR!r}: 'open', {FINAL_QUESTION_YEAR!r}: 'final'}}\n"
        "found = question_page_years()\n"
        "out = {}\n"
        "for label, name, kwargs in pages:\n"
        "    kwargs = {key: found[years[value]] if value in years else value for key, value in kwargs.items()}\n"
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


def _get(path: str, cookie: str) -> tuple[http.client.HTTPResponse, float]:
    """One request as a browser sends it (gzip accepted); returns the response and its time in seconds."""
    started = time.perf_counter()
    response, _ = _request("GET", path, {"Cookie": cookie, "Accept-Encoding": "gzip"})
    assert response.status == 200, f"{path} answered {response.status}"
    return response, time.perf_counter() - started


def _queries(path: str, cookie: str) -> tuple[int, float]:
    """SQL queries of one request, and how long that request took (seconds)."""
    response, seconds = _get(path, cookie)
    return int(response.getheader("X-Query-Count")), seconds


def _warm_every_worker(path: str, cookie: str) -> None:
    """Requests the page from every worker thread at once (one after another, an idle worker may take them
    all): a worker's very first page also reads the user's permissions and navigation, cached after."""
    threads = WORKERS * THREADS
    with ThreadPoolExecutor(threads) as pool:
        for _ in range(2):
            list(pool.map(lambda _: _get(path, cookie), range(threads)))


def _computed_queries(path: str, cookie: str, count: int = 4) -> int:
    """SQL queries of the page computed afresh: each of `count` requests follows a score and a PATBM write,
    which miss every cache of the page. The largest count: the workers keep some figures in memory between
    requests (`core.caching.VersionMemo`), and one that served the page before recounts them incrementally,
    with a query or two more than a worker's very first count, on either database size. Every worker serves
    the page first (`_warm_every_worker`), or the count would depend on which worker answered."""
    _warm_every_worker(path, cookie)
    counts = []
    for _ in range(count):
        for kind in ("score", "patbm"):
            response, _ = _request("POST", f"/bench/touch/{kind}/", {"Cookie": cookie})
            assert response.status == 200, f"touch {kind} answered {response.status}"
        counts.append(_queries(path, cookie)[0])
    return max(counts)


def _warm_times(path: str, cookie: str, count: int = 5) -> list[float]:
    """Single requests one after the other, caches filled (two workers: both warmed first)."""
    for _ in range(4):
        _get(path, cookie)
    return [_get(path, cookie)[1] for _ in range(count)]


def _miss_times(path: str, cookie: str, kind: str, count: int = 5) -> list[float]:
    """The first request after a write of `kind` (score or PATBM): the cache-miss path."""
    times = []
    for _ in range(count):
        response, _ = _request("POST", f"/bench/touch/{kind}/", {"Cookie": cookie})
        assert response.status == 200, f"touch {kind} answered {response.status}"
        times.append(_get(path, cookie)[1])
    return times


def _load(path: str, cookie: str, clients: int, seconds: int) -> dict:
    result = subprocess.run(
        ["wrk", "-t", str(min(clients, 2)), "-c", str(clients), "-d", f"{seconds}s", "--timeout", "5s",
         "-s", str(BENCH / "report.lua"), "-H", f"Cookie: {cookie}", "-H", "Accept-Encoding: gzip",
         f"http://{HOST}:{PORT}{path}"],
        check=True, capture_output=True, text=True,
    )
    stats = json.loads(result.stdout.strip().splitlines()[-1])
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    return stats


def _interleaved(path: str, trivial: str, cookie: str, clients: int, seconds: int, rounds: int) -> dict:
    """Each round loads the trivial view, then the page, right after each other, so that both see the
    same machine; the ratio is taken per round, and the median and spread over the rounds reported."""
    per_round = []
    for _ in range(rounds):
        base = _load(trivial, cookie, clients, seconds)
        page = _load(path, cookie, clients, seconds)
        per_round.append({"rps": page["rps"], "trivial_rps": base["rps"], "ratio": page["rps"] / base["rps"],
                          "p50_us": page["p50_us"], "p95_us": page["p95_us"], "p99_us": page["p99_us"],
                          "errors": page["errors"] + page["non_2xx"]})
    ratios = [item["ratio"] for item in per_round]
    p95s = [item["p95_us"] for item in per_round]
    return {
        "rounds": per_round,
        "rps": statistics.median(item["rps"] for item in per_round),
        "ratio": statistics.median(ratios), "ratio_min": min(ratios), "ratio_max": max(ratios),
        "p50_us": statistics.median(item["p50_us"] for item in per_round),
        "p95_us": statistics.median(p95s), "p95_max_us": max(p95s),
        "p99_us": statistics.median(item["p99_us"] for item in per_round),
        "errors": sum(item["errors"] for item in per_round),
    }


def _ready(marker: Path) -> bool:
    """Whether the database of `marker` was built with the current data set."""
    return marker.exists() and marker.read_text().strip() == DATA_SET


def _prepare(server: Server, large: bool, rebuild: bool, marker: Path) -> None:
    if _ready(marker) and not rebuild:
        server.manage("migrate", "--verbosity", "0")  # migrations added since it was built
        return
    server.manage("migrate", "--verbosity", "0")
    server.manage("load_reference_data")
    server.manage("load_planner_defaults")
    server.manage("load_demo")
    server.manage("load_demo", "--cycle", "2025")  # the 2024 instrument's final sample evaluation
    # The large set: years on both instruments; the small one: a question-level evaluation being filled.
    function = "populate" if large else "small_populate"
    script = f"import django; django.setup(); from bench.populate import {function}; {function}()"
    subprocess.run([PYTHON, "-c", script], cwd=ROOT, env=server.env(), check=True)
    marker.write_text(DATA_SET)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10, help="length of each load run")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="interleaved rounds per concurrency level")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the benchmark databases")
    parser.add_argument("--skip-evidence", action="store_true", help="leave out the upload and ZIP measurement")
    parser.add_argument("--only", action="append", choices=[page[0] for page in PAGES[1:]] + ["evidence"],
                        help="measure only this page (repeatable; 'evidence': uploads and the ZIP); a partial run "
                             "writes bench/results/partial.json")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"),
                        help="large database (default: SQLite file in bench/)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2

    small = Server(f"sqlite:///{BENCH / 'small.sqlite3'}")
    large = Server(args.database_url or f"sqlite:///{BENCH / 'large.sqlite3'}")
    # Each large database has its own marker: a PostgreSQL one is filled once, not taken for the SQLite file.
    large_marker = ".large-ready" if not args.database_url else \
        f".large-ready-{hashlib.sha256(args.database_url.encode()).hexdigest()[:12]}"
    # Databases built before the data set last changed are rebuilt, each on its own (a PostgreSQL one is filled
    # up, not dropped).
    rebuild = {marker: args.rebuild or not _ready(BENCH / marker) for marker in (".small-ready", large_marker)}
    files = {".small-ready": "small.sqlite3", ".large-ready": "large.sqlite3"}
    for marker, name in files.items():
        if rebuild.get(marker):
            (BENCH / name).unlink(missing_ok=True)
            shutil.rmtree(evidence.media_root(f"sqlite:///{BENCH / name}"), ignore_errors=True)
    print("== preparing the benchmark databases (the large one takes a minute the first time)")
    _prepare(small, large=False, rebuild=rebuild[".small-ready"], marker=BENCH / ".small-ready")
    _prepare(large, large=True, rebuild=rebuild[large_marker], marker=BENCH / large_marker)
    _prepare_evidence(large)
    _analyze(large)
    large.manage("collectstatic", "--noinput", "--verbosity", "0")

    results: dict[str, dict] = {}
    small.start()
    try:
        cookie = _login()
        paths = _paths(small)
        if args.only:
            paths = {label: path for label, path in paths.items() if label == "trivial view" or label in args.only}
        for label, path in paths.items():
            _queries(path, cookie)  # fills the caches
            results[label] = {"path": path, "queries_small": _computed_queries(path, cookie),
                              "warm_small_s": statistics.median(_warm_times(path, cookie))}
    finally:
        small.stop()

    # The same page in each database, its years looked up there (the question pages' differ).
    large_paths = _paths(large)
    results = {label: dict(row, path_large=large_paths[label]) for label, row in results.items()
               if label in large_paths}
    large.start()
    try:
        cookie = _login()
        trivial = results["trivial view"]["path_large"]
        for label, row in results.items():
            print(f"-- {label}", flush=True)
            path = row["path_large"]
            _, row["single_request_s"] = _queries(path, cookie)  # fills the caches
            row["queries_large"] = _computed_queries(path, cookie)
            row.update(_weight(path, cookie))
            row["warm_large_s"] = statistics.median(_warm_times(path, cookie))
            if row["warm_large_s"] > SLOW_SECONDS:
                row["too_slow_for_load"] = True  # a load run would only queue behind it
                continue
            if label != "trivial view":
                row["miss_after_score_s"] = max(_miss_times(path, cookie, "score"))
                row["miss_after_patbm_s"] = max(_miss_times(path, cookie, "patbm"))
                for clients in CONCURRENCY:
                    row[f"c{clients}"] = _interleaved(path, trivial, cookie, clients, args.seconds, args.rounds)
    finally:
        large.stop()
    measure_evidence = "evidence" in args.only if args.only else not args.skip_evidence
    evidence_result = _evidence(large) if measure_evidence else None

    missing = [] if args.only else [page[0] for page in PAGES if page[0] not in results]
    output = {"machine": {"cpus": os.cpu_count()}, "seconds_per_run": args.seconds, "rounds": args.rounds,
              "pages": results, "pages_not_built_yet": missing, "evidence": evidence_result,
              "targets": _targets(results, evidence_result)}
    (BENCH / "results").mkdir(exist_ok=True)
    output["database"] = "postgresql" if args.database_url else "sqlite"
    name = "partial" if args.only else "latest" if not args.database_url else "latest-postgresql"
    (BENCH / "results" / f"{name}.json").write_text(json.dumps(output, indent=2))
    _print_table(results, missing)
    _print_evidence(evidence_result)
    _print_targets(output["targets"])
    return 0


def _prepare_evidence(server: Server) -> None:
    """A document on every answer of the large set's open evaluation (a ZIP of about 550 MB); nothing
    when the database has them already."""
    script = "import django; django.setup(); from bench.evidence import populate; populate()"
    subprocess.run([PYTHON, "-c", script], cwd=ROOT, env=server.env(), check=True)


def _analyze(server: Server) -> None:
    """PostgreSQL's planner statistics, as autovacuum keeps them on a real server: it is off on these machines,
    and a freshly filled database without statistics was planned for 6,420 kelurahan instead of 83,000."""
    script = ("import django; django.setup(); from django.db import connection\n"
              "if connection.vendor == 'postgresql':\n"
              "    with connection.cursor() as cursor: cursor.execute('ANALYZE')")
    subprocess.run([PYTHON, "-c", script], cwd=ROOT, env=server.env(), check=True)


def _evidence(server: Server) -> dict:
    """Uploads and the ZIP on a freshly started server, so the workers' peak memory is theirs alone."""
    print("-- evidence: uploading 5 MB PDFs and streaming the ZIP", flush=True)
    year = _paths(server)["question entry"].split("/")[2]
    server.start()
    try:
        return evidence.measure(HOST, PORT, _login(), server.process.pid, int(year))
    finally:
        server.stop()


def _print_evidence(result: dict | None) -> None:
    if not result:
        return
    print(f"\nEvidence: a {result['upload_mb']:.0f} MB PDF uploads in {result['upload_s'] * 1000:,.0f} ms (median, "
          f"slowest {result['upload_max_s'] * 1000:,.0f} ms); the ZIP of {result['zip_mb']:,.0f} MB streams in "
          f"{result['zip_s']:.1f} s (first byte {result['zip_first_byte_s'] * 1000:,.0f} ms); workers' peak "
          f"memory {result['worker_peak_mb']:.0f} MB (after the uploads "
          f"{result['worker_peak_after_uploads_mb']:.0f} MB).")


def _targets(results: dict[str, dict], evidence_result: dict | None = None) -> list[dict]:
    """Each target of the performance issue with the measured value and whether it is met."""
    checks = []

    def check(what: str, value: float, limit: float, met: bool) -> None:
        checks.append({"target": what, "value": round(value, 3), "limit": limit, "met": met})

    for label, row in results.items():
        if label == "trivial view":
            continue
        if row.get("too_slow_for_load"):
            check(f"{label}: one request under {SLOW_SECONDS:.0f} s", row["warm_large_s"], SLOW_SECONDS, False)
            continue
        twenty = row["c20"]
        check(f"{label}: p95 at 20 clients (ms)", twenty["p95_us"] / 1000, TARGET_P95_MS,
              twenty["p95_us"] / 1000 < TARGET_P95_MS)
        check(f"{label}: errors under load", twenty["errors"] + row["c1"]["errors"], 0,
              twenty["errors"] + row["c1"]["errors"] == 0)
        miss = max(row["miss_after_score_s"], row["miss_after_patbm_s"]) * 1000
        check(f"{label}: first request after a save (ms)", miss, TARGET_MISS_MS, miss < TARGET_MISS_MS)
        check(f"{label}: same queries small / large", row["queries_large"], row["queries_small"],
              row["queries_large"] == row["queries_small"])
    if "dashboard" in results and "c20" in results["dashboard"]:
        ratio = results["dashboard"]["c20"]["ratio"]
        check("dashboard: ratio to the trivial view at 20 clients", ratio, TARGET_DASHBOARD_RATIO,
              ratio >= TARGET_DASHBOARD_RATIO)
    if "printable report" in results:
        report = results["printable report"]
        single = report["warm_large_s"] * 1000
        check("printable report: one request at national scale (ms)", single, TARGET_REPORT_MS,
              single < TARGET_REPORT_MS)
    if evidence_result:
        peak = evidence_result["worker_peak_mb"]
        check("evidence: worker memory uploading and streaming the ZIP (MB)", peak, evidence.TARGET_WORKER_MB,
              peak < evidence.TARGET_WORKER_MB)
    return checks


def _print_table(results: dict[str, dict], missing: list[str]) -> None:
    header = (f"{'page':<22}{'ratio@1':>9}{'ratio@20':>9}{'spread@20':>11}{'p50':>6}{'p95':>6}{'p99':>6}"
              f"{'warm s/l':>10}{'miss':>6}{'q s/l':>7}{'1st KB':>8}{'again KB':>9}")
    print(header)
    print("-" * len(header))
    for label, row in results.items():
        queries = f"{row['queries_small']}/{row['queries_large']}"
        weight = f"{row['first_visit_bytes'] / 1024:>8.0f}{row['repeat_visit_bytes'] / 1024:>9.1f}"
        if row.get("too_slow_for_load"):
            print(f"{label:<22}  one request took {row['warm_large_s']:.1f} s: not load-tested{queries:>7}{weight}")
            continue
        warm = f"{row['warm_small_s'] * 1000:.0f}/{row['warm_large_s'] * 1000:.0f}"
        if label == "trivial view":
            print(f"{label:<22}{'1.00':>9}{'1.00':>9}{'':>11}{'':>18}{warm:>10}{'':>6}{queries:>7}{weight}")
            continue
        one, twenty = row["c1"], row["c20"]
        miss = max(row["miss_after_score_s"], row["miss_after_patbm_s"]) * 1000
        spread = f"{twenty['ratio_min']:.2f}-{twenty['ratio_max']:.2f}"
        latency = "".join(f"{twenty[key] / 1000:>6.0f}" for key in ("p50_us", "p95_us", "p99_us"))
        print(f"{label:<22}{one['ratio']:>9.2f}{twenty['ratio']:>9.2f}{spread:>11}{latency}{warm:>10}{miss:>6.0f}"
              f"{queries:>7}{weight}")
    print("ratio = requests/s relative to the trivial view measured right before (median of the rounds);")
    print("p50/p95/p99 in ms at 20 clients (median of the rounds); warm = one request, small/large data (ms);")
    print("miss = slowest first request after a score or PATBM write (ms); q = queries small/large.")
    if missing:
        print("Not built yet, not measured: " + ", ".join(missing))


def _print_targets(targets: list[dict]) -> None:
    met = sum(item["met"] for item in targets)
    print(f"\nTargets met: {met} of {len(targets)}")
    for item in targets:
        if not item["met"]:
            print(f"  MISSED  {item['target']}: {item['value']} (limit {item['limit']})")


if __name__ == "__main__":
    sys.exit(main())
