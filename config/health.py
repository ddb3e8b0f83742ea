"""Health endpoints for the load balancer and the process manager.

`/healthz` says only that this process answers (no database, no cache), so a
liveness probe never restarts workers because PostgreSQL is down. `/readyz` says
whether this process can serve pages: one trivial query and a cache round trip.
Neither says why it failed: the reason goes to the log, not to the Internet.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def plain(text, status=200):
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


@never_cache
@require_safe
def healthz(request):
    return plain("ok\n")


def database_answers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def cache_answers():
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    try:
        return cache.get(key) == "1"
    finally:
        cache.delete(key)


@never_cache
@require_safe
def readyz(request):
    try:
        ready = database_answers() and cache_answers()
    except DatabaseError:
        logger.warning("readyz: the database did not answer", exc_info=True)
        ready = False
    except Exception:  # noqa: BLE001 - any cache backend error (Redis down, refused) means not ready
        logger.warning("readyz: the cache did not answer", exc_info=True)
        ready = False
    return plain("ok\n") if ready else plain("unavailable\n", status=503)
