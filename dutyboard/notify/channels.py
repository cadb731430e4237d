"""One notification to one target: the body in that tool's format, sent once.

:func:`render` builds the HTTP request a chat tool expects (the body shapes below follow
each tool's own documentation, see ``docs/notify.md``); :func:`render_email` builds the
mail; :func:`deliver` sends either once, with the target's timeout, and raises
:class:`~dutyboard.notify.DeliveryError` saying whether a retry is worth it. Retrying,
backing off and recording are the sender's job, not this module's.

Text from outside is hostile here too. Titles and bodies carry unit names and briefs, so
each channel gets them cleaned (``dutyboard.domain.text``: controls, escape sequences,
bidi overrides gone) and then *neutralised for its own markup*:

* Markdown (WeCom, DingTalk, a Teams TextBlock): the characters that open markup
  (``* _ ` [ ] < > # ~ | \\ { }``) are shown as their full-width forms (``＊ ［`` …), which
  no renderer reads as markup, so ``[x](http://evil)`` cannot hide a link, ``<@userid>``
  or ``<font>`` does nothing, ``{{DATE(…)}}`` is no card function. (None of these tools
  documents a backslash escape; a look-alike works in all of them.)
* Slack: ``& < >`` as the entities Slack asks for (so ``<!channel>`` and ``<@U123>`` are
  text), and mrkdwn's ``* _ ~`` and backtick as look-alikes (Slack has no escape for them).
* Feishu text: ``<`` and ``>`` as look-alikes, so ``<at user_id="all">`` pings nobody.
* Mail: the subject is one line (a newline cannot start a header); the body is plain text.

Nobody is ever mentioned from text: WeCom's ``mentioned_list``, DingTalk's ``at``
(``isAtAll`` is sent as false), Feishu's ``<at>``, Slack's ``<!here>`` are never built
from a title or a body. Long bodies are cut to each tool's size limit, ending in
"…(truncated)".

A webhook URL often is the secret (DingTalk's ``access_token``, WeCom's ``key``, Slack's
path): no message from here shows it other than through :func:`~dutyboard.notify.targets.mask`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, quote_plus, urljoin, urlsplit

from dutyboard import __version__
from dutyboard.domain.text import UNLIMITED, clean_line, clean_text
from dutyboard.domain.text import quote as quoted
from dutyboard.i18n import _
from dutyboard.notify import Attachment, DeliveryError, Notification, Target
from dutyboard.notify.targets import CHAT_KINDS, HIDDEN, mask

if TYPE_CHECKING:
    import smtplib
    from email.message import EmailMessage

    import httpx

MAX_TITLE = 200  # characters of a title (a subject line, a card's heading)
MAX_ANSWER = 64 * 1024  # bytes of a tool's answer read: enough for any errcode
MAX_REDIRECTS = 3

# Size limits, each tool's own (docs/notify.md says where each figure comes from).
WECOM_MARKDOWN_BYTES = 4096  # markdown.content, UTF-8
DINGTALK_MARKDOWN_BYTES = 15_000  # markdown.text, UTF-8 (see docs/notify.md)
FEISHU_BODY_BYTES = 20_000  # the whole request body ("不能超过 20k")
SLACK_TEXT_CHARS = 40_000  # Slack truncates text longer than this
TEAMS_BODY_BYTES = 20_000  # Teams refuses messages over ~28 KB; measured lower in practice

# Answers that mean "too many messages, try later" (HTTP 200 with an error code).
_RATE_LIMITED: dict[str, frozenset[int]] = {
    "wecom": frozenset({-1, 45009}),  # system busy; api freq out of limit
    "dingtalk": frozenset({-1, 130101, 410100}),  # system busy; send too fast
    "feishu": frozenset({11232}),  # frequency limited
}
_TOOL = {
    "webhook": "webhook",
    "wecom": "WeCom",
    "dingtalk": "DingTalk",
    "feishu": "Feishu",
    "slack": "Slack",
    "teams": "Teams",
    "email": "SMTP",
}

T = TypeVar("T")


@dataclass(frozen=True)
class Request:
    """One HTTP request to a chat tool. ``url`` may carry the token and the signature:
    it is sent, never shown; ``shown_url`` is the masked form for messages."""

    method: str
    url: str
    headers: Mapping[str, str]
    body: dict[str, Any]
    shown_url: str = field(default="")

    def content(self) -> bytes:
        return _json_bytes(self.body)


# ----------------------------------------------------------------------- text


def _lookalikes(chars: str) -> dict[int, str]:
    # The full-width form of an ASCII character is U+FEE0 above it (＊ for *).
    return {ord(ch): chr(ord(ch) + 0xFEE0) for ch in chars}


_MARKDOWN = _lookalikes("*_`[]<>#~|\\{}")
_MRKDWN = _lookalikes("*_~`")
_FEISHU = _lookalikes("<>")
_SLACK_ENTITIES = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}
_SAFE_LINK = re.compile(r"^https?://[^\s<>\[\]()\"'`|{}\\]+$", re.IGNORECASE)
_HEADER_SAFE = re.compile(r"^[\x21-\x7e]{1,200}$")
_ID_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,120}$")


def markdown_text(text: str) -> str:
    """``text`` (cleaned) with every Markdown opener shown as its full-width form."""
    return text.translate(_MARKDOWN)


def slack_text(text: str) -> str:
    """``text`` (cleaned) escaped for Slack's mrkdwn: entities for ``& < >``, look-alikes
    for ``* _ ~ ```."""
    return text.translate(_SLACK_ENTITIES).translate(_MRKDWN)


def feishu_text(text: str) -> str:
    return text.translate(_FEISHU)


@dataclass(frozen=True)
class _Text:
    title: str  # one line, cleaned
    body: str  # cleaned, newlines kept
    link: str | None  # http(s), nothing that could end a Markdown or Slack link


def _text(notification: Notification) -> _Text:
    title = clean_line(notification.title, MAX_TITLE) or notification.event
    body = clean_text(notification.body, UNLIMITED)
    link = clean_line(notification.link) if notification.link else ""
    return _Text(title, body, link if _SAFE_LINK.match(link) else None)


def _truncated() -> str:
    return _("…(truncated)")


def _fit(body: str, build: Callable[[str], T], size: Callable[[T], int], limit: int) -> T:
    """``build(body)``, or ``build`` of the longest start of ``body`` that, with the
    truncation marker, keeps ``size`` within ``limit`` (measured after escaping)."""
    whole = build(body)
    if size(whole) <= limit:
        return whole
    marker = ("\n" if body else "") + _truncated()
    low, high = 0, len(body)
    while low < high:
        middle = (low + high + 1) // 2
        if size(build(body[:middle].rstrip() + marker)) <= limit:
            low = middle
        else:
            high = middle - 1
    return build(body[:low].rstrip() + marker)


def _json_bytes(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _utf8(text: str) -> int:
    return len(text.encode("utf-8"))


# ----------------------------------------------------------------------- bodies


def _webhook(text: _Text, notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.id,
        "event": notification.event,
        "title": text.title,
        "body": text.body,
        "created_at": notification.created_at,
        "link": text.link,
    }


def _wecom(text: _Text, notification: Notification) -> dict[str, Any]:
    def build(body: str) -> str:
        lines = [f"**{markdown_text(text.title)}**"]
        if body:
            lines.append(markdown_text(body))
        if text.link:
            lines.append(f"[{markdown_text(_('Open'))}]({text.link})")
        return "\n".join(lines)

    content = _fit(text.body, build, _utf8, WECOM_MARKDOWN_BYTES)
    return {"msgtype": "markdown", "markdown": {"content": content}}


def _dingtalk(text: _Text, notification: Notification) -> dict[str, Any]:
    def build(body: str) -> str:
        # DingTalk's Markdown wants a blank line to break a line.
        parts = [f"#### {markdown_text(text.title)}"]
        if body:
            parts.extend(markdown_text(line) for line in body.split("\n") if line.strip())
        if text.link:
            parts.append(f"[{markdown_text(_('Open'))}]({text.link})")
        return "\n\n".join(parts)

    markdown = _fit(text.body, build, _utf8, DINGTALK_MARKDOWN_BYTES)
    return {
        "msgtype": "markdown",
        # the title is what the chat list and the phone's notification show: plain text
        "markdown": {"title": text.title, "text": markdown},
        "at": {"isAtAll": False},
        "msgUuid": notification.id,  # DingTalk's own idempotency key
    }


def _feishu(text: _Text, notification: Notification) -> dict[str, Any]:
    def build(body: str) -> dict[str, Any]:
        lines = [feishu_text(text.title)]
        if body:
            lines.append(feishu_text(body))
        if text.link:
            lines.append(text.link)
        return {"msg_type": "text", "content": {"text": "\n".join(lines)}}

    # The limit is the whole body's; the signature adds ~70 bytes.
    return _fit(text.body, build, lambda b: len(_json_bytes(b)), FEISHU_BODY_BYTES - 200)


def _slack(text: _Text, notification: Notification) -> dict[str, Any]:
    def build(body: str) -> str:
        lines = [f"*{slack_text(text.title)}*"]
        if body:
            lines.append(slack_text(body))
        if text.link:
            link = text.link.replace("&", "&amp;")
            lines.append(f"<{link}|{slack_text(_('Open'))}>")
        return "\n".join(lines)

    return {"text": _fit(text.body, build, len, SLACK_TEXT_CHARS)}


def _teams(text: _Text, notification: Notification) -> dict[str, Any]:
    def build(body: str) -> dict[str, Any]:
        blocks: list[dict[str, Any]] = [
            {
                "type": "TextBlock",
                "text": markdown_text(text.title),
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
            }
        ]
        if body:
            # A TextBlock breaks a line only at a blank line.
            paragraphs = [markdown_text(line) for line in body.split("\n") if line.strip()]
            blocks.append({"type": "TextBlock", "text": "\n\n".join(paragraphs), "wrap": True})
        card: dict[str, Any] = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": blocks,
        }
        if text.link:
            card["actions"] = [{"type": "Action.OpenUrl", "title": _("Open"), "url": text.link}]
        return {
            "type": "message",
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "contentUrl": None,
                    "content": card,
                }
            ],
        }

    return _fit(text.body, build, lambda b: len(_json_bytes(b)), TEAMS_BODY_BYTES)


_BODIES: dict[str, Callable[[_Text, Notification], dict[str, Any]]] = {
    "webhook": _webhook,
    "wecom": _wecom,
    "dingtalk": _dingtalk,
    "feishu": _feishu,
    "slack": _slack,
    "teams": _teams,
}


# ----------------------------------------------------------------------- signing


def _secret(env: Mapping[str, str], variable: str | None, key: str) -> str:
    assert variable is not None
    value = env.get(variable)
    if not value:
        raise DeliveryError(
            _("environment variable {variable} (named by {key}) is not set").format(
                variable=variable, key=key
            ),
            retry=False,
        )
    return value


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature, URL-encoded: base64(HMAC-SHA256(secret, "ts\\nsecret"))."""
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return quote_plus(base64.b64encode(digest).decode("ascii"))


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's signature: base64(HMAC-SHA256(key="ts\\nsecret", message=b""))."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def idempotency_key(notification_id: str) -> str:
    """The notification's id as a header value (percent-encoded if it must be)."""
    if _HEADER_SAFE.match(notification_id):
        return notification_id
    return quote(notification_id, safe="")[:200] or "-"


def render(
    target: Target,
    notification: Notification,
    *,
    environ: Mapping[str, str] | None = None,
    now: float | None = None,
) -> Request:
    """The request that posts ``notification`` to the chat target ``target``.

    Raises ``DeliveryError(retry=False)`` when the signing secret's variable is unset."""
    if target.kind not in _BODIES or not target.url:
        raise ValueError(f"render() is for chat targets, not {target.kind!r}")
    env = os.environ if environ is None else environ
    moment = time.time() if now is None else now
    body = _BODIES[target.kind](_text(notification), notification)
    url = target.url
    if target.secret_env and target.kind == "dingtalk":
        secret = _secret(env, target.secret_env, "secret_env")
        stamp = int(moment * 1000)
        joiner = "&" if urlsplit(url).query else ("" if url.endswith("?") else "?")
        url = f"{url}{joiner}timestamp={stamp}&sign={dingtalk_sign(secret, stamp)}"
    elif target.secret_env and target.kind == "feishu":
        secret = _secret(env, target.secret_env, "secret_env")
        stamp = int(moment)
        body = {"timestamp": str(stamp), "sign": feishu_sign(secret, stamp), **body}
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": idempotency_key(notification.id),
        "User-Agent": f"dutyboard/{__version__}",
    }
    return Request("POST", url, headers, body, mask(target.url))


# ----------------------------------------------------------------------- HTTP


def _secret_parts(*urls: str) -> list[str]:
    """What :func:`mask` hides in these URLs, longest first: never put in a message."""
    parts: set[str] = set()
    for url in urls:
        parts.add(url)
        split = urlsplit(url)
        shown = mask(url)
        if HIDDEN not in shown:
            continue
        for seg in split.path.split("/"):
            if len(seg) >= 4 and f"/{seg}" not in shown:
                parts.add(seg)
        for piece in split.query.split("&"):
            value = piece.partition("=")[2] or piece
            if len(value) >= 4:
                parts.add(value)
        if split.netloc and "@" in split.netloc:
            parts.add(split.netloc.rpartition("@")[0])
    return sorted(parts, key=len, reverse=True)


def _scrub(message: str, secrets: list[str]) -> str:
    for part in secrets:
        if part in message:
            message = message.replace(part, HIDDEN)
    return message


def _same_site(url: str, target: str) -> bool:
    """Same host and port; only http → https may change the scheme."""
    old, new = urlsplit(url), urlsplit(target)
    if new.scheme.lower() not in ("http", "https") or not new.netloc:
        return False
    if old.netloc.lower() != new.netloc.lower():
        return False
    return new.scheme.lower() == old.scheme.lower() or new.scheme.lower() == "https"


def _read(response: httpx.Response, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_ANSWER:
            break
        if time.monotonic() > deadline:
            raise TimeoutError
    return b"".join(chunks)[:MAX_ANSWER]


def _snippet(answer: bytes, secrets: list[str]) -> str:
    text = answer.decode("utf-8", errors="replace")
    return quoted(_scrub(text, secrets), 120) if text.strip() else ""


def _certificate_error(error: BaseException) -> str | None:
    """Why the server's certificate was refused, if that is what ``error`` comes from: a
    wrong or intercepted certificate is not fixed by trying again."""
    import ssl

    seen: BaseException | None = error
    for _depth in range(5):
        if seen is None:
            return None
        if isinstance(seen, ssl.SSLCertVerificationError):
            return str(seen.verify_message or seen)
        seen = seen.__cause__ or seen.__context__
    return None


def _post(request: Request, target: Target) -> tuple[int, bytes]:
    """POST once (following a same-host 307/308); the status and the answer's start."""
    import httpx

    seconds = target.timeout_s
    shown = request.shown_url
    secrets = _secret_parts(request.url, target.url or "")
    deadline = time.monotonic() + seconds
    url = request.url
    payload = request.content()
    try:
        with httpx.Client(timeout=httpx.Timeout(seconds), follow_redirects=False) as client:
            for _hop in range(MAX_REDIRECTS + 1):
                with client.stream(
                    request.method, url, content=payload, headers=dict(request.headers)
                ) as response:
                    status = response.status_code
                    location = response.headers.get("location")
                    if status in (301, 302, 303, 307, 308) and location:
                        moved = urljoin(url, location)
                        if status in (307, 308) and _same_site(url, moved):
                            url = moved
                            continue
                        raise DeliveryError(
                            _(
                                "{url} answered HTTP {status}, a redirect to {where}: not "
                                "followed (put the final address in the config)"
                            ).format(url=shown, status=status, where=mask(moved)),
                            retry=False,
                        )
                    return status, _read(response, deadline)
            raise DeliveryError(
                _("{url}: more than {count} redirects").format(url=shown, count=MAX_REDIRECTS),
                retry=False,
            )
    except (httpx.TimeoutException, TimeoutError):
        raise DeliveryError(
            _("no answer from {url} within {seconds} s").format(url=shown, seconds=f"{seconds:g}"),
            retry=True,
        ) from None
    except httpx.TransportError as error:
        untrusted = _certificate_error(error)
        if untrusted is not None:
            raise DeliveryError(
                _("{url}: the server's certificate is not trusted: {error}").format(
                    url=shown, error=quoted(untrusted, 120)
                ),
                retry=False,
            ) from None
        reason = _scrub(str(error), secrets) or type(error).__name__
        raise DeliveryError(
            _("could not deliver to {url}: {reason}").format(url=shown, reason=quoted(reason, 160)),
            retry=True,
        ) from None
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as error:
        reason = _scrub(str(error), secrets) or type(error).__name__
        raise DeliveryError(
            _("could not deliver to {url}: {reason}").format(url=shown, reason=quoted(reason, 160)),
            retry=False,
        ) from None


def _check(target: Target, request: Request, status: int, answer: bytes) -> None:
    """Raise ``DeliveryError`` unless the tool took the message."""
    tool = _TOOL[target.kind]
    shown = request.shown_url
    secrets = _secret_parts(request.url, target.url or "")
    if not 200 <= status < 300:
        retry = status in (408, 429) or status >= 500
        detail = _snippet(answer, secrets)
        raise DeliveryError(
            _("{tool} at {url} answered HTTP {status}{detail}").format(
                tool=tool, url=shown, status=status, detail=f": {detail}" if detail else ""
            ),
            retry=retry,
        )
    if target.kind in ("webhook", "teams"):
        return  # any 2xx (Teams Workflows answers 202 Accepted)
    if target.kind == "slack":
        if answer.strip() == b"ok":
            return
        raise DeliveryError(
            _("Slack at {url} answered {answer} instead of ok").format(
                url=shown, answer=_snippet(answer, secrets) or "''"
            ),
            retry=False,
        )
    try:
        data = json.loads(answer.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    key = "code" if target.kind == "feishu" else "errcode"
    code = data.get(key, data.get("StatusCode")) if isinstance(data, dict) else None
    if isinstance(code, bool) or not isinstance(code, int):
        raise DeliveryError(
            _("{tool} at {url} answered HTTP {status} without its {key}: {answer}").format(
                tool=tool,
                url=shown,
                status=status,
                key=key,
                answer=_snippet(answer, secrets) or "''",
            ),
            retry=False,
        )
    if code == 0:
        return
    assert isinstance(data, dict)
    message = data.get("errmsg" if key == "errcode" else "msg", "")
    raise DeliveryError(
        _("{tool} at {url} refused the message: {key} {code} {message}").format(
            tool=tool,
            url=shown,
            key=key,
            code=code,
            message=quoted(_scrub(str(message), secrets), 120),
        ),
        retry=code in _RATE_LIMITED.get(target.kind, frozenset()),
    )


# ----------------------------------------------------------------------- e-mail


def _message_id(notification_id: str, mail_from: str) -> str:
    """The same id gives the same Message-ID, so a repeat is recognisable."""
    local = (
        notification_id
        if _ID_SAFE.match(notification_id)
        else hashlib.sha256(notification_id.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    )
    domain = mail_from.rpartition("@")[2] or "dutyboard.invalid"
    return f"<dutyboard.{local}@{domain}>"


def _filename(name: str) -> str:
    text = clean_line(name, 120).replace("/", "_").replace("\\", "_").strip(". ")
    return text or "attachment"


def _mime(mime: str) -> tuple[str, str]:
    value = mime.strip().lower()
    if re.fullmatch(r"[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*", value):
        main, _slash, sub = value.partition("/")
        return main, sub
    return "application", "octet-stream"


def render_email(target: Target, notification: Notification) -> EmailMessage:
    """The mail for ``notification``: one-line subject, plain text, attachments."""
    from datetime import datetime
    from email.message import EmailMessage
    from email.utils import format_datetime, formatdate

    assert target.mail_from is not None
    text = _text(notification)
    message = EmailMessage()
    message["Subject"] = text.title
    message["From"] = target.mail_from
    message["To"] = ", ".join(target.mail_to)
    message["Message-ID"] = _message_id(notification.id, target.mail_from)
    try:
        created = datetime.fromisoformat(notification.created_at.replace("Z", "+00:00"))
        message["Date"] = format_datetime(created) if created.tzinfo else formatdate()
    except ValueError:
        message["Date"] = formatdate()
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    message["X-Dutyboard-Event"] = clean_line(notification.event, 60) or "-"
    lines = [text.title, ""]
    if text.body:
        lines.append(text.body)
    if text.link:
        lines.extend(["", text.link])
    message.set_content("\n".join(lines) + "\n")
    for attachment in notification.attachments:
        _attach(message, attachment)
    return message


def _attach(message: EmailMessage, attachment: Attachment) -> None:
    main, sub = _mime(attachment.mime)
    message.add_attachment(
        attachment.data, maintype=main, subtype=sub, filename=_filename(attachment.filename)
    )


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """``smtp.login``, which sends only ASCII; other credentials go as UTF-8 in AUTH PLAIN
    (RFC 4616), the mechanism every server that takes them offers."""
    import smtplib

    if user.isascii() and password.isascii():
        smtp.login(user, password)
        return
    if "plain" not in smtp.esmtp_features.get("auth", "").lower().split():
        raise smtplib.SMTPNotSupportedError("AUTH PLAIN not offered")
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, reply = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _send_mail(target: Target, notification: Notification, env: Mapping[str, str]) -> None:
    import smtplib
    import ssl

    assert target.smtp_host is not None
    where = f"{target.smtp_host}:{target.smtp_port}"
    user = password = None
    if target.username_env:
        user = _secret(env, target.username_env, "username_env")
        password = _secret(env, target.password_env, "password_env")
    message = render_email(target, notification)

    def failed(text: str, *, retry: bool) -> DeliveryError:
        # Never the password: smtplib's errors hold the server's words, not ours.
        return DeliveryError(
            _("mail via {server}: {reason}").format(server=where, reason=text), retry=retry
        )

    try:
        context = ssl.create_default_context(cafile=target.smtp_cafile) if target.starttls else None
    except (OSError, ssl.SSLError) as error:
        raise failed(
            _("cannot read smtp_cafile: {error}").format(error=quoted(error, 120)), retry=False
        ) from None
    try:
        with smtplib.SMTP(target.smtp_host, target.smtp_port, timeout=target.timeout_s) as smtp:
            smtp.ehlo()
            if context is not None:
                smtp.starttls(context=context)
                smtp.ehlo()
            if user is not None and password is not None:
                _login(smtp, user, password)
            smtp.send_message(message)
    except smtplib.SMTPNotSupportedError:
        raise failed(
            _(
                "the server offers no STARTTLS (or no AUTH); set starttls = false only for a "
                "server on this host"
            ),
            retry=False,
        ) from None
    except smtplib.SMTPAuthenticationError as error:
        raise failed(
            _(
                "login refused ({code}): check the account named by username_env / password_env"
            ).format(code=error.smtp_code),
            retry=False,
        ) from None
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        raise failed(
            _("every recipient refused ({codes})").format(
                codes=", ".join(str(code) for code in codes)
            ),
            retry=bool(codes) and all(400 <= code < 500 for code in codes),
        ) from None
    except smtplib.SMTPResponseException as error:
        reply = error.smtp_error
        words = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
        raise failed(
            _("the server answered {code} {reply}").format(
                code=error.smtp_code, reply=quoted(words, 120)
            ),
            retry=not 500 <= error.smtp_code < 600,
        ) from None
    except ssl.SSLCertVerificationError as error:
        raise failed(
            _("the server's certificate is not trusted: {error}").format(
                error=quoted(error.verify_message or error, 120)
            ),
            retry=False,
        ) from None
    except (smtplib.SMTPException, OSError) as error:  # timeouts, refusals, TLS, hang-ups
        raise failed(quoted(str(error) or type(error).__name__, 160), retry=True) from None


# ----------------------------------------------------------------------- deliver


def deliver(
    target: Target, notification: Notification, *, environ: Mapping[str, str] | None = None
) -> None:
    """Send ``notification`` to ``target`` once; raise ``DeliveryError`` if it did not
    arrive (``retry`` says whether trying again later may help)."""
    env = os.environ if environ is None else environ
    if target.kind == "email":
        _send_mail(target, notification, env)
        return
    if target.kind not in CHAT_KINDS:
        raise DeliveryError(_("unknown kind {kind}").format(kind=quoted(target.kind)), retry=False)
    request = render(target, notification, environ=env)
    status, answer = _post(request, target)
    _check(target, request, status, answer)


__all__ = [
    "Request",
    "deliver",
    "dingtalk_sign",
    "feishu_sign",
    "feishu_text",
    "idempotency_key",
    "markdown_text",
    "render",
    "render_email",
    "slack_text",
]
