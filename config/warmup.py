"""What a fresh worker's first request would otherwise pay, paid when the worker starts.

A gunicorn worker loads the application (``django.setup()``) before it accepts a request, but Django defers much
to first use: the URL configuration (importing every view module, Django REST framework and the OpenAPI schema
generator among them) and its reverse lookups in each language, each language's translation catalogue, each
template's compilation (kept by the cached loader), the database connection and the Redis client. Measured at
10,000 services that was about 250-300 ms added to whichever request came first, cold cache or not.

``warm`` does that work at once, from gunicorn's ``post_worker_init`` hook (``gunicorn.conf.py``), so a worker's
first request costs what any request with the same cache costs. It reads nothing of the directory's data and
computes no page: a page's own first computation (after a deploy or an edit) is still paid by its first reader.
"""

import logging
import signal
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.template import engines
from django.urls import get_resolver, reverse
from django.urls.resolvers import get_ns_resolver
from django.utils import translation

logger = logging.getLogger(__name__)

TEMPLATE_SUFFIXES = {".html", ".txt", ".xml", ".svg"}


def _reverse_lookups(resolver, pattern="", converters=None):
    """The reverse lookups ``reverse`` builds on first use for the active language: the root's, and for each
    namespace (``admin:``, ``commissioning:``…) those of the resolver it makes for the namespace's prefix, the way
    ``django.urls.reverse`` makes it (``get_ns_resolver``)."""
    resolver.reverse_dict  # noqa: B018 - built on first access
    for extra, included in resolver.namespace_dict.values():
        prefix, found = pattern + extra, {**(converters or {}), **included.pattern.converters}
        get_ns_resolver(prefix, included, tuple(found.items())).reverse_dict  # noqa: B018
        _reverse_lookups(included, prefix, found)


def _urls():
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 - imports every view module
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Home")  # the language's catalogue
            _reverse_lookups(resolver)
            reverse("healthz")


def _templates():
    for engine in engines.all():
        for directory in getattr(engine, "template_dirs", ()):
            root = Path(directory)
            for path in root.rglob("*"):
                if path.suffix in TEMPLATE_SUFFIXES and path.is_file():
                    name = path.relative_to(root).as_posix()
                    try:
                        engine.get_template(name)
                    except Exception:  # noqa: BLE001 - its first request will say what is wrong, as it always has
                        logger.debug("warm-up: %s not compiled", name, exc_info=True)


# How long the warm-up waits for the database and Redis to answer. It runs before the worker accepts a connection
# and outside gunicorn's timeout: a server that accepted the connection and never answered (a hung database, a
# failover in progress) held the worker there with no limit (libpq and redis-py wait for an answer forever unless told
# otherwise), so it answered nothing, not even /healthz. Given up after this, the first request connects as it would.
CONNECT_SECONDS = 5


class _NoAnswer(Exception):
    pass


def _no_answer(signum, frame):
    raise _NoAnswer(f"no answer within {CONNECT_SECONDS} s")


def _connections():
    """Open each database connection and the Redis client's, for at most ``CONNECT_SECONDS`` (a timer signal, where
    there is one and this is the main thread, as in a gunicorn worker's ``post_worker_init``)."""
    bounded = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if bounded:
        previous = signal.signal(signal.SIGALRM, _no_answer)
        signal.setitimer(signal.ITIMER_REAL, CONNECT_SECONDS)
    try:
        for connection in connections.all(initialized_only=False):
            connection.ensure_connection()
        cache.get("warm-up")  # opens the Redis client's connection
    finally:
        if bounded:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


STEPS = {"urls": _urls, "templates": _templates, "connections": _connections}


def warm():
    """Do each step, timing it; a step that fails is logged and the worker starts anyway (its first request pays)."""
    spent = {}
    for name, step in STEPS.items():
        began = time.perf_counter()
        try:
            step()
        except Exception:  # noqa: BLE001 - a worker must start even if the database or cache is not answering yet
            logger.warning("warm-up: %s failed", name, exc_info=True)
        spent[name] = round((time.perf_counter() - began) * 1000)
    logger.info("warm-up (ms): %s", ", ".join(f"{name} {ms}" for name, ms in spent.items()))
    return spent
