"""Surviving the database going away: a worker whose connection was killed reconnects (PostgreSQL only)."""

import io
import sys

import psycopg
import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="pg_terminate_backend is PostgreSQL's",
)


def get(path):
    """A request through the real WSGI handler, which (unlike the test client) runs the connection checks."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    status = []
    body = b"".join(WSGIHandler()(environ, lambda s, headers, exc_info=None: status.append(s)))
    return int(status[0].split()[0]), body


def terminate_app_connections():
    """As a database restart or failover would: kill every backend serving the test database."""
    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as admin:
        killed = admin.execute(
            "select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = %s",
            [connection.settings_dict["NAME"]],
        ).fetchone()[0]
    return killed


@pytest.fixture
def autocommit_database(django_db_blocker):
    """The test database as a worker sees it: no test transaction around the requests."""
    with django_db_blocker.unblock():
        connection.close()
        yield
        connection.close()


def test_health_checks_are_on():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0


def test_after_the_connection_is_killed_the_next_request_succeeds(autocommit_database):
    assert get("/coverage/funding/")[0] == 200
    pid = connection.connection.info.backend_pid
    assert terminate_app_connections() >= 1
    status, body = get("/coverage/funding/")
    assert status == 200
    assert b"Funding" in body
    assert connection.connection.info.backend_pid != pid


def test_without_health_checks_the_killed_connection_would_serve_an_error(autocommit_database, monkeypatch):
    """The control: the same steps with the checks off fail, so the test above can fail."""
    monkeypatch.setitem(connection.settings_dict, "CONN_HEALTH_CHECKS", False)
    assert get("/coverage/funding/")[0] == 200
    terminate_app_connections()
    assert get("/coverage/funding/")[0] == 500
