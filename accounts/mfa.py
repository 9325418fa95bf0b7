"""Second factor: who needs it, TOTP checks (each code once), recovery codes, API token format."""

from __future__ import annotations

import hashlib
import secrets

import pyotp
import segno
from django.conf import settings
from django.utils import timezone

from core.access import memberships_of
from core.permissions import role_requires_mfa

TOTP_ISSUER = "SICNet"
RECOVERY_CODE_COUNT = 10
# Session flag of a sign-in that needed no second factor (a role without case data, or the demo).
# accounts.middleware ends such a session once the user needs one: a new role, staff status.
SESSION_MFA_SKIPPED = "mfa_skipped"


def mfa_required(user) -> bool:
    """Platform administrators and every role that can see case data need a second factor."""
    if user.is_staff or user.is_superuser:
        return True
    return any(role_requires_mfa(m.role) for m in memberships_of(user))


def mfa_may_be_skipped(user) -> bool:
    """Only demo users, only in the demo (which cannot run with DEBUG off)."""
    return bool(settings.DEMO_MODE and settings.DEBUG and user.is_demo)


def session_lacks_required_mfa(request) -> bool:
    """True when this session signed in without a second factor that the user now needs."""
    user = request.user
    return bool(
        user.is_authenticated
        and request.session.get(SESSION_MFA_SKIPPED)
        and mfa_required(user)
        and not mfa_may_be_skipped(user)
    )


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=TOTP_ISSUER)


def qr_svg(uri: str) -> str:
    """An SVG QR code, drawn on our server (no external service), with no inline style."""
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff", omitsize=False)


def matching_totp_step(secret: str, code: str, *, after_step: int, now=None) -> int | None:
    """The time step the code belongs to (±1 step for clock drift), if newer than ``after_step``."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6 or not secret:
        return None
    totp = pyotp.TOTP(secret)
    moment = now or timezone.now()
    current = totp.timecode(moment)
    for step in (current - 1, current, current + 1):
        if step > after_step and secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def hash_secret(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_recovery_codes() -> list[str]:
    return [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODE_COUNT)]


def normalise_recovery_code(code: str) -> str:
    cleaned = "".join(ch for ch in (code or "").lower() if ch in "0123456789abcdef")
    return f"{cleaned[:8]}-{cleaned[8:]}" if len(cleaned) == 16 else ""


def new_api_token() -> tuple[str, str, str]:
    """(full token shown once, its public prefix, the hash we store)."""
    prefix = secrets.token_hex(5)
    token = f"sic_{prefix}_{secrets.token_urlsafe(32)}"
    return token, prefix, hash_secret(token)


def parse_api_token(token: str) -> str | None:
    """The prefix of a well-formed token, else None."""
    parts = (token or "").split("_")
    if len(parts) < 3 or parts[0] != "sic" or len(parts[1]) != 10:
        return None
    return parts[1]
