"""The ``[[notify]]`` array: a good block of each kind parses; every bad key is one line
naming the entry and the key; webhook URLs are shown masked."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from dutyboard.config import ConfigError
from dutyboard.notify import EVENTS, Target
from dutyboard.notify.targets import mask, parse_targets

GOOD = """
[[notify]]
name = "hook"
kind = "webhook"
events = ["handover_signed", "handover_acknowledged"]
url = "https://ops.example.org/hooks/dutyboard"

[[notify]]
name = "企业微信 duty group"
kind = "wecom"
events = ["urgent_unacknowledged"]
url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4"
urgent_after_minutes = 10

[[notify]]
name = "dingtalk"
kind = "dingtalk"
events = ["urgent_unacknowledged"]
url = "https://oapi.dingtalk.com/robot/send?access_token=abc"
secret_env = "DINGTALK_SECRET"
urgent_after_minutes = 30
timeout_s = 5

[[notify]]
name = "feishu"
kind = "feishu"
events = ["feed_failing", "arrival_overdue"]
url = "https://open.feishu.cn/open-apis/bot/v2/hook/0a1b2c3d"
secret_env = "FEISHU_SECRET"
feed_failing_minutes = 60

[[notify]]
name = "slack"
kind = "slack"
events = ["nobody_on_duty"]
url = "https://hooks.slack.com/services/T000/B000/XXXX"

[[notify]]
name = "teams"
kind = "teams"
events = ["daily_report"]
url = "https://prod-1.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?sig=x"

[[notify]]
name = "leaders"
kind = "email"
events = ["daily_report", "handover_signed"]
smtp_host = "smtp.example.org"
smtp_port = 587
from = "duty@example.org"
to = ["leader@example.org", "deputy@example.org"]
username_env = "SMTP_USER"
password_env = "SMTP_PASSWORD"

