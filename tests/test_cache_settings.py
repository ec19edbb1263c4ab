"""Caches: the limits in a database table and the overview's figures in local memory, unless CACHE_URL names a
Redis server the app servers share."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def settings_with(**env):
    code = ("import json, maud_pathways.settings as s; "
            "print(json.dumps([s.CACHES, s.DATABASES['default'].get('DISABLE_SERVER_SIDE_CURSORS', False)]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "SECRET_KEY": "settings-test-only", **env})
    return out


def test_shared_limits_and_local_figures_by_default_and_redis_when_cache_url_is_set():
    caches, _ = json.loads(settings_with(CACHE_URL="").stdout)
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"  # every worker's counts
    assert caches["figures"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    caches, _ = json.loads(settings_with(CACHE_URL="redis://127.0.0.1:6379/2").stdout)
    assert caches["default"] == {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                 "LOCATION": "redis://127.0.0.1:6379/2", "KEY_PREFIX": "maud-pathways"}
    assert caches["figures"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


def test_a_cache_url_that_is_not_redis_is_refused():
    out = settings_with(CACHE_URL="memcached://127.0.0.1:11211")
    assert out.returncode != 0 and "CACHE_URL must be a Redis URL" in out.stderr


def test_server_side_cursors_can_be_turned_off_for_pgbouncer():
    _, disabled = json.loads(settings_with(DISABLE_SERVER_SIDE_CURSORS="1",
                                           DATABASE_URL="postgres://u@127.0.0.1:6432/db").stdout)
    assert disabled is True
