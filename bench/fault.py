"""Fault benchmark: gunicorn on PostgreSQL and Redis under load while PostgreSQL restarts.

Not a test: it restarts the machine's PostgreSQL cluster, so run it on purpose, once.

    DJANGO_DEBUG=1 .venv/bin/python bench/fault.py \\
        --database-url postgres://postgres@127.0.0.1:5432/directory_bench \\
        --redis-url redis://127.0.0.1:6379/2 --port 8122

What it does:
  1. (Re)creates the bench database named in --database-url (it must end in "bench"), migrates it,
     loads the directory, collects the static files and makes editors in the "Directory admin" role.
  2. Starts gunicorn (--workers, default 4) with production settings on 127.0.0.1:--port.
  3. Runs --clients threads (default 20) for --duration seconds (default 60) on loopback: --editors
     of them sign in to admin (password, then the authenticator code) and save a service's change
     form again and again, each save putting a unique value in the service's "funding note"; the
     rest fetch public pages in turn.
  4. At --restart-at seconds (default 30) restarts PostgreSQL with
     `pg_ctlcluster --skip-systemctl-redirect VERSION main restart`.
  5. Reports requests, errors before, during and after the restart, the time to recover, and every
     acknowledged save (302) checked against the database: in the service's history or final state.

Exit status 1 if an acknowledged write was lost, a request that started after PostgreSQL accepted
connections again failed, or the bench itself faulted (a save the form refused, a client crash).
"""

import argparse
import collections
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from fault_clients import AUTHENTICATOR_KEY, PASSWORD, Browser, Recorder, editor_client, guarded, public_client

BASE_DIR = Path(__file__).resolve().parent.parent
PUBLIC_PAGES = [
    "/",
    "/services/",
    "/services/?q=anger",
    "/glossary/",
    "/coverage/",
    "/coverage/funding/",
    "/coverage/standards/",
    "/find/",
    "/coverage/gaps.csv",
    "/services/export.csv",
]


# --------------------------------------------------------------------------
# PostgreSQL restart
# --------------------------------------------------------------------------


