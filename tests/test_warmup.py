"""A worker imports every view and compiles every template before its first request (config.warmup, called from
gunicorn's post_worker_init: tests/test_gunicorn_config.py)."""

import pytest
from django.db import connection
from django.template import engines
from django.template.loader import get_template
from django.test.utils import CaptureQueriesContext

from config.warmup import warm


@pytest.mark.django_db
def test_warm_compiles_the_templates_and_reads_no_database():
    engine = engines["django"].engine
    with CaptureQueriesContext(connection) as queries:
        spent = warm()
    assert not queries
    assert set(spent) == {"urls", "templates", "connections"}
    # With the cached loader (production) the templates pages render are now in memory.
    for loader in engine.template_loaders:
        if hasattr(loader, "get_template_cache"):
            assert "directory/service_search.html" in loader.get_template_cache
            assert "base.html" in loader.get_template_cache
    get_template("directory/service_search.html")


class _Hanging:
    """A database that accepts the connection and never answers (a hung server, a failover in progress)."""

    answered = False

    def ensure_connection(self):
        import time

        time.sleep(60)  # libpq waits for the server's answer with no limit unless connect_timeout is set
        self.answered = True


def test_a_database_that_never_answers_does_not_hold_the_worker_at_its_start(monkeypatch, caplog):
    """The warm-up runs in ``post_worker_init``, before the worker accepts a connection and outside gunicorn's
    timeout: a database (or Redis) that accepted the connection and never answered held the worker there for as
    long as it hung, so it answered nothing, not even /healthz (with GUNICORN_WARM_UP=0 it served /healthz at
    once). The connections step is given up after ``CONNECT_SECONDS``; the worker's first request connects."""
    from config import warmup

    hanging = _Hanging()
    monkeypatch.setattr(warmup, "CONNECT_SECONDS", 0.2, raising=False)
    monkeypatch.setattr(warmup.connections, "all", lambda **kwargs: [hanging])
    with caplog.at_level("WARNING", logger="config.warmup"):
        spent = warmup.warm()
    assert not hanging.answered, "the warm-up waited for a database that never answered"
    assert "warm-up: connections failed" in caplog.text
    assert set(spent) == {"urls", "templates", "connections"}
