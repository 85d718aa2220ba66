"""A send rate shared by every sender: RSVP_MAIL_MAX_RATE messages per second at most.

Each message takes the next free slot on one schedule, ``1 / rate`` seconds after the
previous one, and its sender waits for that slot. With Redis the schedule lives in one key
that every process and machine shares, and Redis' own clock decides, so workers with
drifting clocks still add up to the rate. Without Redis there is one sender per process
(the CLI or the app's background sender), so the schedule is kept in the process.
"""

import threading
import time
from typing import Protocol

from flask import Flask

#: Takes the next slot atomically: returns how many microseconds the caller must wait.
_TAKE_SLOT = """
local now = redis.call('TIME')
local now_us = tonumber(now[1]) * 1000000 + tonumber(now[2])
local next_us = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = now_us
if next_us > 0 then
  -- A slot nobody took in the last ARGV[3] us may still be used: a sender held up for a
  -- moment (a claim, a reconnect) catches up instead of the minute falling short.
  slot = math.max(now_us - tonumber(ARGV[3]), next_us)
end
redis.call('SET', KEYS[1], string.format('%d', slot + tonumber(ARGV[1])), 'PX', ARGV[2])
return math.max(0, slot - now_us)
"""

KEY = "rsvp:mail:next-slot"


class RateLimiter(Protocol):
    def wait(self) -> None:
        """Block until this sender may hand the next message to the SMTP server."""


class Unlimited:
    def wait(self) -> None:
        return None


class LocalRateLimiter:
    """The schedule in this process, for a single sender."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.next_slot = 0.0
        self.lock = threading.Lock()

    def wait(self) -> None:
        with self.lock:
            now = time.monotonic()
            slot = max(now, self.next_slot)
            self.next_slot = slot + self.interval
        time.sleep(max(0.0, slot - now))


class RedisRateLimiter:
    """The schedule in one Redis key, shared by every sender that uses the same Redis."""

    def __init__(self, rate: float, url: str, key: str = KEY) -> None:
        import redis

        self.interval_us = max(1, round(1_000_000 / rate))
        self.client = redis.Redis.from_url(url)
        self.take_slot = self.client.register_script(_TAKE_SLOT)
        self.key = key

    def wait(self) -> None:
        # The key expires when nobody sends for a minute: an idle schedule starts afresh.
        catch_up_us = min(500_000, 10 * self.interval_us)
        wait_us = int(self.take_slot(keys=[self.key],
                                     args=[self.interval_us, 60_000, catch_up_us]))
        if wait_us > 0:
            time.sleep(wait_us / 1_000_000)


_local: dict[float, LocalRateLimiter] = {}
_redis: dict[tuple[float, str, str], RedisRateLimiter] = {}


def rate_limiter(app: Flask) -> RateLimiter:
    """The limiter the app's configuration asks for (RSVP_MAIL_MAX_RATE, RSVP_MAIL_RATE_URL)."""
    rate = float(app.config.get("MAIL_MAX_RATE") or 0)
    if rate <= 0:
        return Unlimited()
    url = app.config.get("MAIL_RATE_URL") or app.config.get("CELERY_BROKER_URL")
    if url and str(url).startswith(("redis://", "rediss://", "unix://")):
        # One schedule per deployment: those sharing a Redis are told apart by their queue.
        schedule = f"{app.config.get('CELERY_QUEUE') or 'rsvp'}:mail:next-slot"
        cache_key = (rate, str(url), schedule)
        if cache_key not in _redis:
            _redis[cache_key] = RedisRateLimiter(rate, str(url), schedule)
        return _redis[cache_key]
    # One schedule per process and rate, so consecutive batches do not each start afresh.
    return _local.setdefault(rate, LocalRateLimiter(rate))
