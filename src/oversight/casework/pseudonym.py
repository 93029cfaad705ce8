"""Pseudonymous child identifiers: a keyed hash of the council and the child's identifier in its return.

The same child in the same council's returns always gets the same pseudonym, so years link up; without the
key no one can go from a pseudonym back to a child, or test a guessed identifier against it. The key is a
secret of the deployment: ``OVERSIGHT_PSEUDONYM_KEY`` in Django settings or, failing that, the environment.
A database remembers a fingerprint of the key it was loaded with, so a load with a different key is refused
rather than silently splitting every child in two.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import uuid
from dataclasses import dataclass

from oversight.casework.issues import CaseworkError

KEY_SETTING = "OVERSIGHT_PSEUDONYM_KEY"
MINIMUM_KEY_LENGTH = 32
# A published key for tests and local experiments only: anyone can reverse pseudonyms made with it by guessing.
DEVELOPMENT_KEY = "oversight-development-key-never-use-with-real-data"
_SEPARATOR = "\x1f"  # cannot occur in an LA code or a child identifier, so ("A", "BC") and ("AB", "C") differ
# Leading and trailing blanks are not part of an identifier: spaces, tabs, line and page breaks (the ASCII ones,
# so that Python and the database strip the same characters).
BLANKS = " \t\n\r\x0b\x0c"
_BLOCK = 64  # SHA-256's block size in bytes, which HMAC pads the key to


class PseudonymKeyError(CaseworkError):
    """The pseudonymisation key is missing or unusable; the message says how to set one."""


@dataclass(frozen=True)
class Pseudonymiser:
    key: bytes
    is_development_key: bool = False

    def __post_init__(self) -> None:
        if len(self.key) < MINIMUM_KEY_LENGTH:
            raise PseudonymKeyError(
                f"the pseudonymisation key is {len(self.key)} characters; use at least {MINIMUM_KEY_LENGTH}, "
                'e.g. from: python -c "import secrets; print(secrets.token_urlsafe(32))"'
            )

    def child(self, la: str, child_id: str) -> uuid.UUID:
        """The pseudonym of a child: the first 128 bits of HMAC-SHA256 of the LA and the child's identifier.

        Held as a UUID (DuckDB's 128-bit identifier type), which the database compares and joins as a number,
        about twice as fast as the 64 hex characters of the whole hash; 128 bits leave the chance that two
        of a hundred million children share a pseudonym below one in ten billion billion.
        """
        message = f"{la.strip(BLANKS)}{_SEPARATOR}{child_id.strip(BLANKS)}".encode()
        return uuid.UUID(bytes=hmac.new(self.key, message, hashlib.sha256).digest()[:16])

    def sql(self, la_sql: str, child_id_sql: str) -> tuple[str, dict[str, bytes]]:
        """The same pseudonym as ``child``, as a DuckDB expression over two VARCHAR expressions.

        HMAC-SHA256 written out (RFC 2104: the hash of the key xor opad, then the hash of the key xor ipad and
        the message), so that a whole file's identifiers are hashed inside the database rather than one by
        one in Python. Returns the expression and its parameters: the padded keys, never the key itself.
        """
        key = hashlib.sha256(self.key).digest() if len(self.key) > _BLOCK else self.key
        key = key.ljust(_BLOCK, b"\0")
        blanks = "".join(f"chr({ord(c)})" for c in BLANKS).replace(")chr", ") || chr")
        message = f"encode(trim({la_sql}, {blanks}) || chr({ord(_SEPARATOR)}) || trim({child_id_sql}, {blanks}))"
        digest = f"sha256($pseudonym_opad || unhex(sha256($pseudonym_ipad || {message})))"
        expression = f"CAST(left({digest}, 32) AS UUID)"
        return expression, {
            "pseudonym_ipad": bytes(b ^ 0x36 for b in key),
            "pseudonym_opad": bytes(b ^ 0x5C for b in key),
        }

    @property
    def fingerprint(self) -> str:
        """Identifies the key without revealing it, so a database can refuse a load made with another key."""
        return hmac.new(self.key, b"oversight pseudonym key fingerprint", hashlib.sha256).hexdigest()[:16]

    def __repr__(self) -> str:  # never print the key
        return f"Pseudonymiser(fingerprint={self.fingerprint!r}, is_development_key={self.is_development_key})"


def pseudonymiser_configured(*, allow_development_key: bool = False) -> Pseudonymiser:
    """The deployment's pseudonymiser: the key from Django settings, else the environment.

    Without a key this refuses, unless ``allow_development_key`` (the command line's ``--development-key``)
    asks for the published development key, which is for tests and synthetic data only.
    """
    key = _key_from_settings() or os.environ.get(KEY_SETTING, "")
    if key:
        return Pseudonymiser(key.encode())
    if allow_development_key:
        return Pseudonymiser(DEVELOPMENT_KEY.encode(), is_development_key=True)
    raise PseudonymKeyError(
        f"no pseudonymisation key: set {KEY_SETTING} in the environment (at least {MINIMUM_KEY_LENGTH} "
        "characters, kept secret and the same for every load), or use --development-key for synthetic data"
    )


def _key_from_settings() -> str:
    try:
        from django.conf import settings
    except ImportError:  # pragma: no cover - Django is a dependency; the core of this module does not need it
        return ""
    if not settings.configured:
        return ""
    return str(getattr(settings, KEY_SETTING, "") or "")
