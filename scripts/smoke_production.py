"""Production smoke test: the checkout served as an operator would, every public page answering.

Usage (from the project root; .ci/run runs it after the PostgreSQL suite):

    .venv/bin/python scripts/smoke_production.py

On this checkout, with production settings (DJANGO_DEBUG=0, a throwaway secret,
ALLOWED_HOSTS 127.0.0.1), a PostgreSQL database it drops and creates (SMOKE_DB,
default `smoke`) and Redis (SMOKE_REDIS_URL, default redis://127.0.0.1:6379/0):
`scripts/serve.sh` (what `make serve` runs: check --deploy, collectstatic,
migrate, load_directory --if-empty, gunicorn with gunicorn.conf.py) starts with
two workers on a free port. Then every public page in English and Welsh, the CSV
exports, a matcher answer, the admin login, a hashed static file and the health
endpoints are fetched as through a TLS proxy (X-Forwarded-Proto: https). Any
status outside 2xx/3xx, a page in the wrong language, an unhashed stylesheet or a
query string in the access log fails the run, as does plain http not redirecting
to https. gunicorn is stopped at the end, whatever happens. Not part of the unit
suite: it needs PostgreSQL and Redis.
"""

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
POSTGRES = os.environ.get("SMOKE_POSTGRES", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.environ.get("SMOKE_DB", "smoke")
REDIS_URL = os.environ.get("SMOKE_REDIS_URL", "redis://127.0.0.1:6379/0")
START_TIMEOUT = 120  # seconds for migrate + load_directory + boot on a busy machine

# Every public page (tests/browser/test_accessibility.py and tests/test_bad_input.py list them).
PAGES = [
    "/",
    "/?status=all",
    "/services/",
    "/services/?area=merthyr-tydfil&risk=high",
    "/services/?area=vale-of-glamorgan&risk=medium&tier=medium_risk",
    "/services/?q=perpetrator&area=cardiff&status=all&page=1",
    "/services/drive-cwm-taf-morgannwg/",
    "/services/they-matter-cumbria/",
    "/find/referral-pack/they-matter-cumbria/",
    "/find/referral-pack/drive-cwm-taf-morgannwg/",
    "/organisations/safer-merthyr-tydfil/",
    "/find/",
    "/coverage/",
    "/coverage/?as_of=2020-11-01&criminal_justice=exclude",
    "/coverage/funding/",
    "/coverage/standards/",
    "/areas/",
    "/areas/cardiff/",
    "/areas/south-wales-police/",
    "/glossary/",
]
EXPORTS = [
    "/services/export.csv",
    "/services/export.csv?area=cardiff&risk=high",
    "/coverage/matrix.csv",
    "/coverage/gaps.csv",
]
# The facts of a case, as in tests/test_security.py: sent by POST, never in a URL.
CASE = {
    "area": "cardiff",
    "risk": "high",
    "referrer": "police",
    "marac": "yes",
    "gender": "woman",
    "age": "47",
    "relationship": "same_sex",
    "children": "yes",
    "childrens_services": "yes",
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recreate_database():
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')


def drop_database():
    import psycopg

    try:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    except psycopg.Error as error:
        print(f"Could not drop the database {DATABASE} afterwards: {error}", file=sys.stderr)


def redis_answers(url):
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=3) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class Client:
    """A tiny HTTP client that talks to gunicorn as the TLS proxy would, and keeps cookies itself
    (they are Secure, so a cookie jar would not send them over the plain-http hop)."""

    def __init__(self, port, language):
        self.port = port
        self.language = language
        self.cookies = {"django_language": language}

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Accept-Language": self.language,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response, content

    def get(self, path):
        return self.request("GET", path)


def check_pages(client, failures):
    """Every public page and export: 2xx/3xx; HTML in the chosen language with the hashed stylesheet."""
    count = 0
    for path in PAGES + EXPORTS:
        response, content = client.get(path)
        count += 1
        where = f"{client.language} {path}"
        if not 200 <= response.status < 400:
            failures.append(f"{where}: {response.status}")
            continue
        if response.getheader("Content-Type", "").startswith("text/html"):
            body = content.decode()
            if f'<html lang="{client.language}"' not in body:
                failures.append(f"{where}: not in {client.language}")
            if not re.search(r'href="/static/css/app\.[0-9a-f]{12}\.css"', body):
                failures.append(f"{where}: the stylesheet is not the hashed one from the manifest")
        elif path.endswith(".csv") or ".csv?" in path:
            if not response.getheader("Content-Type", "").startswith("text/csv") or not content:
                failures.append(f"{where}: not a CSV file")
    return count


def check_matcher_answer(client, failures):
    """The case matcher's answer: a POST with the CSRF token from its form, as a browser over https sends it."""
    response, content = client.get("/find/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    if response.status != 200 or not token:
        failures.append(f"{client.language} GET /find/: {response.status}, no CSRF token in the form")
        return 1
    origin = f"https://127.0.0.1:{client.port}"
    response, content = client.request(
        "POST",
        "/find/",
        body=urlencode({**CASE, "csrfmiddlewaretoken": token.group(1).decode()}),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "Referer": f"{origin}/find/",
        },
    )
    if response.status != 200:
        failures.append(f"{client.language} POST /find/: {response.status}")
    return 2


def check_operator_urls(client, failures):
    """Admin login, one hashed static file from the manifest, and the health endpoints."""
    manifest = json.loads((ROOT / "staticfiles" / "staticfiles.json").read_text())["paths"]
    hashed = f"/static/{manifest['css/app.css']}"
    checks = {
        "/admin/login/": "text/html",
        hashed: "text/css",
        "/healthz": "text/plain",
        "/readyz": "text/plain",
    }
    for path, content_type in checks.items():
        response, _ = client.get(path)
        if response.status != 200 or not response.getheader("Content-Type", "").startswith(content_type):
            failures.append(f"{path}: {response.status} {response.getheader('Content-Type')}")
    if "immutable" not in (client.get(hashed)[0].getheader("Cache-Control") or ""):
        failures.append(f"{hashed}: a hashed file should be cached for good (immutable)")
    # Production settings are on: plain http (no X-Forwarded-Proto) is sent to https.
    response, _ = client.request("GET", "/", headers={"X-Forwarded-Proto": "http"})
    if response.status != 301 or not (response.getheader("Location") or "").startswith("https://"):
        failures.append(f"plain http /: {response.status}, not a redirect to https")
    return len(checks) + 2


def wait_until_up(port, server, log):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"The server stopped during start-up (exit {server.returncode}):\n{log.read_text()[-4000:]}")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.5)
    sys.exit(f"The server did not answer /healthz within {START_TIMEOUT} s:\n{log.read_text()[-4000:]}")


