"""Who may see the leader dashboard in a browser: the desk's leader secret.

textual-serve has no authentication of its own; this is it, with no web framework in it
(the server wires it in):

* :class:`SecretHash` — the secret as the config stores it, never in the clear:
  ``scrypt$n=16384,r=8,p=1$<salt>$<key>`` (:func:`hashlib.scrypt`, a random salt, both in
  unpadded base64). A secret given in ``$DUTYBOARD_LEADER_SECRET`` is hashed the same way
  when the server starts (:func:`leader_secret`), so every check costs one scrypt and
  compares in constant time (:func:`hmac.compare_digest`).
* :class:`Sessions` — what the login hands out: ``<expiry>.<nonce>.<mac>``, the MAC an
  HMAC-SHA256 under a key drawn at random for this server process (a restart logs
  everyone out; nothing to store or leak). Logging out revokes the nonce until it would
  have expired.
* :class:`FailureLimiter` — wrong secrets per client address: after
  :data:`FREE_FAILURES` the address is refused (HTTP 429) for a delay that doubles with
  each further failure, up to :data:`LONGEST_BLOCK`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from dutyboard.i18n import _

ENV_SECRET = "DUTYBOARD_LEADER_SECRET"
MIN_SECRET = 12  # characters: a guess per scrypt, rate-limited, against ≥ 12 characters
MAX_SECRET = 1024  # characters: what a login form may send at most
# scrypt's cost: 2**14 × 8 takes 16 MiB and some 50 ms here, per check.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES, KEY_BYTES = 16, 32
_MOST_MEMORY = 256 * 1024 * 1024  # a hash from the config may not ask scrypt for more
_HASH = re.compile(r"scrypt\$n=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)")

SESSION_HOURS = 12.0  # a night shift: a leader logs in once per shift
FREE_FAILURES = 5  # wrong secrets from one address before it must wait
FIRST_BLOCK = 30.0  # seconds after the FREE_FAILURES-th, doubling with each further one
LONGEST_BLOCK = 15 * 60.0
FORGET_AFTER = 60 * 60.0  # an address's failures are forgotten after an hour without one
MOST_ADDRESSES = 10_000  # addresses tracked at once (the oldest are dropped beyond it)


def normalise(secret: str) -> str:
    """The secret as it is hashed and checked: NFC, without surrounding blanks (a phone's
    keyboard adds a space; a composed and a decomposed "é" are the same secret)."""
    return unicodedata.normalize("NFC", secret).strip()


def secret_problem(secret: str) -> str | None:
    """Why ``secret`` cannot be the leader secret, or None."""
    length = len(normalise(secret))
    if length < MIN_SECRET:
        return _("the leader secret is too short ({length} characters; at least {least})").format(
            length=length, least=MIN_SECRET
        )
    if length > MAX_SECRET:
        return _("the leader secret is too long (at most {most} characters)").format(
            most=MAX_SECRET
        )
    return None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


@dataclass(frozen=True, repr=False)
class SecretHash:
    """A leader secret as the config stores it."""

    n: int
    r: int
    p: int
    salt: bytes
    key: bytes

    @classmethod
    def parse(cls, text: str) -> SecretHash:
        """Read ``scrypt$n=…,r=…,p=…$salt$key``; ValueError (one line) else."""
        match = _HASH.fullmatch(text.strip())
        if match is None:
            raise ValueError(
                _("must be 'scrypt$n=…,r=…,p=…$salt$key' (dutyboard serve --set-secret)")
            )
        n, r, p = (int(match.group(i)) for i in (1, 2, 3))
        try:
            salt, key = _unb64(match.group(4)), _unb64(match.group(5))
        except (binascii.Error, ValueError):
            raise ValueError(_("its salt or key is not base64")) from None
        if n < 2**10 or n & (n - 1) or not 1 <= r <= 32 or not 1 <= p <= 16:
            raise ValueError(_("scrypt parameters out of range (n a power of two ≥ 1024)"))
        if 128 * r * (n + p) > _MOST_MEMORY:
            raise ValueError(_("scrypt parameters ask for too much memory"))
        if len(salt) < 8 or len(key) < 16:
            raise ValueError(_("its salt or key is too short"))
        return cls(n, r, p, salt, key)

    def __str__(self) -> str:
        return f"scrypt$n={self.n},r={self.r},p={self.p}${_b64(self.salt)}${_b64(self.key)}"

    def __repr__(self) -> str:
        return f"SecretHash(n={self.n}, r={self.r}, p={self.p})"  # never the key

    def matches(self, secret: str) -> bool:
        """Whether ``secret`` is the one hashed (one scrypt, constant-time compare)."""
        if len(secret) > MAX_SECRET * 4:  # not worth a hash: a form would not send it
            return False
        derived = _scrypt(normalise(secret), self.salt, self.n, self.r, self.p, len(self.key))
        return hmac.compare_digest(derived, self.key)


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int, length: int) -> bytes:
    return hashlib.scrypt(
        secret.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        dklen=length,
        maxmem=128 * r * (n + p + 2) + 1024 * 1024,
    )


def hash_secret(secret: str, *, salt: bytes | None = None) -> SecretHash:
    """``secret`` hashed for the config, with a fresh random salt."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    key = _scrypt(normalise(secret), salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES)
    return SecretHash(SCRYPT_N, SCRYPT_R, SCRYPT_P, salt, key)


