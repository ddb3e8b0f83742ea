"""One cache for every process: CACHES comes from REDIS_URL, and the limits count in it."""

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from editorial import reports

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/2")


def settings_in_a_new_process(**env):
    code = "from django.conf import settings; import json; print(json.dumps(settings.CACHES['default']))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env={
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "1",
            **env,
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.slow
def test_redis_url_selects_djangos_redis_cache():
    assert settings_in_a_new_process(REDIS_URL="redis://cache.example.org:6379/3") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.example.org:6379/3",
        "KEY_PREFIX": "directory",
    }


@pytest.mark.slow
def test_without_redis_url_each_process_has_its_own_memory_cache():
    assert settings_in_a_new_process() == {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}


def test_the_report_limit_counts_in_the_default_cache():
    assert reports.cache is cache


def redis_or_skip():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not reachable at {TEST_REDIS_URL}")
    return client


def test_the_report_limit_counts_in_redis_without_the_address():
    client = redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex}"
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    try:
        with override_settings(CACHES=redis_cache, EDITORIAL_REPORT_LIMIT=3):
            allowed = [reports.take_report_allowance(source="203.0.113.9") for _ in range(5)]
            assert allowed == [True, True, True, False, False]
            assert reports.take_report_allowance(source="203.0.113.10") is True
            keys = {key.decode(): int(client.get(key)) for key in client.scan_iter(f"{prefix}:*")}
            assert sorted(keys.values()) == [1, 5]
            assert all("203.0.113" not in key for key in keys)
            assert all(0 < client.ttl(key) <= settings.EDITORIAL_REPORT_WINDOW for key in keys)
    finally:
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