def restart_postgresql(recorder, delay, times, database_url):
    """Restart the cluster at ``delay`` s; a probe connection notes when PostgreSQL refuses and accepts again."""
    import psycopg

    if delay is None:
        return
    time.sleep(delay)
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    times["start"] = time.monotonic() - recorder.origin
    restart = subprocess.Popen(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"])
    while "back" not in times:
        try:
            psycopg.connect(database_url, connect_timeout=2).close()
            if "down" in times:
                times["back"] = time.monotonic() - recorder.origin
            elif restart.poll() is not None:  # never saw it down: count the restart's end as back
                times["down"] = times["back"] = time.monotonic() - recorder.origin
        except psycopg.OperationalError:
            times.setdefault("down", time.monotonic() - recorder.origin)
        time.sleep(0.05)
    if restart.wait() != 0:
        raise SystemExit("pg_ctlcluster restart failed")
    times["end"] = time.monotonic() - recorder.origin


# --------------------------------------------------------------------------
# Setup and report
# --------------------------------------------------------------------------


def manage(*args, env):
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def prepare(args, env):
    import psycopg

    url = urllib.parse.urlsplit(args.database_url)
    name = url.path.lstrip("/")
    if not name.endswith("bench"):
        raise SystemExit("The bench database is dropped and recreated: its name must end in 'bench'.")
    with psycopg.connect(
        host=url.hostname, port=url.port or 5432, user=url.username, dbname="postgres", autocommit=True
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    manage("migrate", "--noinput", "-v0", env=env)
    manage("load_directory", "-v0", env=env)
    manage("collectstatic", "--noinput", "-v0", env=env)
    names = [f"bench-editor-{n}" for n in range(args.editors)]
    script = (
        "from django.contrib.auth.models import Group, User\n"
        "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
        "from directory.models import Service\n"
        "import json\n"
        "group = Group.objects.get(name='Directory admin')\n"
        f"for name in {names!r}:\n"
        f"    user = User.objects.create_user(name, password={PASSWORD!r}, is_staff=True)\n"
        "    user.groups.add(group)\n"
        f"    TOTPDevice.objects.create(user=user, name='Authenticator', confirmed=True, key={AUTHENTICATOR_KEY!r})\n"
        "services = list(Service.objects.order_by('pk').values('pk', 'slug', 'organisation__slug'))\n"
        "print(json.dumps(services))\n"
    )
    output = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return names, json.loads(output.strip().splitlines()[-1])


def stored_values(args, values):
    import psycopg

    with psycopg.connect(args.database_url) as db:
        history = {row[0] for row in db.execute("select funding_note from directory_historicalservice")}
        final = {row[0] for row in db.execute("select funding_note from directory_service")}
    return {value for value in values if value in history or value in final}


def ok(row):
    """A 2xx or 3xx answer; anything else (4xx, 5xx, a dropped connection) is an error."""
    return isinstance(row[3], int) and row[3] < 400


def summarise(recorder, times, lost, stored_refused):
    """The figures. Times are seconds from the start of the load; a request is placed by when it started.

    "Recovered" is the start of the first request that succeeded after the last failed request
    began: from then on every request succeeded. The gate is "errors after PostgreSQL accepted
    connections again": a worker holding a dead connection would fail there (finding M4).
    """
    rows = sorted(recorder.rows)
    errors = [row for row in rows if not ok(row)]
    never = float("inf")
    start, back, end = (times.get(key, never) for key in ("start", "back", "end"))
    last_error_start = max((row[0] for row in errors), default=None)
    recovered = None
    if last_error_start is not None:
        recovered = min((row[0] for row in rows if row[0] > last_error_start and ok(row)), default=None)
    kinds = collections.Counter(row[2] for row in rows)

    def at(value):
        return None if value in (None, never) else round(value, 2)

    return {
        "requests": len(rows),
        "by kind": dict(kinds),
        "by status": dict(collections.Counter(str(row[3]) for row in rows)),
        "restart began (s)": at(start),
        "PostgreSQL refused connections from (s)": at(times.get("down")),
        "PostgreSQL accepted connections again (s)": at(back),
        "restart command returned (s)": at(end),
        "errors before the restart": sum(1 for row in errors if row[1] < start),
        "errors while PostgreSQL was restarting": sum(1 for row in errors if row[1] >= start and row[0] < back),
        "errors after PostgreSQL accepted connections again": sum(1 for row in errors if row[0] >= back),
        "errors after the restart command returned": sum(1 for row in errors if row[0] >= end),
        "first error ended (s)": at(min((row[1] for row in errors), default=None)),
        "last error ended (s)": at(max((row[1] for row in errors), default=None)),
        "recovered at (s)": at(recovered),
        "time to recover from restart start (s)": at(recovered - start if recovered and start != never else None),
        "editor saves acknowledged (302)": len(recorder.acknowledged),
        "acknowledged saves lost": len(lost),
        "saves not acknowledged": len(recorder.refused),
        "not acknowledged but stored": stored_refused,
        "saves the form refused (a bench fault)": recorder.form_errors,
        "errors by second (end time)": dict(sorted(collections.Counter(int(row[1]) for row in errors).items())),
        "errors by cause": dict(collections.Counter(str(row[3]) for row in errors)),
        "public requests per second": round(kinds["public"] / (rows[-1][1] - rows[0][0]), 1) if rows else 0,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True, help="a database of its own; its name must end in 'bench'")
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--port", type=int, default=8122)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--editors", type=int, default=4, help="how many of the clients are editors saving")
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--restart-at", type=float, default=30)
    parser.add_argument("--no-restart", action="store_true", help="a dry run: the same load, PostgreSQL left alone")
    parser.add_argument("--output", help="also write the report and every request (start, end, kind, outcome) as JSON")
    parser.add_argument("--keep-database", action="store_true", help="leave the bench database for inspection")
    args = parser.parse_args()

    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "DJANGO_CACHE_KEY_PREFIX": f"bench-{secrets.token_hex(4)}",
        "DJANGO_TRUSTED_PROXY_COUNT": "1",
    }
    print("preparing the bench database …", flush=True)
    editors, services = prepare(args, env)
    pages = PUBLIC_PAGES + [f"/services/{s['slug']}/" for s in services[::6]]
    pages += sorted({f"/organisations/{s['organisation__slug']}/" for s in services})[:4]

    log = tempfile.NamedTemporaryFile("w", prefix="fault-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(args.workers), "--timeout", "60"]
        + ["--bind", f"127.0.0.1:{args.port}", "--access-logfile", "-"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if Browser(args.port, "192.0.2.1").request("GET", "/")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit(f"gunicorn did not start: see {log.name}")
            time.sleep(0.5)

        recorder = Recorder(time.monotonic())
        stop = threading.Event()
        times = {}
        delay = None if args.no_restart else args.restart_at
        threads = [threading.Thread(target=restart_postgresql, args=(recorder, delay, times, args.database_url))]
        for number in range(args.clients):
            if number < args.editors:
                target = editor_client
                extra = (services[number * 7]["pk"], editors[number])
            else:
                target = public_client
                extra = (pages,)
            threads.append(
                threading.Thread(target=guarded(target, recorder), args=(args.port, number, stop, recorder, *extra))
            )
        print(f"{args.clients} clients for {args.duration:.0f} s; PostgreSQL restarts at {args.restart_at:.0f} s …")
        for thread in threads:
            thread.start()
        time.sleep(args.duration)
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()

    acknowledged = [value for _, value in recorder.acknowledged]
    found = stored_values(args, acknowledged + [value for _, value, _ in recorder.refused])
    lost = [value for value in acknowledged if value not in found]
    stored_refused = sum(1 for _, value, _ in recorder.refused if value in found)
    report = summarise(recorder, times, lost, stored_refused)
    if not args.keep_database:
        import psycopg

        url = urllib.parse.urlsplit(args.database_url)
        with psycopg.connect(
            host=url.hostname, port=url.port or 5432, user=url.username, dbname="postgres", autocommit=True
        ) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{url.path.lstrip("/")}" WITH (FORCE)')
    print(json.dumps(report, indent=2))
    print(f"gunicorn's log: {log.name}")
    if lost:
        print("LOST:", *lost, sep="\n  ")
    if args.output:
        Path(args.output).write_text(json.dumps({"report": report, "times": times, "requests": recorder.rows}))
    failed = lost or report["errors after PostgreSQL accepted connections again"] or recorder.form_errors
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
