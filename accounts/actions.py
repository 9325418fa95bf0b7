"""Every state change of accounts: sign-in outcomes, MFA, recovery codes, tokens, preferences."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts import mfa
from accounts.models import ApiToken, RecoveryCode, User
from audit.actions import record


def _primary_centre_id(user):
    membership = user.memberships.filter(is_active=True).order_by("created_at").first()
    return membership.centre_id if membership else None


@transaction.atomic
def register_failed_login(user: User | None, *, email: str, stage: str) -> bool:
    """Count a failure; lock the account when there are too many. Returns True if now locked."""
    if user is None:
        record("login.failed", actor_label=email[:254], changes={"stage": stage, "known_user": False})
        return False
    user = User.objects.select_for_update().get(pk=user.pk)
    user.failed_logins += 1
    locked = False
    fields = ["failed_logins"]
    if user.failed_logins >= settings.LOGIN_MAX_FAILURES:
        user.locked_until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
        user.failed_logins = 0
        fields.append("locked_until")
        locked = True
    user.save(update_fields=fields)
    centre_id = _primary_centre_id(user)
    record("login.failed", actor=user, centre_id=centre_id, obj=user, changes={"stage": stage})
    if locked:
        record(
            "account.locked",
            actor=user,
            centre_id=centre_id,
            obj=user,
            changes={"minutes": settings.LOGIN_LOCKOUT_MINUTES},
        )
    return locked


@transaction.atomic
def register_successful_login(user: User, *, method: str) -> None:
    user.failed_logins = 0
    user.locked_until = None
    user.last_login = timezone.now()
    user.save(update_fields=["failed_logins", "locked_until", "last_login"])
    record("login.success", actor=user, centre_id=_primary_centre_id(user), obj=user, changes={"method": method})


def record_locked_attempt(user: User) -> None:
    record("login.refused_locked", actor=user, centre_id=_primary_centre_id(user), obj=user)


def record_logout(user: User, *, reason: str = "") -> None:
    changes = {"reason": reason} if reason else None
    record("logout", actor=user, centre_id=_primary_centre_id(user), obj=user, changes=changes)


@transaction.atomic
def accept_totp(user: User, code: str, *, secret: str | None = None) -> bool:
    """Check a TOTP code against the user's secret (or a secret being enrolled); each code once."""
    user = User.objects.select_for_update().get(pk=user.pk)
    step = mfa.matching_totp_step(secret or user.totp_secret, code, after_step=user.last_totp_step)
    if step is None:
        return False
    user.last_totp_step = step
    user.save(update_fields=["last_totp_step"])
    return True


@transaction.atomic
def enrol_totp(user: User, *, secret: str) -> list[str]:
    """Store the new second factor and return fresh recovery codes (shown once)."""
    user.totp_secret = secret
    user.mfa_enabled_at = timezone.now()
    user.save(update_fields=["totp_secret", "mfa_enabled_at"])
    codes = _replace_recovery_codes(user)
    record("mfa.enrolled", actor=user, centre_id=_primary_centre_id(user), obj=user)
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = mfa.new_recovery_codes()
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=mfa.hash_secret(code)) for code in codes)
    return codes


@transaction.atomic
def regenerate_recovery_codes(user: User) -> list[str]:
    codes = _replace_recovery_codes(user)
    record("mfa.recovery_codes_regenerated", actor=user, centre_id=_primary_centre_id(user), obj=user)
    return codes


@transaction.atomic
def use_recovery_code(user: User, code: str) -> bool:
    normalised = mfa.normalise_recovery_code(code)
    if not normalised:
        return False
    updated = RecoveryCode.objects.filter(
        user=user, code_hash=mfa.hash_secret(normalised), used_at__isnull=True
    ).update(used_at=timezone.now())
    if updated:
        remaining = RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()
        record(
            "mfa.recovery_code_used",
            actor=user,
            centre_id=_primary_centre_id(user),
            obj=user,
            changes={"remaining": remaining},
        )
    return bool(updated)


@transaction.atomic
def reset_mfa(user: User, *, by: User) -> None:
    """An administrator clears a lost second factor; the user enrols again at next sign-in."""
    user.totp_secret = ""
    user.mfa_enabled_at = None
    user.last_totp_step = 0
    user.save(update_fields=["totp_secret", "mfa_enabled_at", "last_totp_step"])
    RecoveryCode.objects.filter(user=user).delete()
    record("mfa.reset", actor=by, centre_id=_primary_centre_id(user), obj=user, changes={"user": user.email})


@transaction.atomic
def update_preferences(user: User, *, language: str, time_zone: str) -> None:
    changed = {}
    if user.language != language:
        changed["language"] = [user.language, language]
        user.language = language
    if user.time_zone != time_zone:
        changed["time_zone"] = [user.time_zone, time_zone]
        user.time_zone = time_zone
    if changed:
        user.save(update_fields=["language", "time_zone"])
        record("account.preferences_changed", actor=user, centre_id=_primary_centre_id(user), obj=user, changes=changed)


