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