[[notify]]
name = "relay"
kind = "email"
events = ["daily_report"]
smtp_host = "localhost"
smtp_port = 25
starttls = false
smtp_cafile = "/etc/ssl/desk-ca.pem"
from = "duty@localhost"
to = "officer@example.org"
"""


def test_a_good_block_of_each_kind_parses() -> None:
    targets = parse_targets(tomllib.loads(GOOD)["notify"], where="config.toml")
    by_name = {target.name: target for target in targets}
    assert [t.kind for t in targets] == [
        "webhook", "wecom", "dingtalk", "feishu", "slack", "teams", "email", "email",
    ]  # fmt: skip
    assert by_name["hook"] == Target(
        name="hook",
        kind="webhook",
        events=frozenset({"handover_signed", "handover_acknowledged"}),
        url="https://ops.example.org/hooks/dutyboard",
    )
    assert by_name["企业微信 duty group"].urgent_after_minutes == 10.0
    ding = by_name["dingtalk"]
    assert ding.secret_env == "DINGTALK_SECRET" and ding.timeout_s == 5.0
    assert by_name["feishu"].feed_failing_minutes == 60.0
    mail = by_name["leaders"]
    assert mail.smtp_host == "smtp.example.org" and mail.smtp_port == 587
    assert mail.starttls is True
    assert mail.mail_from == "duty@example.org"
    assert mail.mail_to == ("leader@example.org", "deputy@example.org")
    assert (mail.username_env, mail.password_env) == ("SMTP_USER", "SMTP_PASSWORD")
    relay = by_name["relay"]
    assert relay.starttls is False and relay.mail_to == ("officer@example.org",)
    assert relay.smtp_cafile == "/etc/ssl/desk-ca.pem"


def test_no_targets() -> None:
    assert parse_targets([], where="c") == ()


def block(**values: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": "t",
        "kind": "webhook",
        "events": ["handover_signed"],
        "url": "https://example.org/h",
    }
    entry.update(values)
    return {key: value for key, value in entry.items() if value is not None}


MAIL = {
    "kind": "email",
    "url": None,
    "smtp_host": "smtp.example.org",
    "from": "duty@example.org",
    "to": "leader@example.org",
}


@pytest.mark.parametrize(
    ("entries", "where", "words"),
    [
        ([block(name=None)], "notify[0].name", "is required"),
        ([block(kind=None)], "notify[0].kind", "is required"),
        ([block(events=None)], "notify[0].events", "is required"),
        ([block(name="")], "notify[0].name", "non-empty"),
        ([block(name="a/b")], "notify[0].name", "not a usable name"),
        ([block(), block()], "notify[1].name", "already the name of notify[0]"),
        ([block(kind="telegram")], "notify[0].kind", "webhook, wecom, dingtalk"),
        ([block(events=[])], "notify[0].events", "non-empty list"),
        ([block(events=["handover_signed", "lunch"])], "notify[0].events", "'lunch'"),
        ([block(events="test")], "notify[0].events", "not an event"),
        ([block(events=[1])], "notify[0].events", "not an event"),
        ([block(url=None)], "notify[0].url", 'required for kind = "webhook"'),
        ([block(kind="slack", url=None)], "notify[0].url", 'required for kind = "slack"'),
        ([block(url="ftp://example.org/x")], "notify[0].url", "http:// or https://"),
        ([block(url="https:///nohost")], "notify[0].url", "name a host"),
        ([block(url="https://example.org/a b")], "notify[0].url", "spaces"),
        ([block(url="https://example.org:99999/")], "notify[0].url", "port"),
        ([block(url=42)], "notify[0].url", "non-empty string"),
        ([block(secret_env="X")], "notify[0].secret_env", '"dingtalk" or "feishu"'),
        ([block(kind="dingtalk", secret_env="SEC123abc=")], "notify[0].secret_env", "NAME"),
        ([block(smtp_host="h")], "notify[0].smtp_host", 'only applies to kind = "email"'),
        ([block(colour="red")], "notify[0].colour", "unknown key (known: events, "),
        ([block(urgent_after_minutes=0)], "notify[0].urgent_after_minutes", "greater than 0"),
        ([block(urgent_after_minutes=True)], "notify[0].urgent_after_minutes", "minutes"),
        ([block(feed_failing_minutes=1e9)], "notify[0].feed_failing_minutes", "at most"),
        ([block(timeout_s=-1)], "notify[0].timeout_s", "seconds"),
        ([block(timeout_s=600)], "notify[0].timeout_s", "at most 120"),
        ([block(**{**MAIL, "smtp_host": None})], "notify[0].smtp_host", "required"),
        ([block(**{**MAIL, "from": None})], "notify[0].from", "required"),
        ([block(**{**MAIL, "to": None})], "notify[0].to", "required"),
        (
            [block(**{**MAIL, "url": "https://x.org"})],
            "notify[0].url",
            'not apply to kind = "email"',
        ),
        ([block(**{**MAIL, "to": []})], "notify[0].to", "e-mail address or a list"),
        ([block(**{**MAIL, "to": "a@b.org\nBcc: c@d.org"})], "notify[0].to", "not an e-mail"),
        ([block(**{**MAIL, "to": ["a@b.org", "Leader <l@b.org>"]})], "notify[0].to", "not an"),
        ([block(**{**MAIL, "from": "nobody"})], "notify[0].from", "not an e-mail address"),
        ([block(**{**MAIL, "smtp_port": 0})], "notify[0].smtp_port", "1 and 65535"),
        ([block(**{**MAIL, "smtp_port": "587"})], "notify[0].smtp_port", "port number"),
        ([block(**{**MAIL, "smtp_host": "a b"})], "notify[0].smtp_host", "not a host name"),
        ([block(**{**MAIL, "starttls": "yes"})], "notify[0].starttls", "true or false"),
        ([block(**{**MAIL, "username_env": "U"})], "notify[0].password_env", "needs both"),
        ([block(**{**MAIL, "password_env": "P"})], "notify[0].username_env", "needs both"),
        (
            [block(**{**MAIL, "username_env": "U", "password_env": "P", "starttls": False})],
            "notify[0].starttls",
            "unencrypted",
        ),
        ([block(), "x"], "notify[1]", "must be a table"),
    ],
)
def test_every_error_names_entry_and_key(entries: list[Any], where: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_targets(entries, where="desk.toml")
    message = str(caught.value)
    assert message.startswith(f"desk.toml: {where}"), message
    assert words in message, message
    assert "\n" not in message


def test_not_an_array() -> None:
    with pytest.raises(ConfigError, match=r"desk\.toml: notify must be an array of tables"):
        parse_targets({"name": "x"}, where="desk.toml")


def test_unknown_key_lists_the_known_ones_for_the_kind() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_targets([block(kind="dingtalk", colour="red")], where="c")
    assert "events, feed_failing_minutes, kind, name, secret_env, timeout_s" in str(caught.value)


def test_a_bad_url_is_shown_masked() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_targets([block(url="ftp://example.org/x?access_token=SECRET123")], where="c")
    assert "SECRET123" not in str(caught.value)


def test_a_local_relay_may_log_in_without_starttls() -> None:
    (target,) = parse_targets(
        [block(**{**MAIL, "smtp_host": "127.0.0.1", "username_env": "U", "password_env": "P",
                  "starttls": False})],
        where="c",
    )  # fmt: skip
    assert target.username_env == "U"


def test_every_event_can_be_chosen() -> None:
    (target,) = parse_targets([block(events=list(EVENTS))], where="c")
    assert target.events == frozenset(EVENTS)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "https://oapi.dingtalk.com/robot/send?access_token=abc123",
            "https://oapi.dingtalk.com/robot/send?access_token=…",
        ),
        (
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx",
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
        ),
        (
            "https://open.feishu.cn/open-apis/bot/v2/hook/0a1b2c3d-4e5f-6789",
            "https://open.feishu.cn/open-apis/bot/v2/hook/…",
        ),
        (
            "https://hooks.slack.com/services/T0001/B0001/abcdefghijklmnopqrstuvwx",
            "https://hooks.slack.com/services/…/…/…",
        ),
        (
            "https://prod-12.westeurope.logic.azure.com:443/workflows/9f8e7d/triggers/manual/"
            "paths/invoke?api-version=2016-06-01&sp=%2Ftriggers&sv=1.0&sig=Zm9vYmFy",
            "https://prod-12.westeurope.logic.azure.com:443/workflows/…/triggers/manual/"
            "paths/invoke?api-version=…&sp=…&sv=…&sig=…",
        ),
        ("https://user:pw@example.org/h?TOKEN#frag", "https://…@example.org/h?…#…"),
        ("http://127.0.0.1:8080/dutyboard", "http://127.0.0.1:8080/dutyboard"),
        ("https://example.org/hooks/Dutyboard", "https://example.org/hooks/…"),
        ("not a url", "…"),
        ("https://[::1]:9000/x", "https://[::1]:9000/x"),
    ],
)
def test_mask(url: str, shown: str) -> None:
    assert mask(url) == shown
