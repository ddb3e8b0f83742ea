import gc
import hashlib
import importlib.metadata
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command


def pytest_configure(config):
    """Test users are made by the hundred: hash their passwords cheaply (never in production)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Whatever REDIS_URL says, the unit tests keep their cache in memory: their cache.clear()
    # must never flush a real Redis. Tests of Redis itself name their own (tests/test_shared_cache.py).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


# Where the migrated, loaded SQLite test database is kept between runs (git ignores it).
SNAPSHOTS = Path(__file__).resolve().parents[1] / ".test-db"
# What the test database is made from: the project's code (not the tests), the fixtures and documents.
_SKIP_DIRS = {".git", ".venv", "node_modules", "tests", "static", "staticfiles", ".test-db", "__pycache__", "bench"}


def _snapshot_path():
    """The snapshot for this code, or None where there is none to keep (PostgreSQL; TEST_DB_SNAPSHOT=0).

    Named by a hash of every file the test database is made from (migrations, models, load_directory,
    fixtures, sources: every .py file outside tests/, every file under fixtures/ and sources/) and of the
    installed packages' versions, so any change to them builds it afresh.
    """
    from django.db import connection

    if os.environ.get("TEST_DB_SNAPSHOT", "1") == "0" or connection.vendor != "sqlite":
        return None
    if not connection.creation.is_in_memory_db(connection.creation._get_test_db_name()):
        return None
    digest = hashlib.sha256()
    for dist in sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()):
        digest.update(dist.encode())
    base = Path(settings.BASE_DIR)
    for root, dirs, files in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        for name in sorted(files):
            path = Path(root, name)
            data = path.relative_to(base).parts[0] in ("fixtures", "sources")
            if data or name.endswith(".py"):
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return SNAPSHOTS / f"{digest.hexdigest()[:16]}.sqlite3"


@contextmanager
def _migrate_from(snapshot):
    """During setup_databases, "migrate" copies the snapshot into the new in-memory database instead."""
    from django.core import management
    from django.db import connection

    real = management.call_command

    def call_command_or_restore(name, *args, **kwargs):
        if name != "migrate":
            return real(name, *args, **kwargs)
        connection.ensure_connection()
        source = sqlite3.connect(snapshot)
        try:
            source.backup(connection.connection)
        finally:
            source.close()

    management.call_command = call_command_or_restore
    try:
        yield
    finally:
        management.call_command = real


def _keep(snapshot):
    from django.db import connection

    SNAPSHOTS.mkdir(exist_ok=True)
    for old in SNAPSHOTS.glob("*.sqlite3"):
        old.unlink(missing_ok=True)  # make test-fast's two processes may both have built it
    partial = snapshot.with_suffix(f".{os.getpid()}.partial")
    target = sqlite3.connect(partial)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    os.replace(partial, snapshot)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """Shards run side by side (``--shard=K/N``, make test) each take their own test database on a server
    (test_test_shard1, …): one would otherwise drop the other's. SQLite in memory is each process's own."""
    shard, _, shards = request.config.getoption("shard").partition("/")
    if shards == "1":
        return
    for db in settings.DATABASES.values():
        if db["ENGINE"] == "django.db.backends.sqlite3":
            continue
        test = db.setdefault("TEST", {})
        test["NAME"] = f"{test.get('NAME') or 'test_' + db['NAME']}_shard{shard}"


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """The test database, migrated and holding the real directory (load_directory), once per session.

    pytest-django's own fixture, plus the load. Every test runs in a transaction rolled back after it,
    so each sees the directory as loaded. On SQLite in memory (the default), the migrated and loaded
    database is kept in .test-db/ and copied in on the next run when nothing it is made from changed
    (about 30 s of CPU saved); ``--create-db`` or ``TEST_DB_SNAPSHOT=0`` builds it afresh.
    Browser tests (transactional) empty the database and load the directory again themselves.
    """
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    if not django_db_use_migrations:
        _disable_migrations()
    keepdb = django_db_keepdb and not django_db_createdb
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    arguments = {
        "verbosity": request.config.option.verbose,
        "interactive": False,
        "aliases": aliases,
        "serialized_aliases": serialized_aliases,
        "keepdb": keepdb,
    }
    with django_db_blocker.unblock():
        snapshot = None if keepdb or not django_db_use_migrations else _snapshot_path()
        if snapshot and snapshot.exists() and not django_db_createdb:
            with _migrate_from(snapshot):
                db_cfg = setup_databases(**arguments)
        else:
            db_cfg = setup_databases(**arguments)
            call_command("load_directory", verbosity=0)
            if snapshot:
                _keep(snapshot)
    # What lives for the whole session (Django, the URL and template caches, the collected tests, the
    # loaded directory's objects) is kept out of the garbage collector's sight: see _collect_between_tests.
    gc.collect()
    gc.freeze()

    yield

    if not django_db_keepdb:
        with django_db_blocker.unblock():
            teardown_databases(db_cfg, verbosity=request.config.option.verbose)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """The garbage collector runs between tests, not during them.

    Rendering an admin page with 80 inline rows allocates millions of objects, and the test client keeps a
    copy of every template context, so the collector's automatic passes, run every 700 allocations, kept
    walking a large live heap: about a fifth of the suite's time. Within one test, garbage is freed by
    reference counting as usual; only cycles wait until the test ends (a few MB; tests/test_fuzz.py's
    Hypothesis runs peak lower than before). Nothing a test checks depends on when cycles are collected.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached pages and area options never leak between tests."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a Welsh request in an earlier test leaves Welsh
    active in the thread (LocaleMiddleware does not reset it), which code called without a request reads."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's superuser client, signed in with the second factor given (the admin requires it)."""
    from tests.auth import verified_login

    return verified_login(client, admin_user)


@pytest.fixture
def today():
    import datetime

    return datetime.date(2026, 11, 23)


def pytest_addoption(parser):
    parser.addoption(
        "--shard",
        default="1/1",
        help="K/N: run every Nth test starting with the Kth (make test-fast runs 1/2 and 2/2 side by side)",
    )


@pytest.hookimpl(trylast=True)  # after -m and -k have deselected, so the shards share what is left
def pytest_collection_modifyitems(config, items):
    """Browser tests last: their live server empties the database when each ends.

    With ``--shard=K/N``, only every Nth of the selected tests, starting with the Kth: N processes with the
    same options between them run each selected test once. Every other test rather than every other file,
    so that each process gets its share of the heavy files (tests/editorial's admin pages).
    """
    items.sort(key=lambda item: "/browser/" in str(item.fspath))
    shard, _, shards = config.getoption("shard").partition("/")
    try:
        shard, shards = int(shard), int(shards)
    except ValueError:
        raise pytest.UsageError("--shard takes K/N, e.g. 1/2") from None
    if not 1 <= shard <= shards:
        raise pytest.UsageError("--shard takes K/N with 1 <= K <= N, e.g. 1/2")
    if shards > 1:
        kept = [item for index, item in enumerate(items) if index % shards == shard - 1]
        config.hook.pytest_deselected(items=[item for index, item in enumerate(items) if index % shards != shard - 1])
        items[:] = kept