def record_password_changed(user: User, *, via: str) -> None:
    record("password.changed", actor=user, centre_id=_primary_centre_id(user), obj=user, changes={"via": via})


@transaction.atomic
def password_was_reset(user: User) -> None:
    """A reset also lifts a lockout: the person proved they control the mailbox."""
    user.locked_until = None
    user.failed_logins = 0
    user.save(update_fields=["locked_until", "failed_logins"])
    record_password_changed(user, via="reset")


def record_password_reset_requested(email: str, user: User | None) -> None:
    record(
        "password.reset_requested",
        actor=user,
        actor_label=email[:254],
        centre_id=_primary_centre_id(user) if user else None,
        obj=user,
    )


@transaction.atomic
def create_api_token(user: User, *, membership, name: str, days: int) -> tuple[ApiToken, str]:
    """Issue a token for one of the user's own memberships; the plain token is returned once."""
    if membership.user_id != user.pk or not membership.is_active:
        raise ValueError("A token can only be tied to one of your own active memberships.")
    days = max(1, min(days, settings.API_TOKEN_MAX_DAYS))
    plain, prefix, token_hash = mfa.new_api_token()
    token = ApiToken.objects.create(
        user=user,
        membership=membership,
        name=name,
        prefix=prefix,
        token_hash=token_hash,
        expires_at=timezone.now() + timedelta(days=days),
    )
    record(
        "api_token.created",
        actor=user,
        centre_id=membership.centre_id,
        obj=token,
        changes={"name": name, "role": membership.role, "days": days},
    )
    return token, plain


@transaction.atomic
def revoke_api_token(token: ApiToken, *, by: User) -> None:
    if token.revoked_at:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record("api_token.revoked", actor=by, centre_id=token.membership.centre_id, obj=token, changes={"name": token.name})


def touch_api_token(token: ApiToken) -> None:
    """Remember when a token was last used, at most once a minute (no audit entry: not a change)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


@transaction.atomic
def invite_user(email: str, *, full_name: str, by: User, centre_id=None, request=None) -> User:
    """Create an account with no password; the person sets one from the emailed link."""
    from accounts.forms import QueuedPasswordResetForm

    user = User.objects.create_user(email=email, password=None, full_name=full_name)
    record("account.invited", actor=by, centre_id=centre_id, obj=user, changes={"email": user.email})
    form = QueuedPasswordResetForm({"email": user.email})
    if form.is_valid():
        # An unusable password would make Django skip the user: send the link explicitly.
        _send_invitation(form, user, request)
    return user


def _send_invitation(form, user: User, request) -> None:
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    context = {
        "email": user.email,
        "domain": request.get_host() if request else "localhost",
        "site_name": "SICNet",
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if request is None or request.is_secure() else "http",
    }
    form.send_mail("accounts/email/invitation_subject.txt", "accounts/email/invitation.txt", context, None, user.email)


# The flags a platform administrator sets in the admin (the only place they are set).
ACCOUNT_FLAGS = ("is_active", "is_staff", "is_superuser")


@transaction.atomic
def create_account(user: User, *, by: User) -> User:
    """A platform administrator creates an account in the admin (``user``: unsaved, its password set)."""
    user.save()
    flags = {flag: getattr(user, flag) for flag in ACCOUNT_FLAGS}
    record("account.created", actor=by, obj=user, changes={"email": user.email, **flags})
    return user


@transaction.atomic
def set_account_flags(user: User, *, by: User, **flags: bool) -> dict[str, list[bool]]:
    """A platform administrator grants or removes ``is_active``, ``is_staff`` or ``is_superuser``.

    Answers what changed ({flag: [before, after]}); the audit entry records the same. The row is
    locked and read again, so the "before" is what was stored, not what a stale page showed.
    """
    unknown = set(flags) - set(ACCOUNT_FLAGS)
    if unknown:
        raise ValueError(f"not an account flag: {', '.join(sorted(unknown))}")
    stored = User.objects.select_for_update().get(pk=user.pk)
    changed = {
        flag: [getattr(stored, flag), bool(value)]
        for flag, value in flags.items()
        if getattr(stored, flag) != bool(value)
    }
    if not changed:
        return {}
    for flag, (_before, after) in changed.items():
        setattr(stored, flag, after)
        setattr(user, flag, after)
    stored.save(update_fields=sorted(changed))
    record(
        "account.flags_changed",
        actor=by,
        centre_id=_primary_centre_id(stored),
        obj=stored,
        changes={"user": stored.email, **changed},
    )
    return changed
