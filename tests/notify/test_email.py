"""E-mail against real SMTP servers on 127.0.0.1 (aiosmtpd): plain, and STARTTLS with
AUTH behind a self-signed certificate, credentials from the environment."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from dutyboard.notify import Attachment, DeliveryError, Notification, Target
from dutyboard.notify.channels import deliver
from tests.notify.conftest import PASSWORD, USER, SmtpServer, wait_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKBOOK = b"PK\x03\x04" + bytes(range(256)) * 40 + os.urandom(2048)  # binary, all bytes
REPORT = Notification(
    id="daily-2020-02-04",
    event="daily_report",
    title="每日报告 Daily report 2020-02-04\r\nBcc: everyone@example.org",
    body="口罩 masks: 2,390 handed out\n手套 gloves: 500\n\x1b[2Jcleared \u202eevil",
    created_at="2020-02-04T19:00:00Z",
    link="https://desk.example/status",
    attachments=(Attachment("../日报 2020-02-04.xlsx", XLSX, WORKBOOK),),
)


def mail_target(server: SmtpServer, **options: Any) -> Target:
    values: dict[str, Any] = {
        "name": "mail",
        "kind": "email",
        "events": frozenset({"daily_report"}),
        "smtp_host": server.host,
        "smtp_port": server.port,
        "starttls": False,
        "mail_from": "duty@desk.example",
        "mail_to": ("leader@example.org", "deputy@example.org"),
        "timeout_s": 2.0,
    }
    values.update(options)
    return Target(**values)


def test_plain_smtp_delivers_subject_body_message_id_and_attachment(
    smtp_plain: SmtpServer,
) -> None:
    deliver(mail_target(smtp_plain), REPORT)
    assert wait_for(lambda: len(smtp_plain.inbox.mails) == 1)
    (mail,) = smtp_plain.inbox.mails
    assert mail.mail_from == "duty@desk.example"
    # The header injection in the title added no recipient and no header.
    assert mail.rcpt_tos == ["leader@example.org", "deputy@example.org"]
    message = mail.message
    assert message["Bcc"] is None
    assert message["Subject"] == "每日报告 Daily report 2020-02-04 Bcc: everyone@example.org"
    assert message["Message-ID"] == "<dutyboard.daily-2020-02-04@desk.example>"
    assert message["To"] == "leader@example.org, deputy@example.org"
    assert message["Auto-Submitted"] == "auto-generated"
    body = message.get_body(("plain",))
    assert body is not None
    text = body.get_content().replace("\r\n", "\n")
    assert "口罩 masks: 2,390 handed out\n手套 gloves: 500" in text
    assert "\x1b" not in text and "\u202e" not in text and "[2J" not in text
    assert "https://desk.example/status" in text
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == XLSX
    assert attachment.get_filename() == "_日报 2020-02-04.xlsx"  # no path in a name
    assert attachment.get_content() == WORKBOOK  # every byte intact


def test_a_repeat_has_the_same_message_id(smtp_plain: SmtpServer) -> None:
    target = mail_target(smtp_plain)
    deliver(target, REPORT)
    deliver(target, REPORT)
    assert wait_for(lambda: len(smtp_plain.inbox.mails) == 2)
    first, second = (mail.message["Message-ID"] for mail in smtp_plain.inbox.mails)
    assert first == second


def test_starttls_and_auth_with_credentials_from_the_environment(
    smtp_tls: SmtpServer, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_SMTP_USER", USER)
    monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
    target = mail_target(
        smtp_tls,
        starttls=True,
        smtp_cafile=str(certificate[0]),
        username_env="TEST_SMTP_USER",
        password_env="TEST_SMTP_PASSWORD",
    )
    deliver(target, REPORT)
    assert wait_for(lambda: len(smtp_tls.inbox.mails) == 1)
    assert smtp_tls.inbox.logins == [(USER, PASSWORD)]
    (mail,) = smtp_tls.inbox.mails
    assert mail.message["Subject"].startswith("每日报告")
    (attachment,) = list(mail.message.iter_attachments())
    assert attachment.get_content() == WORKBOOK


def test_a_wrong_password_is_not_retried_and_not_shown(
    smtp_tls: SmtpServer, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_SMTP_USER", USER)
    monkeypatch.setenv("TEST_SMTP_PASSWORD", "wrong-horse-battery")
    target = mail_target(
        smtp_tls,
        starttls=True,
        smtp_cafile=str(certificate[0]),
        username_env="TEST_SMTP_USER",
        password_env="TEST_SMTP_PASSWORD",
    )
    with pytest.raises(DeliveryError) as caught:
        deliver(target, REPORT)
    assert caught.value.retry is False
    assert "wrong-horse-battery" not in str(caught.value)
    assert "password_env" in str(caught.value)
    assert smtp_tls.inbox.mails == []


def test_an_untrusted_certificate_is_refused(
    smtp_tls: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with pytest.raises(DeliveryError) as caught:
        deliver(mail_target(smtp_tls, starttls=True), REPORT)
    assert caught.value.retry is False
    assert "certificate" in str(caught.value)


def test_a_server_without_starttls_is_refused(smtp_plain: SmtpServer) -> None:
    with pytest.raises(DeliveryError) as caught:
        deliver(mail_target(smtp_plain, starttls=True), REPORT)
    assert caught.value.retry is False
    assert "STARTTLS" in str(caught.value)
    assert smtp_plain.inbox.mails == []


def test_auth_required_without_credentials_is_refused(
    smtp_tls: SmtpServer, certificate: tuple[Path, Path]
) -> None:
    target = mail_target(smtp_tls, starttls=True, smtp_cafile=str(certificate[0]))
    with pytest.raises(DeliveryError) as caught:
        deliver(target, REPORT)
    assert caught.value.retry is False  # 530 authentication required: a 5xx
    assert smtp_tls.inbox.mails == []


def test_missing_credentials_in_the_environment(
    smtp_plain: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TEST_SMTP_NOBODY", raising=False)
    monkeypatch.setenv("TEST_SMTP_USER", USER)
    target = mail_target(smtp_plain, username_env="TEST_SMTP_USER", password_env="TEST_SMTP_NOBODY")
    with pytest.raises(DeliveryError) as caught:
        deliver(target, REPORT)
    assert caught.value.retry is False
    assert "TEST_SMTP_NOBODY" in str(caught.value)


def test_a_silent_smtp_server_times_out(silent_port: int) -> None:
    target = Target(
        name="mail",
        kind="email",
        events=frozenset({"daily_report"}),
        smtp_host="127.0.0.1",
        smtp_port=silent_port,
        starttls=False,
        mail_from="duty@desk.example",
        mail_to=("leader@example.org",),
        timeout_s=0.5,
    )
    started = time.monotonic()
    with pytest.raises(DeliveryError) as caught:
        deliver(target, REPORT)
    assert caught.value.retry is True
    assert time.monotonic() - started < 1.5


def test_connection_refused_is_retried(closed_port: int) -> None:
    target = Target(
        name="mail",
        kind="email",
        events=frozenset({"daily_report"}),
        smtp_host="127.0.0.1",
        smtp_port=closed_port,
        mail_from="duty@desk.example",
        mail_to=("leader@example.org",),
        timeout_s=0.5,
    )
    with pytest.raises(DeliveryError) as caught:
        deliver(target, REPORT)
    assert caught.value.retry is True
