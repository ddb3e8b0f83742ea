"""gunicorn settings for production (`make serve` uses this file; gunicorn also finds it by name).

Every value can be changed from the environment, as the Django settings are.
The access log holds no query strings (search terms, filters), no referer and
no user agent, and no client address unless GUNICORN_LOG_CLIENT_IP=1: a
person's search for a service in their own town is not kept in our logs.
"""

import gc
import multiprocessing
import os


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_bool(name):
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def default_workers(cores=None, cap=8):
    """gunicorn's rule of thumb, 2 × cores + 1, capped: each sync worker holds a database connection."""
    cores = cores or multiprocessing.cpu_count()
    return min(2 * cores + 1, cap)


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
wsgi_app = "config.wsgi:application"
proc_name = "perpetrator-services-directory"

# Sync workers: pages are short database reads; the TLS proxy in front buffers slow clients.
workers = env_int("WEB_CONCURRENCY", default_workers())
worker_class = "sync"
timeout = env_int("GUNICORN_TIMEOUT", 30)  # a worker silent this long is killed and replaced
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)  # on deploy, finish requests in flight
keepalive = env_int("GUNICORN_KEEPALIVE", 5)
# Recycle each worker now and then (with jitter, so not all at once) to bound memory growth.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 100)
# Heartbeat files in memory, not on a slow disk (gunicorn's advice for containers).
SHARED_MEMORY = "/dev/shm"  # noqa: S108 - gunicorn writes only its own heartbeat files here
if os.path.isdir(SHARED_MEMORY):
    worker_tmp_dir = SHARED_MEMORY


# gunicorn 25+ opens a control socket in $HOME/.gunicorn/ for `gunicornc`; we do not use it, and
# several servers on one machine would share (and unlink) the same path. GUNICORN_CONTROL_SOCKET=1 keeps it.
control_socket_disable = not env_bool("GUNICORN_CONTROL_SOCKET")

LOG_CLIENT_IP = env_bool("GUNICORN_LOG_CLIENT_IP")

# Time, method, path without its query string, protocol, status, bytes, duration in ms.
# %(U)s is the path alone; %(r)s and %(q)s (which carry the query string), %(f)s (referer,
# which carries the previous page's query) and %(a)s (user agent) are never logged.
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
if LOG_CLIENT_IP:
    access_log_format = "%(h)s " + access_log_format
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


# A fresh worker pays Django's deferred first-use costs (the URL configuration and its imports, translation
# catalogues, template compilation, connections: ~250-300 ms) at its start rather than in its first request.
# GUNICORN_WARM_UP=0 leaves them to the first request (to measure them).
WARM_UP = os.environ.get("GUNICORN_WARM_UP", "1").strip().lower() not in {"0", "false", "no", "off"}


def post_worker_init(worker):
    if WARM_UP:
        from config.warmup import warm

        worker.log.info("warm-up (ms): %s", warm())
        # What the worker now holds for good (modules, URL patterns, compiled templates: ~180,000 objects) is put
        # out of the cyclic garbage collector's reach, so a full collection in the middle of a request no longer
        # walks it (the matcher's p95 over 40 requests in-process: 492-663 -> 150-219 ms, machine loaded by CI).
        gc.collect()
        gc.freeze()
