"""/healthz says the process answers; /readyz says it can reach the database and the cache."""

import socket
from unittest import mock

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from config import health

pytestmark = pytest.mark.django_db


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def unreachable_database():
    """The same backend as the tests use, pointed where no database answers."""
    live = connections[DEFAULT_DB_ALIAS]
    settings = dict(live.settings_dict)
    if live.vendor == "sqlite":
        settings["NAME"] = "/nonexistent-directory/db.sqlite3"
    else:
        settings.update(HOST="127.0.0.1", PORT=str(closed_port()))
    dead = type(live)(settings, alias=DEFAULT_DB_ALIAS)
    yield dead
    dead.close()


class BrokenCache:
    def set(self, *args, **kwargs):
        raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6390. Connection refused.")

    get = delete = set


def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_200_when_the_database_and_cache_answer(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_readyz_is_503_with_no_detail_when_the_database_is_unreachable(client, unreachable_database, caplog):
    with mock.patch.object(health, "connection", unreachable_database):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"unavailable\n"
    assert "readyz: the database did not answer" in caplog.messages
    assert "no-cache" in response["Cache-Control"]


def test_readyz_is_503_with_no_detail_when_the_cache_is_unreachable(client, caplog):
    with mock.patch.object(health, "cache", BrokenCache()):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content == b"unavailable\n"
    assert "readyz: the cache did not answer" in caplog.messages


def test_health_endpoints_refuse_posts(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405
