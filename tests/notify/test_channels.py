"""Each chat kind against a real HTTP server on 127.0.0.1: the body in the tool's shape,
the idempotency key, DingTalk's and Feishu's signatures checked server-side, hostile
text arriving neutralised, and every way a delivery fails classed retry / no retry."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from dutyboard.notify import DeliveryError, Notification, Target
from dutyboard.notify.channels import (
    DINGTALK_MARKDOWN_BYTES,
    FEISHU_BODY_BYTES,
    SLACK_TEXT_CHARS,
    TEAMS_BODY_BYTES,
    WECOM_MARKDOWN_BYTES,
    deliver,
    render,
)
from tests.notify.conftest import HookServer, Reply, Seen

NOTE = Notification(
    id="01HQ-notify-42",
    event="handover_signed",
    title="Handover signed: night shift 夜班",
    body="3 open requests\n- masks 口罩 2,000 for Unit 7",
    created_at="2020-02-04T19:00:00Z",
    link="https://desk.example/status",
)
HOSTILE = Notification(
    id="hostile-1",
    event="urgent_unacknowledged",
    title="Unit *bold*\nBcc: everyone@example.org",
    body=(
        "*bold* <script>alert(1)</script> <!channel> <@U024BE7LH> @all [x](http://evil) "
        '<at user_id="all">所有人</at> <font color="warning">red</font> '
        "{{DATE(2020-02-04T19:00:00Z)}}"
        "\n# heading\n> quote `code` ~strike~ _it_ | pipe \\ back"
        "\nescape\x1b[2Jcleared \u202eevil-bidi\u202c zero\u200bwidth"
    ),
    created_at="2020-02-04T19:00:00Z",
)
OK = {
    "webhook": Reply(204),
    "wecom": Reply(200, b'{"errcode":0,"errmsg":"ok"}'),
    "dingtalk": Reply(200, b'{"errcode":0,"errmsg":"ok"}'),
    "feishu": Reply(200, b'{"code":0,"msg":"success","data":{}}'),
    "slack": Reply(200, b"ok"),
    "teams": Reply(202),
}
TOKEN = "SECRETTOKEN0123456789"


def target(kind: str, url: str, **options: Any) -> Target:
    values: dict[str, Any] = {"timeout_s": 2.0}
    values.update(options)
    return Target(name=kind, kind=kind, events=frozenset({"handover_signed"}), url=url, **values)


def sent(hook: HookServer, kind: str, note: Notification = NOTE, **options: Any) -> Seen:
    hook.reply = OK[kind]
    deliver(target(kind, f"{hook.base}/hook/{kind}?key={TOKEN}", **options), note)
    (seen,) = hook.requests()
    assert seen.headers["Idempotency-Key"] == note.id
    assert seen.headers["Content-Type"].startswith("application/json")
    return seen


def body(seen: Seen) -> Any:
    return json.loads(seen.body)


# ----------------------------------------------------------------------- shapes


def test_generic_webhook_body(hook: HookServer) -> None:
    seen = sent(hook, "webhook")
    assert seen.path == f"/hook/webhook?key={TOKEN}"
    assert body(seen) == {
        "id": NOTE.id,
        "event": "handover_signed",
        "title": NOTE.title,
        "body": NOTE.body,
        "created_at": NOTE.created_at,
        "link": NOTE.link,
    }


def test_wecom_markdown(hook: HookServer) -> None:
    data = body(sent(hook, "wecom"))
    assert set(data) == {"msgtype", "markdown"}
    assert data["msgtype"] == "markdown"
    content = data["markdown"]["content"]
    assert content.startswith("**Handover signed: night shift 夜班**\n3 open requests\n")
    assert content.endswith("[Open](https://desk.example/status)")


def test_dingtalk_markdown_unsigned(hook: HookServer) -> None:
    seen = sent(hook, "dingtalk")
    assert "sign=" not in seen.path
    data = body(seen)
    assert data["msgtype"] == "markdown"
    assert data["markdown"]["title"] == NOTE.title
    assert data["markdown"]["text"].startswith("#### Handover signed")
    assert data["at"] == {"isAtAll": False}
    assert data["msgUuid"] == NOTE.id


def test_dingtalk_signature_verified_by_the_server(
    hook: HookServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "SEC0123456789abcdef"
    monkeypatch.setenv("TEST_DINGTALK_SECRET", secret)
    seen = sent(hook, "dingtalk", secret_env="TEST_DINGTALK_SECRET")
    query = parse_qs(urlsplit(seen.path).query)
    assert query["key"] == [TOKEN]  # the URL's own query is kept
    (stamp,) = query["timestamp"]
    (sign,) = query["sign"]  # parse_qs undid the URL encoding
    assert abs(int(stamp) - time.time() * 1000) < 60_000  # milliseconds, now
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{stamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert hmac.compare_digest(sign, expected)
    assert "%2B" in seen.path or "%2F" in seen.path or "%3D" in seen.path  # URL-encoded


def test_feishu_text_signed(hook: HookServer, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "feishu-secret-xyz"
    monkeypatch.setenv("TEST_FEISHU_SECRET", secret)
    data = body(sent(hook, "feishu", secret_env="TEST_FEISHU_SECRET"))
    assert data["msg_type"] == "text"
    assert data["content"]["text"].startswith("Handover signed: night shift 夜班\n3 open")
    stamp = data["timestamp"]
    assert isinstance(stamp, str) and abs(int(stamp) - time.time()) < 60  # seconds
    expected = base64.b64encode(
        hmac.new(f"{stamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    ).decode()
    assert hmac.compare_digest(data["sign"], expected)


def test_feishu_unsigned_has_no_signature(hook: HookServer) -> None:
    data = body(sent(hook, "feishu"))
    assert set(data) == {"msg_type", "content"}


def test_slack_text(hook: HookServer) -> None:
    data = body(sent(hook, "slack"))
    assert data == {
        "text": "*Handover signed: night shift 夜班*\n3 open requests\n- masks 口罩 2,000 for "
        "Unit 7\n<https://desk.example/status|Open>"
    }


def test_teams_workflows_adaptive_card(hook: HookServer) -> None:
    data = body(sent(hook, "teams"))
    assert data["type"] == "message"
    (attachment,) = data["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    title, text = card["body"]
    assert title == {
        "type": "TextBlock",
        "text": NOTE.title,
        "weight": "Bolder",
        "size": "Medium",
        "wrap": True,
    }
    assert text["type"] == "TextBlock" and text["wrap"] is True
    assert text["text"] == "3 open requests\n\n- masks 口罩 2,000 for Unit 7"
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Open", "url": "https://desk.example/status"}
    ]


# ----------------------------------------------------------------------- hostile text


def _no_controls(text: str) -> None:
    for bad in ("\x1b", "\u202e", "\u202c", "\u200b", "[2J"):
        assert bad not in text


def _markdown_of(kind: str, data: Any) -> str:
    if kind == "wecom":
        return str(data["markdown"]["content"])
    if kind == "dingtalk":
        return str(data["markdown"]["text"])
    return "\n".join(block["text"] for block in data["attachments"][0]["content"]["body"])


def test_hostile_text_arrives_neutralised_for_each_kind(hook: HookServer) -> None:
    """One hostile title and body through every chat kind: no markup, no mention, no
    hidden link, no header-like line, no control or bidi character arrives live."""
    texts: dict[str, str] = {}
    for kind in OK:
        hook.seen.clear()
        data = body(sent(hook, kind, HOSTILE))
        texts[kind] = json.dumps(data, ensure_ascii=False)
        for value in texts[kind].split('"'):
            _no_controls(value)

    generic = json.loads(texts["webhook"])
    assert "\n" not in generic["title"]  # a title is one line everywhere
    assert "*bold*" in generic["body"]  # the generic JSON carries the text as it is (cleaned)

    for kind in ("wecom", "dingtalk", "teams"):
        text = _markdown_of(kind, json.loads(texts[kind]))
        for live in ("*bold*", "<script>", "<!channel>", "<@U", "[x](", "<at ", "<font", "{{", "`"):
            assert live not in text, (kind, live)
        assert "＊bold＊" in text and "［x］(http://evil)" in text, kind
        assert "\n# heading" not in text and "\n> quote" not in text, kind
    wecom = json.loads(texts["wecom"])
    assert set(wecom) == {"msgtype", "markdown"}  # no mentioned_list: nobody pinged
    assert "mentioned" not in texts["wecom"]
    dingtalk = json.loads(texts["dingtalk"])
    assert dingtalk["at"] == {"isAtAll": False}  # never atMobiles / atUserIds
    assert "\n" not in dingtalk["markdown"]["title"]
    teams_card = json.loads(texts["teams"])["attachments"][0]["content"]
    assert "msteams" not in teams_card  # no mention entities

    slack = json.loads(texts["slack"])["text"]
    assert slack.count("<") == 0 and slack.count(">") == 0  # HOSTILE has no link
    assert "&lt;!channel&gt;" in slack and "&lt;@U024BE7LH&gt;" in slack
    assert "&lt;script&gt;" in slack
    assert "*bold*" not in slack and "＊bold＊" in slack
    assert slack.startswith("*Unit ＊bold＊ Bcc: everyone@example.org*\n")

    feishu = json.loads(texts["feishu"])["content"]["text"]
    assert "<at" not in feishu and "<" not in feishu and ">" not in feishu
    assert feishu.splitlines()[0] == "Unit *bold* Bcc: everyone@example.org"


def test_a_link_that_could_break_out_is_dropped() -> None:
    note = Notification(
        id="l", event="test", title="t", body="b", created_at="", link="https://x/a)](http://evil"
    )
    for kind in ("wecom", "dingtalk", "slack", "teams", "feishu"):
        request = render(target(kind, "http://127.0.0.1/x"), note)
        assert "evil" not in json.dumps(request.body), kind


# ----------------------------------------------------------------------- limits


LONG = "第" + "长文本行，含口罩与手套。\n" * 6000  # ~78,000 characters, ~230 KB in UTF-8


@pytest.mark.parametrize(
    ("kind", "measure", "limit"),
    [
        ("wecom", lambda b: len(b["markdown"]["content"].encode()), WECOM_MARKDOWN_BYTES),
        ("dingtalk", lambda b: len(b["markdown"]["text"].encode()), DINGTALK_MARKDOWN_BYTES),
        ("feishu", None, FEISHU_BODY_BYTES),
        ("slack", lambda b: len(b["text"]), SLACK_TEXT_CHARS),
        ("teams", None, TEAMS_BODY_BYTES),
    ],
)
def test_long_bodies_are_cut_to_the_tools_limit(kind: str, measure: Any, limit: int) -> None:
    note = Notification(id="long", event="daily_report", title="Daily", body=LONG, created_at="")
    request = render(target(kind, "http://127.0.0.1/x"), note)
    # Feishu's and Teams' limits are the whole request body's, as sent
    size = measure(request.body) if measure else len(request.content())
    assert limit * 0.9 < size <= limit  # cut near the limit, not far below it
    assert "…(truncated)" in json.dumps(request.body, ensure_ascii=False)


def test_a_short_body_is_not_marked() -> None:
    request = render(target("wecom", "http://127.0.0.1/x"), NOTE)
    assert "truncated" not in json.dumps(request.body)


# ----------------------------------------------------------------------- failures


def failure(hook: HookServer, kind: str, reply: Reply, **options: Any) -> DeliveryError:
    hook.reply = reply
    url = f"{hook.base}/robot/send?access_token={TOKEN}"
    with pytest.raises(DeliveryError) as caught:
        deliver(target(kind, url, **options), NOTE)
    message = str(caught.value)
    assert TOKEN not in message  # the URL only ever masked
    assert "access_token=…" in message or "127.0.0.1" in message
    return caught.value


@pytest.mark.parametrize(
    ("kind", "reply", "retry"),
    [
        ("webhook", Reply(500, b"oops"), True),
        ("webhook", Reply(503), True),
        ("slack", Reply(429, b"rate_limited", {"Retry-After": "30"}), True),
        ("teams", Reply(408), True),
        ("webhook", Reply(400, b"bad"), False),
        ("slack", Reply(404, b"no_service"), False),
        ("slack", Reply(403, b"invalid_token"), False),
        ("slack", Reply(200, b"<html>captive portal</html>"), False),
        ("wecom", Reply(200, b'{"errcode":93000,"errmsg":"invalid webhook url"}'), False),
        ("wecom", Reply(200, b'{"errcode":45009,"errmsg":"api freq out of limit"}'), True),
        ("dingtalk", Reply(200, b'{"errcode":310000,"errmsg":"keywords not in content"}'), False),
        ("dingtalk", Reply(200, b'{"errcode":130101,"errmsg":"send too fast"}'), True),
        ("feishu", Reply(200, b'{"code":19021,"msg":"sign match fail"}'), False),
        ("feishu", Reply(200, b'{"code":11232,"msg":"frequency limited"}'), True),
        ("feishu", Reply(400, b'{"code":9499,"msg":"Bad Request"}'), False),
        ("wecom", Reply(200, b"not json"), False),
    ],
)
def test_failure_classes(hook: HookServer, kind: str, reply: Reply, retry: bool) -> None:
    error = failure(hook, kind, reply)
    assert error.retry is retry
    assert len(hook.requests()) == 1  # sent once: retrying is the sender's job


def test_the_tools_error_words_are_in_the_message(hook: HookServer) -> None:
    error = failure(
        hook, "dingtalk", Reply(200, b'{"errcode":310000,"errmsg":"keywords not in content"}')
    )
    assert "310000" in str(error) and "keywords not in content" in str(error)


def test_an_error_echoing_the_url_is_scrubbed(hook: HookServer) -> None:
    echo = f'{{"errcode":300001,"errmsg":"token {TOKEN} is invalid"}}'.encode()
    error = failure(hook, "dingtalk", Reply(200, echo))
    assert "token … is invalid" in str(error)


def test_hang_up_is_retried(hook: HookServer) -> None:
    assert failure(hook, "webhook", Reply(hang_up=True)).retry is True


def test_a_hanging_server_gives_up_within_the_timeout(hook: HookServer) -> None:
    started = time.monotonic()
    error = failure(hook, "slack", Reply(hang=True), timeout_s=0.5)
    elapsed = time.monotonic() - started
    assert error.retry is True
    assert 0.4 < elapsed < 1.5
    assert "0.5 s" in str(error)


def test_a_silent_port_times_out(silent_port: int) -> None:
    started = time.monotonic()
    with pytest.raises(DeliveryError) as caught:
        deliver(
            target("webhook", f"http://127.0.0.1:{silent_port}/h?t={TOKEN}", timeout_s=0.5), NOTE
        )
    assert caught.value.retry is True
    assert time.monotonic() - started < 1.5
    assert TOKEN not in str(caught.value)


def test_connection_refused_is_retried(closed_port: int) -> None:
    url = f"http://127.0.0.1:{closed_port}/robot/send?access_token={TOKEN}"
    with pytest.raises(DeliveryError) as caught:
        deliver(target("dingtalk", url, timeout_s=0.5), NOTE)
    assert caught.value.retry is True
    assert TOKEN not in str(caught.value)
    assert "access_token=…" in str(caught.value)


def test_an_untrusted_certificate_is_not_retried(tls_hook: HookServer) -> None:
    url = f"{tls_hook.base}/robot/send?access_token={TOKEN}"
    with pytest.raises(DeliveryError) as caught:
        deliver(target("dingtalk", url, timeout_s=1.0), NOTE)
    assert caught.value.retry is False
    assert "certificate is not trusted" in str(caught.value)
    assert TOKEN not in str(caught.value)
    assert tls_hook.requests() == []


def test_a_missing_secret_is_not_retried_and_sends_nothing(
    hook: HookServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_SUCH_SECRET_VARIABLE", raising=False)
    for kind in ("dingtalk", "feishu"):
        with pytest.raises(DeliveryError) as caught:
            deliver(target(kind, hook.base, secret_env="NO_SUCH_SECRET_VARIABLE"), NOTE)
        assert caught.value.retry is False
        assert "NO_SUCH_SECRET_VARIABLE" in str(caught.value)
    assert hook.requests() == []


def test_a_redirect_to_another_host_is_not_followed(
    hook: HookServer, other_hook: HookServer
) -> None:
    other_hook.reply = Reply(204)
    error = failure(
        hook, "webhook", Reply(307, headers={"Location": f"{other_hook.base}/steal?t={TOKEN}"})
    )
    assert error.retry is False
    assert other_hook.requests() == []


def test_a_same_host_307_is_followed_with_the_body(hook: HookServer) -> None:
    def route(seen: Seen) -> Reply:
        if seen.path.startswith("/old"):
            return Reply(307, headers={"Location": "/new"})
        return Reply(200, b"ok")

    hook.route = route
    deliver(target("slack", f"{hook.base}/old"), NOTE)
    first, second = hook.requests()
    assert second.path == "/new"
    assert second.body == first.body
    assert second.headers["Idempotency-Key"] == NOTE.id


def test_a_301_is_not_followed(hook: HookServer) -> None:
    error = failure(hook, "webhook", Reply(301, headers={"Location": "/elsewhere"}))
    assert error.retry is False
    assert len(hook.requests()) == 1


def test_an_odd_id_still_makes_a_header() -> None:
    note = Notification(id="ид 1\n2", event="test", title="t", body="", created_at="")
    request = render(target("webhook", "http://127.0.0.1/x"), note)
    assert request.headers["Idempotency-Key"] == "%D0%B8%D0%B4%201%0A2"
