"""Optional encryption at rest for the columns that hold members' own words.

With a data key, repositories seal those values before they are written and open them after they
are read, so cogs never see ciphertext. Sealed values carry a version prefix and the key's id:

    hearth:v1:<key id>:<base64url(nonce | AES-256-GCM ciphertext and tag)>

Anything without the prefix is plain text from before a key was set, so plain and sealed values
live side by side until `python -m bot rotate-key` seals the rest. Each value is bound to its
column (the column name is the associated data), so a value copied into another column fails to
open. Lookups by a sealed name (a counter's label) use a keyed HMAC of it instead of the name.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger(__name__)

# The sealed columns, named as the codec binds them.
CHECKIN_NOTE = "checkins.note"
PERIOD_NOTE = "sobriety_periods.note"
COUNTER_LABEL = "sobriety_counters.label"
COUNTER_LABEL_KEY = "sobriety_counters.label_key"
FLAG_DETAIL = "flag_events.detail"
PEER_REASON = "peer_requests.reason"

PREFIX = "hearth:v1:"
KEY_BYTES = 32
NONCE_BYTES = 12
KEY_HELP = "must be 32 random bytes in URL-safe base64 (make one with `python -m bot new-key`)"


class KeyFormatError(ValueError):
    """The data key is not 32 bytes of URL-safe base64."""


def new_key_text() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def _derive(secret: bytes, purpose: bytes) -> bytes:
    # Separate keys for encrypting, indexing and naming, so no one key serves two algorithms.
    return hmac.new(secret, b"hearth data key/" + purpose, hashlib.sha256).digest()


@dataclass(frozen=True)
class DataKey:
    secret: bytes = field(repr=False)

    @classmethod
    def parse(cls, text: str) -> DataKey:
        try:
            raw = base64.urlsafe_b64decode(text.strip().encode("ascii"))
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raise KeyFormatError(KEY_HELP) from None
        if len(raw) != KEY_BYTES:
            raise KeyFormatError(KEY_HELP)
        return cls(raw)

    @property
    def key_id(self) -> str:
        """A short public name for the key: says which key sealed a value, reveals nothing."""
        return _derive(self.secret, b"id").hex()[:8]

    def cipher(self) -> AESGCM:
        return AESGCM(_derive(self.secret, b"encrypt"))

    def index_key(self) -> bytes:
        return _derive(self.secret, b"index")


class FieldCodec:
    """Seals values with `writer` (or leaves them plain without one); opens values sealed by
    any key in `readers` (the writer included)."""

    def __init__(self, writer: DataKey | None = None, readers: Iterable[DataKey] = ()) -> None:
        self._writer = writer
        keys = [writer, *readers] if writer else list(readers)
        self._ciphers = {key.key_id: key.cipher() for key in keys}
        self._write_cipher = self._ciphers[writer.key_id] if writer else None

    @property
    def key_id(self) -> str | None:
        """The id of the key new values are sealed with; None when they are written plain."""
        return self._writer.key_id if self._writer else None

    def seal(self, column: str, text: str | None) -> str | None:
        if text is None or self._writer is None or self._write_cipher is None:
            return text
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._write_cipher.encrypt(nonce, text.encode("utf-8"), _aad(column))
        body = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
        return f"{PREFIX}{self._writer.key_id}:{body}"

    def open(self, column: str, stored: str | None) -> str | None:
        if stored is None or not stored.startswith(PREFIX):
            return stored
        key_id, _, body = stored.removeprefix(PREFIX).partition(":")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise MissingDataKey(key_id)
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _aad(column)).decode()
        except (InvalidTag, binascii.Error, ValueError):
            # Only a plain value written before any key existed can look like this (a member
            # typing the prefix), or a damaged one: show it as stored rather than fail the read.
            log.warning("a stored value did not open; shown as stored", extra={"column": column})
            return stored

    def index(self, column: str, text: str) -> str:
        """What a lookup column stores for `text`: a keyed HMAC with a key, else `text`."""
        if self._writer is None:
            return text
        return self._index_with(self._writer.index_key(), self._writer.key_id, column, text)

    def index_candidates(self, column: str, text: str) -> tuple[str, ...]:
        """Every form a stored lookup value for `text` may take (plain rows from before the key,
        and rows indexed with any key this codec reads), for `IN (...)` queries."""
        forms = [text]
        if self._writer is not None:
            forms.insert(0, self.index(column, text))
        return tuple(dict.fromkeys(forms))

    @staticmethod
    def _index_with(index_key: bytes, key_id: str, column: str, text: str) -> str:
        digest = hmac.new(index_key, _aad(column) + text.encode("utf-8"), hashlib.sha256)
        return f"{PREFIX}{key_id}:{digest.hexdigest()}"


class MissingDataKey(LookupError):
    def __init__(self, key_id: str) -> None:
        super().__init__(f"a value was sealed with data key {key_id}, which is not configured")
        self.key_id = key_id


PLAIN = FieldCodec()


def _aad(column: str) -> bytes:
    return f"{PREFIX}{column}\x00".encode()
