#!/usr/bin/env python
"""Scale benchmark: every public page and export at 1×, ~10× and ~100×, against a bare base.html view.

    .venv/bin/python bench/run.py --sizes 80,800,10000 --label after

For each size it (re)creates a PostgreSQL database (``<prefix>_<size>``: the real fixtures at
80, the synthetic generator above), collects static files, serves it with gunicorn (2 sync
workers, production settings, Redis cache), and drives it from this process over loopback with
client threads: for each page, at 1 then 10 concurrent clients, first the bare view
(``/bench/bare/``, only with DJANGO_BENCH_VIEWS=1) then the page, each for ``--seconds``
(a run stops early at ``--max-requests`` and never starts new requests after 60 s). Prints
p50/p95, requests per second and the p95 ratio to the bare view, and with ``--write`` puts
the table in bench/README.md between markers named by ``--label``. Then, on a fresh server
per export, the growth of a worker's peak RSS (VmHWM) while serving each CSV export.
"""

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from run_load import HOST, Client, drive, pages, summarise
from run_table import progress_line, table, write_readme

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv/bin/python")
GUNICORN = str(ROOT / ".venv/bin/gunicorn")
SLOW = 5.0  # a page whose one request takes longer is timed once, not driven


def synthetic_areas(services):
    return max(40, min(400, services // 25))


def env_for(args, size, bench_views=True):
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL=f"{args.postgres}/{database_name(args, size)}",
        REDIS_URL=args.redis,
        WEB_CONCURRENCY="2",
        GUNICORN_BIND=f"{HOST}:{args.port}",
        GUNICORN_TIMEOUT="120",
        GUNICORN_ACCESS_LOG="/dev/null",
        GUNICORN_MAX_REQUESTS="0",
        DJANGO_BENCH_VIEWS="1" if bench_views else "0",
        # The API's throttle (120 requests a minute per client in production) would answer most of a run with
        # 429: the benchmark measures the pages, so it lifts the limit for its one client address.
        DJANGO_OPEN_DATA_RATE="1000000/minute",
    )
    return env


def database_name(args, size):
    return f"{args.prefix}_real" if size == args.real_size else f"{args.prefix}_synth_{size}"


def manage(env, *argv):
    subprocess.run([PYTHON, "manage.py", *argv], cwd=ROOT, env=env, check=True)


def build(args, size):
    name = database_name(args, size)
    psql = ["psql", "-q", "-h", HOST, "-U", "postgres", "-c"]
    subprocess.run([*psql, f"DROP DATABASE IF EXISTS {name}"], check=True, capture_output=True)
    subprocess.run([*psql, f"CREATE DATABASE {name}"], check=True, capture_output=True)
    env = env_for(args, size)
    manage(env, "migrate", "--noinput", "-v0")
    started = time.monotonic()
    if size == args.real_size:
        manage(env, "load_directory", "-v0")
    else:
        manage(env, "generate_synthetic_directory", f"--services={size}", f"--areas={synthetic_areas(size)}")
    print(f"[{size}] data in {time.monotonic() - started:.1f} s", flush=True)


def targets(args, size):
    """The area, service (its organisation and Open Referral id) and search word to ask for at this size."""
    env = env_for(args, size)
    code = (
        "import json; from django.utils import timezone; from directory.models import Service; "
        "from regions.models import Area; "
        "a = Area.objects.filter(slug__in=['cardiff','synth-council-0']).first(); "
        "from opendata.oruk import service_id; "
        "s = Service.objects.filter(slug='drive-cardiff-and-vale').first() or "
        "Service.objects.referable().current(timezone.localdate()).order_by('pk').first(); "
        "print(json.dumps({'area': a.slug, 'service': s.slug, 'organisation': s.organisation.slug, "
        "'api_id': str(service_id(s)), 'n': Service.objects.count(), 'areas': Area.objects.count()}))"
    )
    out = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    found["q"] = "stalking" if size == args.real_size else "Respect"
    return found


class Server:
    def __init__(self, args, size):
        self.env = env_for(args, size)
        self.port = args.port
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [GUNICORN, "--config", "gunicorn.conf.py"], cwd=ROOT, env=self.env, start_new_session=True
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", "/bench/bare/", headers={"Host": f"{HOST}:{self.port}"})
                if conn.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /bench/bare/ in 30 s")

    def workers(self):
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in out.split()]

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=35)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def proc_kib(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def flush_cache(args):
    subprocess.run([PYTHON, "-c", f"import redis; redis.Redis.from_url({args.redis!r}).flushdb()"], check=True)


def measure_size(args, size):
    if not args.no_build:
        build(args, size)
    t = targets(args, size)
    print(f"[{size}] {t['n']} services, {t['areas']} areas; area {t['area']}, service {t['service']}", flush=True)
    flush_cache(args)
    manage(env_for(args, size), "collectstatic", "--noinput", "-v0")
    rows = []
    with Server(args, size):
        client = Client(args.port, t["area"])
        client.fetch_csrf()
        for name, target in pages(t):
            t0 = time.monotonic()
            client.request(target)  # the first request after the cache was emptied
            cold = time.monotonic() - t0
            t0 = time.monotonic()
            status, size_bytes, _ = client.request(target)
            single = time.monotonic() - t0
            row = {"page": name, "status": status, "bytes": size_bytes, "single": single, "cold": cold}
            for concurrency in (1, 10):
                bare = summarise(*_pair(drive(client, "/bench/bare/", concurrency, args.bare_seconds, 10_000)))
                if single > SLOW:
                    # One request alone outlasts a bounded run: report it (c=1) and do not queue ten (c=10).
                    if concurrency > 1:
                        row[concurrency] = {"skipped": f"one request took {single:.0f} s", "bare": bare}
                    else:
                        row[concurrency] = {**summarise([single], single), "n": 1, "bare": bare, "errors": 0}
                        row[concurrency]["ratio"] = single / bare["p95"]
                    continue
                times, statuses, sizes, wall = drive(client, target, concurrency, args.seconds, args.max_requests)
                page = summarise(times, wall)
                page["bare"] = bare
                page["ratio"] = page["p95"] / bare["p95"]
                page["errors"] = sum(1 for s in statuses if s != 200)
                row[concurrency] = page
            rows.append(row)
            print(progress_line(size, row), flush=True)
    memory = measure_memory(args, size)
    return {"size": size, "targets": t, "rows": rows, "memory": memory}


def _pair(result):
    times, _statuses, _sizes, wall = result
    return times, wall


def measure_memory(args, size):
    """Peak RSS growth of a worker serving each export once, on a fresh server each time."""
    out = {}
    for target in ("/services/export.csv", "/coverage/matrix.csv", "/api/oruk/services", "/api/oruk/datapackage.zip"):
        flush_cache(args)
        with Server(args, size) as server:
            client = Client(args.port, "")
            for _ in range(6):
                client.request("/bench/bare/")
            before = {pid: proc_kib(pid, "VmRSS") for pid in server.workers()}
            t0 = time.monotonic()
            status, size_bytes, response = client.request(target)
            elapsed = time.monotonic() - t0
            growth = max(proc_kib(pid, "VmHWM") - rss for pid, rss in before.items())
            out[target] = {
                "before_mib": max(before.values()) / 1024,
                "growth_mib": growth / 1024,
                "seconds": elapsed,
                "bytes": size_bytes,
                "streamed": response.getheader("Content-Length") is None,
                "status": status,
            }
            print(f"[{size}] memory {target}: {out[target]}", flush=True)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="80,800,10000", help="Service counts; 80 means the real fixtures.")
    parser.add_argument("--real-size", type=int, default=80, help="The size that loads the real fixtures.")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--prefix", default="wt_scale_bench", help="Database names: <prefix>_real, <prefix>_synth_N")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--port", type=int, default=8200)
    parser.add_argument("--seconds", type=float, default=3.0, help="Length of each page run.")
    parser.add_argument("--bare-seconds", type=float, default=1.0, help="Length of each bare-view run.")
    parser.add_argument("--max-requests", type=int, default=300, help="Most requests in one run.")
    parser.add_argument("--no-build", action="store_true", help="Reuse the databases built by an earlier run.")
    parser.add_argument("--label", default="latest", help="Name of the table in bench/README.md.")
    parser.add_argument("--write", action="store_true", help="Write the table into bench/README.md.")
    parser.add_argument("--json", help="Also write the raw results here.")
    args = parser.parse_args(argv)
    if "synth" not in args.prefix and "bench" not in args.prefix:
        parser.error("--prefix must name a benchmark database (contain 'bench' or 'synth')")
    results = [measure_size(args, int(size)) for size in args.sizes.split(",")]
    text = table(results, args.label)
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1, default=str))
    if args.write:
        write_readme(text, args.label)


if __name__ == "__main__":
    sys.exit(main())
