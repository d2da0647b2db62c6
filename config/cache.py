"""Redis as the page cache, failing open: when Redis is down or stops answering, every lookup is a miss
and every store is skipped, after at most one short socket timeout, and the site renders pages itself.

After a failure, Redis is left alone for RETRY_SECONDS, so a dead server costs one timeout per worker
every few seconds, not one per request. Nothing the site needs to be correct lives only in the cache
(the content version and the sessions are in the database).
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5

# What each operation answers when Redis cannot: a miss, or "not stored".
ANSWER_WITHOUT_REDIS = {
    "add": False,
    "get": None,  # replaced by the caller's default
    "set": None,
    "touch": False,
    "delete": False,
    "get_many": {},
    "has_key": False,
    "set_many": [],
    "delete_many": None,
    "clear": False,
}


class FailOpenClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unavailable_until = 0.0

    def __getattribute__(self, name):
        method = super().__getattribute__(name)
        if name not in ANSWER_WITHOUT_REDIS:
            return method

        def fail_open(*args, **kwargs):
            fallback = args[1] if name == "get" else ANSWER_WITHOUT_REDIS[name]
            if time.monotonic() < self.unavailable_until:
                return fallback
            try:
                return method(*args, **kwargs)
            except RedisError as error:
                self.unavailable_until = time.monotonic() + RETRY_SECONDS
                logger.warning("Cache unavailable; serving without it for %s s: %s", RETRY_SECONDS, error)
                return fallback

        return fail_open


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = FailOpenClient
