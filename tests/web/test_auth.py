"""The leader secret, the session tokens, the rate limit and ``[web]`` of the config."""

from __future__ import annotations

from pathlib import Path

import pytest

from dutyboard.config import ConfigError
from dutyboard.web.auth import (
    ENV_SECRET,
    FailureLimiter,
    SecretError,
    SecretHash,
    Sessions,
    hash_secret,
    leader_secret,
    secret_problem,
)
from dutyboard.web.config import WebConfig, load_web_config, parse_web, web_section
from tests.web.conftest import SECRET


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_secret_is_stored_hashed_and_checked(secret_hash: SecretHash) -> None:
    text = str(secret_hash)
    assert text.startswith("scrypt$n=16384,r=8,p=1$")
    assert SECRET not in text and SECRET not in repr(secret_hash)
    again = SecretHash.parse(text)
    assert again == secret_hash
    assert again.matches(SECRET)
    assert again.matches(f"  {SECRET} ")  # a phone keyboard's trailing space
    assert not again.matches(SECRET[:-1])
    assert not again.matches(SECRET + "x")
    assert not again.matches("")
    # A fresh salt every time: the same secret never gives the same line twice.
    assert str(hash_secret(SECRET)) != text


def test_a_composed_and_a_decomposed_accent_are_the_same_secret() -> None:
    stored = hash_secret("caf\u00e9 night shift")
    assert stored.matches("cafe\u0301 night shift")


@pytest.mark.parametrize(
    "text",
    [
        "plain-secret",
        "scrypt$n=16384,r=8,p=1$c2FsdA$",
        "scrypt$n=1000,r=8,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5",  # n not 2**k
        "scrypt$n=1048576,r=32,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5",  # 4 GiB
        "scrypt$n=16384,r=8,p=1$c2E$a2V5a2V5a2V5a2V5a2V5a2V5",  # salt too short
        "scrypt$n=16384,r=8,p=1$c2FsdHNhbHRzYWx0$a2V5",  # key too short
        "scrypt$n=16384,r=8,p=1$c2FsdHNhbHRzYWx0$a$2V5",
    ],
)
def test_a_malformed_hash_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        SecretHash.parse(text)


def test_short_secrets_are_refused() -> None:
    assert secret_problem("short") is not None
    assert secret_problem(" " * 20 + "abc") is not None
    assert secret_problem(SECRET) is None
    assert secret_problem("x" * 2000) is not None


def test_the_environment_secret_wins_over_the_config(secret_hash: SecretHash) -> None:
    other = "another-secret-for-the-env"
    from_env = leader_secret(secret_hash, {ENV_SECRET: other})
    assert from_env is not None and from_env.matches(other) and not from_env.matches(SECRET)
    assert leader_secret(secret_hash, {}) is secret_hash
    assert leader_secret(secret_hash, {ENV_SECRET: "  "}) is secret_hash
    assert leader_secret(None, {}) is None
    with pytest.raises(SecretError, match=ENV_SECRET):
        leader_secret(None, {ENV_SECRET: "1234"})


def test_session_tokens_are_signed_expire_and_can_be_revoked() -> None:
    clock = Clock()
    sessions = Sessions(lifetime=3600, clock=clock)
    token = sessions.issue()
    assert sessions.valid(token)
    expiry, nonce, mac = token.split(".")
    # Another process's key, a changed expiry or nonce, a cut MAC: all refused.
    assert not Sessions(clock=clock).valid(token)
    assert not sessions.valid(f"{int(expiry) + 10**6}.{nonce}.{mac}")
    assert not sessions.valid(f"{expiry}.{nonce}x.{mac}")
    assert not sessions.valid(f"{expiry}.{nonce}.{mac[:-1]}")
    assert not sessions.valid(None) and not sessions.valid("") and not sessions.valid("a.b")
    clock.now += 3601
    assert not sessions.valid(token)
    clock.now -= 3601
    sessions.revoke(token)
    assert not sessions.valid(token)
    assert sessions.valid(sessions.issue())


def test_failures_block_an_address_for_a_growing_delay() -> None:
    clock = Clock()
    limiter = FailureLimiter(clock=clock)
    for _ in range(4):
        limiter.failed("192.0.2.1")
        assert limiter.wait("192.0.2.1") == 0
    limiter.failed("192.0.2.1")
    first = limiter.wait("192.0.2.1")
    assert first == pytest.approx(30)
    assert limiter.wait("192.0.2.2") == 0  # another address is not held up
    clock.now += first
    assert limiter.wait("192.0.2.1") == 0
    limiter.failed("192.0.2.1")
    assert limiter.wait("192.0.2.1") == pytest.approx(60)  # doubled
    for _ in range(20):
        limiter.failed("192.0.2.1")
    assert limiter.wait("192.0.2.1") == pytest.approx(15 * 60)  # capped
    limiter.succeeded("192.0.2.1")
    assert limiter.wait("192.0.2.1") == 0


def test_the_limiter_forgets_old_failures_and_bounds_its_memory() -> None:
    clock = Clock()
    limiter = FailureLimiter(clock=clock, most_addresses=100)
    for _ in range(4):
        limiter.failed("192.0.2.1")
    clock.now += 2 * 3600
    limiter.failed("192.0.2.1")  # counted afresh: one failure, no block
    assert limiter.wait("192.0.2.1") == 0
    for n in range(1000):
        limiter.failed(f"10.0.{n // 256}.{n % 256}")
    assert len(limiter._seen) <= 101


def test_the_web_section(tmp_path: Path, secret_hash: SecretHash) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[desk]\nname = "Desk"\n\n'
        + web_section(secret_hash)
        + '\nhost = "0.0.0.0"\nport = 8443\nbehind_proxy = true\nmax_viewers = 3\n',
        encoding="utf-8",
    )
    web = load_web_config(config)
    assert web.secret_hash == secret_hash
    assert (web.host, web.port, web.behind_proxy, web.max_viewers) == ("0.0.0.0", 8443, True, 3)
    assert load_web_config(None) == WebConfig()
    assert load_web_config(tmp_path / "none.toml") == WebConfig()


@pytest.mark.parametrize(
    ("section", "named"),
    [
        ({"leader_secret": "plain"}, "web.leader_secret"),
        ({"leader_secret_hash": "plain"}, "web.leader_secret_hash"),
        ({"leader_secret_hash": 5}, "web.leader_secret_hash"),
        ({"port": 0}, "web.port"),
        ({"port": "80"}, "web.port"),
        ({"port": True}, "web.port"),
        ({"host": ""}, "web.host"),
        ({"behind_proxy": "yes"}, "web.behind_proxy"),
        ({"max_viewers": 0}, "web.max_viewers"),
    ],
)
def test_a_bad_web_key_is_one_line_naming_it(section: dict[str, object], named: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_web(section, where="desk.toml")
    line = str(error.value)
    assert line.startswith("desk.toml: ") and named in line and "\n" not in line
    with pytest.raises(ConfigError, match=r"\[web\] must be a table"):
        parse_web("x", where="desk.toml")
