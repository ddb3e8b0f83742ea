"""The production server's settings: workers from the environment, and access logs without queries or addresses."""

import datetime
import gc
import runpy
import types

import pytest
from django.conf import settings
from gunicorn.config import Config
from gunicorn.glogging import Logger, SafeAtoms

CONFIG = settings.BASE_DIR / "gunicorn.conf.py"


def load(monkeypatch, **env):
    for name in ("WEB_CONCURRENCY", "GUNICORN_LOG_CLIENT_IP", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONFIG))


def access_line(access_log_format):
    """One access-log line exactly as gunicorn writes it, for a search with a query, referer and user agent."""
    cfg = Config()
    cfg.set("access_log_format", access_log_format)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/services/?q=Jane+Jones+Merthyr&area=merthyr-tydfil",
        "PATH_INFO": "/services/",
        "QUERY_STRING": "q=Jane+Jones+Merthyr&area=merthyr-tydfil",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": "https://directory.example.org/find/?age=47",
        "HTTP_USER_AGENT": "Mozilla/5.0 (shared library PC)",
    }
    request = types.SimpleNamespace(headers=[("X-FORWARDED-FOR", "198.51.100.7")])
    response = types.SimpleNamespace(status="200 OK", sent=5120, headers=[])
    atoms = Logger(cfg).atoms(response, request, environ, datetime.timedelta(milliseconds=42))
    return cfg.access_log_format % SafeAtoms(atoms)


def test_the_access_log_holds_the_path_and_status_but_no_query_referer_agent_or_address(monkeypatch):
    line = access_line(load(monkeypatch)["access_log_format"])
    assert '"GET /services/ HTTP/1.1" 200 5120 42ms' in line
    for secret in ("Jane", "merthyr", "q=", "age=47", "Mozilla", "203.0.113.9", "198.51.100.7"):
        assert secret not in line


def test_the_client_address_is_logged_only_when_the_operator_asks(monkeypatch):
    line = access_line(load(monkeypatch, GUNICORN_LOG_CLIENT_IP="1")["access_log_format"])
    assert line.startswith("203.0.113.9 ")
    assert "Jane" not in line


def test_workers_come_from_the_environment_or_twice_the_cores_plus_one_capped(monkeypatch):
    assert load(monkeypatch, WEB_CONCURRENCY="3")["workers"] == 3
    default_workers = load(monkeypatch)["default_workers"]
    assert default_workers(cores=1) == 3
    assert default_workers(cores=2) == 5
    assert default_workers(cores=64) == 8


@pytest.mark.parametrize(("name", "minimum", "maximum"), [("timeout", 10, 120), ("graceful_timeout", 10, 120)])
def test_timeouts_are_bounded(monkeypatch, name, minimum, maximum):
    assert minimum <= load(monkeypatch)[name] <= maximum


def test_gunicorn_accepts_the_file(monkeypatch):
    """Every setting in the file is one gunicorn knows, with a valid value."""
    values = load(monkeypatch)
    cfg = Config()
    for name, value in values.items():
        if name in cfg.settings:
            cfg.set(name, value)
    assert cfg.wsgi_app == "config.wsgi:application"
    assert cfg.workers == values["workers"]
    assert cfg.accesslog == "-"


def test_a_worker_compiles_templates_and_loads_the_urls_before_its_first_request(monkeypatch):
    """``post_worker_init`` pays Django's first-use costs at the worker's start (``config.warmup``), unless
    GUNICORN_WARM_UP=0."""
    from django.template import engines
    from django.urls import get_resolver

    engine = engines["django"].engine
    cached = next(loader for loader in engine.template_loaders if hasattr(loader, "get_template_cache"))
    worker = types.SimpleNamespace(log=types.SimpleNamespace(info=lambda *args: None))

    cached.reset()
    gc.unfreeze()
    load(monkeypatch, GUNICORN_WARM_UP="0")["post_worker_init"](worker)
    assert "commissioning/coverage.html" not in cached.get_template_cache
    assert gc.get_freeze_count() == 0

    try:
        load(monkeypatch, GUNICORN_WARM_UP="1")["post_worker_init"](worker)
        assert "commissioning/coverage.html" in cached.get_template_cache
        assert "directory/service_detail.html" in cached.get_template_cache
        assert get_resolver()._populated
        assert gc.get_freeze_count() > 0  # what it holds then is out of the collector's reach
    finally:
        gc.unfreeze()  # this test process goes on to other tests
