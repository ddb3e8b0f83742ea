"""Several processes, one truth: two gunicorn servers on one PostgreSQL database and one Redis.

The test makes its own database (``<DATABASE_URL's name>_processes``), migrates and loads it,
collects the static files, and starts two gunicorn processes (one worker each) with production
settings on two ports. Requests arrive as if through one TLS proxy (``X-Forwarded-Proto: https``,
``DJANGO_TRUSTED_PROXY_COUNT=1``), so each client is known by its ``X-Forwarded-For`` address.

Skipped unless DATABASE_URL is PostgreSQL and Redis answers at TEST_REDIS_URL; with
REQUIRE_PROCESS_TESTS=1 (CI) a missing PostgreSQL or Redis fails instead.
"""

import http.client
import http.cookies
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.parse

import dj_database_url
import pytest
from django.conf import settings

from tests.auth import totp_code

pytestmark = pytest.mark.processes

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/2")
PORTS = [int(port) for port in os.environ.get("TEST_PROCESSES_PORTS", "8120,8121").split(",")]
REPORT_LIMIT = 5
PASSWORD = "a-long-test-password-123"
REPORT = "/report-a-problem/cara-gwent/"
LOGIN = "/admin/login/"
VERIFY = "/admin/two-factor/verify/?next=/admin/"
# The editor's authenticator app (TOTP): a known key, so the test can give the code it shows.
AUTHENTICATOR_KEY = "3132333435363738393031323334353637383930"


def unavailable(reason):
    if os.environ.get("REQUIRE_PROCESS_TESTS") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


class Browser:
    """A client that keeps its cookies (Secure ones too: TLS ends at the proxy) and speaks to any server."""

    def __init__(self, forwarded_for):
        self.forwarded_for = forwarded_for
        self.cookies = {}

    def request(self, port, method, path, data=None):
        headers = {
            "Host": f"127.0.0.1:{port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.forwarded_for,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://127.0.0.1:{port}"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers, content

    def get(self, port, path):
        return self.request(port, "GET", path)

    def submit(self, port, path, data):
        """GET the form (for its CSRF token), then POST it; returns the POST's status and headers."""
        status, _, page = self.get(port, path)
        assert status == 200, (port, path, status)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, headers, _ = self.request(port, "POST", path, {**data, "csrfmiddlewaretoken": token})
        return status, headers


def manage(*args, env):
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def wait_until_serving(server, port, log):
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise AssertionError(f"gunicorn on {port} exited:\n{log.read().decode()}")
        try:
            if Browser("192.0.2.1").get(port, "/")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"gunicorn on {port} did not serve / within 90 s")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        unavailable("DATABASE_URL is not PostgreSQL")
    redis = pytest.importorskip("redis")
    cache = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        cache.ping()
    except redis.exceptions.ConnectionError:
        unavailable(f"Redis is not reachable at {TEST_REDIS_URL}")
    import psycopg

    config = dj_database_url.parse(url)
    name = f"{config['NAME']}_processes"
    admin_params = {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"],
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    admin = psycopg.connect(**admin_params)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    database_url = urllib.parse.urlunsplit(urllib.parse.urlsplit(url)._replace(path=f"/{name}"))
    prefix = f"processes-test-{secrets.token_hex(6)}"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": TEST_REDIS_URL,
        "DJANGO_CACHE_KEY_PREFIX": prefix,
        "DJANGO_TRUSTED_PROXY_COUNT": "1",
        "DJANGO_REPORT_LIMIT": str(REPORT_LIMIT),
    }
    servers = []
    try:
        manage("migrate", "--noinput", "-v0", env=env)
        manage("load_directory", "-v0", env=env)
        manage("collectstatic", "--noinput", "-v0", env=env)
        manage(
            "shell",
            "-c",
            "from django.contrib.auth.models import User\n"
            "from django_otp.plugins.otp_totp.models import TOTPDevice\n"
            f"for name in ['editor', 'locked-editor', 'other-editor']: "
            f"User.objects.create_user(name, password='{PASSWORD}', is_staff=True)\n"
            "TOTPDevice.objects.create(user=User.objects.get(username='editor'), name='Authenticator', "
            f"confirmed=True, key='{AUTHENTICATOR_KEY}')",
            env=env,
        )
        logs = tmp_path_factory.mktemp("gunicorn")
        for port in PORTS:
            log = open(logs / f"{port}.log", "w+b")  # noqa: SIM115 - closed with the server
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            servers.append((server, log))
            wait_until_serving(server, port, log)
        with psycopg.connect(**{**admin_params, "dbname": name}) as db:
            yield {"db": db, "name": name, "admin": admin}
    finally:
        for server, log in servers:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        for key in cache.scan_iter(f"{prefix}:*"):
            cache.delete(key)


