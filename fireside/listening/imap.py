"""The e-mail connector: a mailbox read over IMAP, replies sent over SMTP.

`config`: `host`, `port` (993), `ssl` (true), `username`, `mailbox` ("INBOX"), `address`
(the organization's own address), `smtp_host`, `smtp_port` (587), `smtp_starttls`
(true); `secret` is the password, for both. The mailbox is opened read-only, so reading
marks nothing as seen. The cursor is the mailbox's UIDVALIDITY and the last UID read;
when the server renumbers the mailbox (a new UIDVALIDITY) it is read again from the
start and dedupe by Message-ID drops what was stored.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import smtplib
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import make_msgid, parseaddr, parsedate_to_datetime
from typing import Any

from fireside.listening.ingest import RawMessage
from fireside.listening.models import Channel, Direction, Message
from fireside.listening.poll import TIMEOUT, Fetched, PollError

BATCH = 200
_UID = re.compile(rb"UID (\d+)")


def is_configured(channel: Channel) -> bool:
    return bool(channel.config.get("smtp_host") and channel.secret)


def _connect(channel: Channel) -> imaplib.IMAP4:
    config = channel.config
    host = str(config.get("host", ""))
    if not host or not config.get("username"):
        raise PollError("the e-mail channel needs config.host and config.username")
    port = int(config.get("port", 993))
    if config.get("ssl", True):
        return imaplib.IMAP4_SSL(host, port, timeout=TIMEOUT)
    return imaplib.IMAP4(host, port, timeout=TIMEOUT)


def fetch(channel: Channel) -> Fetched:
    try:
        client = _connect(channel)
        try:
            return _read(client, channel)
        finally:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                client.logout()
    except (imaplib.IMAP4.error, OSError) as error:
        raise PollError(f"IMAP: {error}") from None


def _read(client: imaplib.IMAP4, channel: Channel) -> Fetched:
    client.login(str(channel.config["username"]), channel.secret)
    status, _ = client.select(str(channel.config.get("mailbox", "INBOX")), readonly=True)
    if status != "OK":
        raise PollError("IMAP: the mailbox cannot be opened")
    validity = (client.response("UIDVALIDITY")[1] or [b""])[0]
    validity_text = validity.decode() if isinstance(validity, bytes) else ""
    last = int(channel.cursor.get("uid", 0))
    if channel.cursor.get("uidvalidity") != validity_text:
        last = 0
    _, found = client.uid("SEARCH", "UID", f"{last + 1}:*")
    # "n:*" always answers the newest message, even when its UID is below n.
    uids = sorted(u for u in (int(x) for x in (found[0] or b"").split()) if u > last)[:BATCH]
    messages: list[RawMessage] = []
    own = str(channel.config.get("address", "")).lower()
    if uids:
        _, data = client.uid("FETCH", ",".join(map(str, uids)), "(RFC822)")
        for part in data:
            if isinstance(part, tuple):
                messages.append(_raw(part[1], own))
    cursor: dict[str, Any] = {"uidvalidity": validity_text, "uid": max(uids, default=last)}
    return Fetched(messages, cursor)


def _raw(source: bytes, own: str) -> RawMessage:
    mail = BytesParser(policy=policy.default).parsebytes(source)
    name, address = parseaddr(str(mail.get("From", "")))
    body = mail.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body is not None else ""
    subject = str(mail.get("Subject", "")).strip()
    try:
        created = parsedate_to_datetime(str(mail.get("Date")))
    except (TypeError, ValueError):
        created = datetime.now(UTC)
    return RawMessage(
        external_id=str(mail.get("Message-ID", "")).strip(), author=address.lower(),
        author_name=name, text=f"{subject}\n\n{_unquoted(text)}".strip() or "(empty)",
        created_at=created, in_reply_to=str(mail.get("In-Reply-To", "")).strip(),
        outbound=bool(own) and address.lower() == own)


def _unquoted(text: str) -> str:
    """The new part of a reply: the lines before the quoted message."""
    lines = []
    for line in text.splitlines():
        if line.startswith(">") or re.match(r"^On .+ wrote:$", line.strip()):
            break
        lines.append(line)
    return "\n".join(lines).strip()


def post_reply(message: Message) -> tuple[str, str]:
    """Send an outbound message by SMTP as a reply to the e-mail it answers; returns the
    new Message-ID (and no URL)."""
    config = message.channel.config
    parent = Message.objects.filter(channel=message.channel, external_id=message.in_reply_to,
                                    direction=Direction.IN).first()
    if parent is None:
        raise PollError("an e-mail reply needs the customer's message to answer")
    subject = parent.text.split("\n", 1)[0]
    mail = EmailMessage()
    mail["From"] = str(config.get("address", config.get("username", "")))
    mail["To"] = parent.author_handle
    mail["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
    mail["In-Reply-To"] = mail["References"] = parent.external_id
    domain = mail["From"].rsplit("@", 1)[-1] or None
    mail["Message-ID"] = make_msgid(domain=domain)
    mail.set_content(message.text)
    try:
        with smtplib.SMTP(str(config["smtp_host"]), int(config.get("smtp_port", 587)),
                          timeout=TIMEOUT) as smtp:
            if config.get("smtp_starttls", True):
                smtp.starttls()
            smtp.login(str(config.get("username", "")), message.channel.secret)
            smtp.send_message(mail)
    except (smtplib.SMTPException, OSError) as error:
        raise PollError(f"SMTP: {error}") from None
    return str(mail["Message-ID"]), ""
