"""Rate limits as deployed: four gunicorn workers sharing one Redis, behind a proxy. Needs a
Redis server (CI starts one; TEST_REDIS_URL names it), else skipped with the reason."""

import pytest

from .harness import Browser, Gunicorn
from .helpers import PASSWORD, REDIS_URL, make_user

pytestmark = pytest.mark.slow
redis = pytest.importorskip("redis")


@pytest.fixture
def redis_url():
    if not REDIS_URL:
        pytest.skip("rate-limit tests with Redis need TEST_REDIS_URL (CI sets it; see README)")
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield REDIS_URL
    client.flushdb()


def test_login_limit_is_shared_by_workers_and_counts_each_client(app, database_url, redis_url):
    """With the in-memory store each of 4 workers counted alone (the first 429 came at attempt
    17, not 11); behind a proxy every client shared the proxy's address."""
    person = make_user(app)
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "limits-test",
        "SELFCARE_ENV": "development",
        "RATELIMIT_STORAGE_URI": redis_url,
        "SELFCARE_PROXY_COUNT": "1",
    }
    with Gunicorn(env, workers=4) as base:
        attacker = Browser(base, headers={"X-Forwarded-For": "203.0.113.50"})
        statuses = [
            attacker.post_form("/login", {"email": "nobody@example.org", "password": "wrong pw"})
            for _ in range(11)
        ]
        # Another person behind the same proxy is not locked out by it.
        neighbour = Browser(base, headers={"X-Forwarded-For": "198.51.100.20"})
        neighbour_status = neighbour.post_form(
            "/login", {"email": person.email, "password": PASSWORD}
        )
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    assert neighbour_status == 302