class SecretError(ValueError):
    """The leader secret given cannot be used (one line saying why)."""


def leader_secret(
    configured: SecretHash | None, environ: Mapping[str, str] = os.environ
) -> SecretHash | None:
    """The secret this server checks: ``$DUTYBOARD_LEADER_SECRET`` (hashed now; it wins
    over the config), else ``[web] leader_secret_hash``, else None (no secret at all)."""
    plain = environ.get(ENV_SECRET, "")
    if not plain.strip():
        return configured
    problem = secret_problem(plain)
    if problem is not None:
        raise SecretError(f"{ENV_SECRET}: {problem}")
    return hash_secret(plain)


@dataclass
class Sessions:
    """Signed session tokens for the cookie, under a key of this process."""

    lifetime: float = SESSION_HOURS * 3600
    clock: Callable[[], float] = time.time
    _key: bytes = field(default_factory=lambda: secrets.token_bytes(32), repr=False)
    _revoked: dict[str, float] = field(default_factory=dict, repr=False)

    def issue(self) -> str:
        expiry = int(self.clock() + self.lifetime)
        payload = f"{expiry}.{secrets.token_urlsafe(16)}"
        return f"{payload}.{self._mac(payload)}"

    def _mac(self, payload: str) -> str:
        return hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).hexdigest()

    def _check(self, token: str | None) -> tuple[str, float] | None:
        """(nonce, expiry) of a valid token, else None."""
        if not token or len(token) > 200 or not token.isascii():
            return None
        parts = token.split(".")
        if len(parts) != 3 or not parts[0].isdigit():
            return None
        expiry, nonce, mac = parts
        if not hmac.compare_digest(self._mac(f"{expiry}.{nonce}"), mac):
            return None
        if int(expiry) <= self.clock() or nonce in self._revoked:
            return None
        return nonce, float(expiry)

    def valid(self, token: str | None) -> bool:
        return self._check(token) is not None

    def revoke(self, token: str | None) -> None:
        found = self._check(token)
        now = self.clock()
        for nonce, expiry in list(self._revoked.items()):
            if expiry <= now:
                del self._revoked[nonce]
        if found is not None:
            self._revoked[found[0]] = found[1]


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0
    blocked_until: float = 0.0


@dataclass
class FailureLimiter:
    """Wrong secrets per client address, and how long each must wait."""

    free: int = FREE_FAILURES
    first_block: float = FIRST_BLOCK
    longest_block: float = LONGEST_BLOCK
    forget_after: float = FORGET_AFTER
    most_addresses: int = MOST_ADDRESSES
    clock: Callable[[], float] = time.monotonic
    _seen: dict[str, _Failures] = field(default_factory=dict, repr=False)

    def wait(self, address: str) -> float:
        """Seconds ``address`` must wait before its next try (0: it may try now)."""
        entry = self._seen.get(address)
        if entry is None:
            return 0.0
        return max(0.0, entry.blocked_until - self.clock())

    def failed(self, address: str) -> None:
        now = self.clock()
        entry = self._seen.get(address)
        if entry is None or (now - entry.last > self.forget_after and entry.blocked_until <= now):
            entry = self._seen[address] = _Failures()
            self._prune(now)
        entry.count += 1
        entry.last = now
        if entry.count >= self.free:
            block = self.first_block * 2 ** min(entry.count - self.free, 30)
            entry.blocked_until = now + min(block, self.longest_block)

    def succeeded(self, address: str) -> None:
        self._seen.pop(address, None)

    def _prune(self, now: float) -> None:
        if len(self._seen) <= self.most_addresses:
            return
        for address, entry in list(self._seen.items()):
            if now - entry.last > self.forget_after and entry.blocked_until <= now:
                del self._seen[address]
        while len(self._seen) > self.most_addresses:
            oldest = min(self._seen, key=lambda a: self._seen[a].last)
            del self._seen[oldest]