def test_the_report_limit_holds_across_both_processes(stack):
    sender = Browser("203.0.113.5")
    statuses = [sender.submit(PORTS[n % 2], REPORT, {"topic": "closed"})[0] for n in range(2 * REPORT_LIMIT)]
    # One limit for the whole site, not one per process: five accepted in all, then refused on both.
    assert statuses == [302] * REPORT_LIMIT + [429] * REPORT_LIMIT
    # Another client is counted on its own (the proxy's address is not one shared bucket).
    assert Browser("203.0.113.6").submit(PORTS[1], REPORT, {"topic": "closed"})[0] == 302
    stored = stack["db"].execute("select count(*) from editorial_problemreport").fetchone()[0]
    assert stored == REPORT_LIMIT + 1


def test_the_login_lockout_holds_across_both_processes(stack):
    attacker = Browser("203.0.113.7")
    statuses = [
        attacker.submit(PORTS[n % 2], LOGIN, {"username": "locked-editor", "password": "wrong", "next": "/admin/"})[0]
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    for port in PORTS:
        right = attacker.submit(port, LOGIN, {"username": "locked-editor", "password": PASSWORD, "next": "/admin/"})
        assert right[0] == 429, port
        assert "sessionid" not in attacker.cookies
    # An editor elsewhere, behind the same proxy, still signs in on either process.
    colleague = Browser("198.51.100.8")
    status, headers = colleague.submit(
        PORTS[1], LOGIN, {"username": "other-editor", "password": PASSWORD, "next": "/admin/"}
    )
    assert (status, headers["Location"]) == (302, "/admin/")


def sign_in(stack, editor, port):
    """The password, then the authenticator's code (two-factor sign-in), on ``port``."""
    status, headers = editor.submit(port, LOGIN, {"username": "editor", "password": PASSWORD, "next": "/admin/"})
    assert (status, headers["Location"]) == (302, "/admin/")
    last_t = (
        stack["db"]
        .execute(
            "select last_t from otp_totp_totpdevice d join auth_user u on u.id = d.user_id where u.username = 'editor'"
        )
        .fetchone()[0]
    )
    status, headers = editor.submit(port, VERIFY, {"code": totp_code(bytes.fromhex(AUTHENTICATOR_KEY), last_t)})
    assert (status, headers["Location"]) == (302, "/admin/")


def test_a_session_made_on_one_process_is_valid_on_the_other(stack):
    editor = Browser("198.51.100.9")
    sign_in(stack, editor, PORTS[0])
    status, _, page = editor.get(PORTS[1], "/admin/")
    assert status == 200
    assert "<strong>editor</strong>" in page
    # And a stranger without the cookie is sent to the login page there.
    assert Browser("198.51.100.10").get(PORTS[1], "/admin/")[0] == 302


def test_after_the_database_kills_every_connection_the_next_request_on_every_worker_succeeds(stack):
    editor = Browser("198.51.100.11")
    sign_in(stack, editor, PORTS[0])
    for port in PORTS:  # every worker holds a persistent connection
        assert editor.get(port, "/coverage/funding/")[0] == 200
    killed = (
        stack["admin"]
        .execute(
            "select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = %s and pid <> %s",
            [stack["name"], stack["db"].info.backend_pid],
        )
        .fetchone()[0]
    )
    assert killed >= len(PORTS)
    for port in PORTS:
        assert editor.get(port, "/coverage/funding/")[0] == 200, port
        assert editor.get(port, "/admin/")[0] == 200, port
