"""Student passwords: encrypted at rest, readable by the student's teachers.

Why not a hash: teachers of young children tell students their password and print login
cards, so the portal must show it. Fernet (AES-128-CBC + HMAC-SHA256) with a key from
settings keeps the database useless without the key, and costs microseconds per password,
so a 10,000-student import stays fast (a slow password hash would take minutes).

A stored password is ``h2$<salt>$<mac>$<sealed>``: the mac, a keyed HMAC-SHA256 of a
random per-password salt and the password, tells whether a file's or a SIS's password is the
one a student already has without decrypting (a sync or import of 10,000 unchanged students
compares them all). The salt keeps two students with the same password from sharing a mac;
without the key the mac says nothing. ``sealed`` is the password under AES-256-GCM (a random
96-bit nonce, then the ciphertext and its tag, base64): authenticated like Fernet, and about
a sixth of its cost per password (one cipher object for every password, where a Fernet token
builds its own CBC cipher and HMAC), which a 10,000-student import with passwords feels.
Tokens stored before are still read and compared: ``h1$`` ones hold a Fernet token, and the
oldest (no prefix) are a bare Fernet token, read by decrypting it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

# How a password shows wherever it must not be echoed (error files, previews).
HIDDEN_PASSWORD = "(set)"

_WORDS = (
    "apple bear cloud dragon eagle forest garden harbor island jungle kite lemon maple "
    "nova ocean panda quartz river sunny tiger violet window yellow zebra comet meadow "
    "otter pebble rocket spark tulip"
).split()


@lru_cache(maxsize=4)
def _fernet(secret: str) -> Fernet:
    try:
        return Fernet(secret.encode())
    except ValueError:
        digest = hashlib.sha256(("homeroom-student-passwords:" + secret).encode()).digest()
        return Fernet(base64.urlsafe_b64encode(digest))


def _cipher() -> Fernet:
    return _fernet(settings.STUDENT_PASSWORD_KEY or settings.SECRET_KEY)


@lru_cache(maxsize=4)
def _gcm(secret: str) -> AESGCM:
    return AESGCM(hashlib.sha256(("homeroom-student-passwords-gcm:" + secret).encode()).digest())


def _sealer() -> AESGCM:
    return _gcm(settings.STUDENT_PASSWORD_KEY or settings.SECRET_KEY)


PREFIX = "h2$"  # a token with a mac, sealed with AES-GCM
FERNET_PREFIX = "h1$"  # a token with a mac, sealed with Fernet (stored before h2)
NONCE = 12


@lru_cache(maxsize=4)
def _keyed(secret: str):
    """The HMAC keyed once (copied per password: the key schedule is not redone)."""
    key = hashlib.sha256(("homeroom-student-password-mac:" + secret).encode()).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


def _mac(salt: str, raw: str) -> str:
    mac = _keyed(settings.STUDENT_PASSWORD_KEY or settings.SECRET_KEY).copy()
    mac.update(f"{salt}${raw}".encode())
    return base64.urlsafe_b64encode(mac.digest()[:12]).decode()


def encrypt_password(raw: str) -> str:
    salt = base64.urlsafe_b64encode(secrets.token_bytes(6)).decode()
    nonce = secrets.token_bytes(NONCE)
    sealed = base64.urlsafe_b64encode(nonce + _sealer().encrypt(nonce, raw.encode(), None))
    return f"{PREFIX}{salt}${_mac(salt, raw)}${sealed.decode()}"


def _has_mac(token: str) -> bool:
    return token.startswith(PREFIX) or token.startswith(FERNET_PREFIX)


def decrypt_password(token: str) -> str:
    """The plain password, or "" when none is set or the key has changed."""
    if not token:
        return ""
    if token.startswith(PREFIX):
        try:
            sealed = base64.urlsafe_b64decode(token.rsplit("$", 1)[1])
            return _sealer().decrypt(sealed[:NONCE], sealed[NONCE:], None).decode()
        except (InvalidTag, ValueError):
            return ""
    if token.startswith(FERNET_PREFIX):
        token = token.rsplit("$", 1)[1]
    try:
        return _cipher().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def password_matches(token: str, raw: str) -> bool:
    """Whether ``raw`` is the password stored as ``token`` (False when none is stored or
    the key has changed), from the mac alone: no decryption."""
    if not token or not raw:
        return False
    if _has_mac(token):
        _, salt, mac, _ = token.split("$", 3)
        return hmac.compare_digest(mac, _mac(salt, raw))
    stored = decrypt_password(token)
    return bool(stored) and secrets.compare_digest(stored, raw)


def encrypt_bytes(data: bytes) -> bytes:
    """A stored file, encrypted with the student-password key (the raw Fernet token, without
    its base64 text form, so a 20 MB upload stays 20 MB)."""
    return base64.urlsafe_b64decode(_cipher().encrypt(data))


def decrypt_bytes(data: bytes) -> bytes:
    """The file ``encrypt_bytes`` stored; raises InvalidToken when the key has changed."""
    return _cipher().decrypt(base64.urlsafe_b64encode(data))


def generate_password() -> str:
    """Easy for a young child to type: a word and two digits, e.g. ``tiger42``."""
    return f"{secrets.choice(_WORDS)}{secrets.randbelow(90) + 10}"


def validate_student_password(raw: str) -> list[str]:
    problems = []
    if len(raw) < 4:
        problems.append("A student password needs at least 4 characters.")
    if len(raw) > 64:
        problems.append("A student password can have at most 64 characters.")
    if raw != raw.strip():
        problems.append("A student password cannot start or end with a space.")
    return problems
