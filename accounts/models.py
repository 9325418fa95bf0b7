"""Users, their second factor, recovery codes and personal API tokens."""

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.crypto import EncryptedTextField
from core.models import BaseModel


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with an email address, a password and (for most roles) TOTP."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    language = models.CharField(_("interface language"), max_length=10, choices=settings.LANGUAGES, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("platform administrator"), default=False, help_text=_("May use the administration site.")
    )
    is_demo = models.BooleanField(_("demo user"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    totp_secret = EncryptedTextField(_("TOTP secret"), blank=True)
    mfa_enabled_at = models.DateTimeField(_("two-factor authentication enabled"), null=True, blank=True)
    # The last TOTP time step accepted: a code can be used once only.
    last_totp_step = models.BigIntegerField(default=0)
    failed_logins = models.PositiveIntegerField(_("failed sign-ins in a row"), default=0)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self):
        super().clean()
        # Before the uniqueness check: "Ana@X.org" must collide with "ana@x.org".
        self.email = normalise_email(self.email)

    def save(self, *args, **kwargs):
        # Sign-in looks addresses up without case; two spellings of one address would make it
        # ambiguous, so every path that saves a user (admin, shell, actions) stores one spelling.
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    @property
    def has_mfa(self) -> bool:
        return bool(self.mfa_enabled_at and self.totp_secret)

    def is_locked(self, now=None) -> bool:
        return bool(self.locked_until and self.locked_until > (now or timezone.now()))


class RecoveryCode(BaseModel):
    """A single-use code to sign in when the authenticator is lost; only its hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes", verbose_name=_("user"))
    code_hash = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")


class ApiToken(BaseModel):
    """A personal API token: tied to one membership, stored hashed, with an expiry."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    membership = models.ForeignKey(
        "network.Membership", on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("membership")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, unique=True)
    token_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.revoked_at is None
            and self.expires_at > now
            and self.user.is_active
            and self.membership.is_active
            and self.membership.user_id == self.user_id
        )
