import pytest
from django.conf import settings
from django.core.management import call_command


def pytest_configure(config):
    """Test users are made by the hundred: hash their passwords cheaply (never in production)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Whatever REDIS_URL says, the unit tests keep their cache in memory: their cache.clear()
    # must never flush a real Redis. Tests of Redis itself name their own (tests/test_shared_cache.py).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the real directory once for the whole test session."""
    with django_db_blocker.unblock():
        call_command("load_directory", verbosity=0)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: cached pages and area options never leak between tests."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's superuser client, signed in with the second factor given (the admin requires it)."""
    from tests.auth import verified_login

    return verified_login(client, admin_user)


@pytest.fixture
def today():
    import datetime

    return datetime.date(2026, 11, 23)


def pytest_collection_modifyitems(items):
    """Browser tests last: their live server empties the database when each ends."""
    items.sort(key=lambda item: "/browser/" in str(item.fspath))