def stop(server):
    """SIGTERM to gunicorn's process group (it was started in its own session), then wait."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def main():
    started = time.monotonic()
    if not redis_answers(REDIS_URL):
        sys.exit(f"Redis does not answer at {REDIS_URL} (set SMOKE_REDIS_URL).")
    port = int(os.environ.get("SMOKE_PORT") or free_port())
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"{POSTGRES}/{DATABASE}",
        "REDIS_URL": REDIS_URL,
        "WEB_CONCURRENCY": "2",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "PYTHON": str(PYTHON),
        "GUNICORN": str(ROOT / ".venv" / "bin" / "gunicorn"),
    }
    # The Welsh catalogue is compiled on deploy (.mo files are not in the repository).
    subprocess.run(  # noqa: S603 - fixed arguments
        [PYTHON, "manage.py", "compilemessages", "--ignore=.venv", "--ignore=node_modules", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    recreate_database()
    log = Path(tempfile.mkdtemp(prefix="smoke-")) / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(  # noqa: S603 - the project's own start script
            [ROOT / "scripts" / "serve.sh"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() ends gunicorn and its workers
        )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("Stopped."))
    failures, count = [], 0
    try:
        wait_until_up(port, server, log)
        booted = time.monotonic()
        for language in ("en", "cy"):
            client = Client(port, language)
            count += check_pages(client, failures)
            count += check_matcher_answer(client, failures)
        count += check_operator_urls(Client(port, "en"), failures)
    finally:
        stop(server)
        drop_database()
    served = log.read_text()
    workers = len(re.findall(r"Booting worker with pid", served))
    if workers != 2:
        failures.append(f"gunicorn booted {workers} workers, not 2")
    logged = [line for line in served.splitlines() if '"GET /' in line or '"POST /' in line]
    if len(logged) < count:
        failures.append(f"the access log has {len(logged)} requests, fewer than the {count} sent")
    leaks = [line for line in logged if "?" in line or "q=perpetrator" in line or "127.0.0.1 " in line]
    if leaks:
        failures.append(f"the access log holds a query string or client address: {leaks[:3]}")
    if failures:
        print(f"Smoke test FAILED ({len(failures)} of {count} checks):", *failures, sep="\n  ", file=sys.stderr)
        print(f"Server log: {log}", file=sys.stderr)
        return 1
    shutil.rmtree(log.parent)
    print(
        f"Smoke test passed: {count} requests (every public page in en and cy, exports, matcher, admin login, "
        f"hashed static, health) answered 2xx/3xx under gunicorn with {workers} workers; "
        f"start-up {booted - started:.0f} s, total {time.monotonic() - started:.0f} s."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
