"""Sign-in in two steps (password, then second factor), enrolment, preferences and tokens.

The session only becomes authenticated after the second factor: between the two steps it holds
the id of the pending user, for a few minutes. There is no authenticated state that skipped MFA.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy, translate_url
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import actions, mfa
from accounts.forms import ApiTokenForm, EnrolForm, LoginForm, PreferencesForm, QueuedPasswordResetForm, TotpForm
from accounts.models import User
from core.access import access_object, memberships_of

PENDING_USER = "pending_user_id"
PENDING_SINCE = "pending_since"
PENDING_NEXT = "pending_next"
ENROL_SECRET = "enrol_totp_secret"
SHOW_CODES = "show_recovery_codes"
MFA_SKIPPED = mfa.SESSION_MFA_SKIPPED
PENDING_SECONDS = 300


def _safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, {request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _pending_user(request) -> User | None:
    user_id = request.session.get(PENDING_USER)
    since = request.session.get(PENDING_SINCE, 0)
    if not user_id or timezone.now().timestamp() - since > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.is_locked():
        return None
    return user


def _finish_login(request, user: User, *, method: str):
    next_url = request.session.get(PENDING_NEXT)
    for key in (PENDING_USER, PENDING_SINCE, PENDING_NEXT, ENROL_SECRET):
        request.session.pop(key, None)
    login(request, user, backend="accounts.backends.EmailBackend")  # rotates the session key
    if method == "password":
        request.session[MFA_SKIPPED] = True
    else:
        request.session.pop(MFA_SKIPPED, None)
    actions.register_successful_login(user, method=method)
    if user.language:
        request.session["_language"] = user.language
    return next_url


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        known = User.objects.filter(email__iexact=email, is_active=True).first()
        if known and known.is_locked():
            actions.record_locked_attempt(known)
            form.add_error(
                None,
                _(
                    "This account is locked for a while after too many failed attempts. Try again later or reset your password."
                ),
            )
        else:
            user = authenticate(request, email=email, password=form.cleaned_data["password"])
            if user is None:
                locked = actions.register_failed_login(known, email=email, stage="password")
                if locked:
                    form.add_error(
                        None,
                        _(
                            "This account is locked for a while after too many failed attempts. Try again later or reset your password."
                        ),
                    )
                else:
                    form.add_error(None, _("The email address or the password is not correct."))
            else:
                return _start_second_step(request, user)
    # A failed attempt posts ``next`` in the form: keep it for the next try.
    next_url = request.POST.get("next") or request.GET.get("next", "")
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


def _start_second_step(request, user: User):
    request.session.cycle_key()
    # Whatever an earlier, unfinished sign-in left in this browser belongs to that attempt only.
    for key in (SHOW_CODES, MFA_SKIPPED):
        request.session.pop(key, None)
    enrolling = request.session.get(ENROL_SECRET)
    if not isinstance(enrolling, dict) or enrolling.get("user") != str(user.pk):
        request.session.pop(ENROL_SECRET, None)
    request.session[PENDING_USER] = str(user.pk)
    request.session[PENDING_SINCE] = timezone.now().timestamp()
    request.session[PENDING_NEXT] = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if user.has_mfa:
        return redirect("accounts:mfa_verify")
    if mfa.mfa_may_be_skipped(user) or not mfa.mfa_required(user):
        return redirect(_finish_login(request, user, method="password"))
    return redirect("accounts:mfa_enrol")


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def mfa_verify_view(request):
    user = _pending_user(request)
    if user is None or not user.has_mfa:
        messages.info(request, _("Please sign in again."))
        return redirect("accounts:login")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if actions.accept_totp(user, code):
            return redirect(_finish_login(request, user, method="totp"))
        if actions.use_recovery_code(user, code):
            next_url = _finish_login(request, user, method="recovery_code")
            messages.warning(
                request,
                _(
                    "You signed in with a recovery code. Each code works once: create new codes on your security page if you are running out."
                ),
            )
            return redirect(next_url)
        if actions.register_failed_login(user, email=user.email, stage="mfa"):
            request.session.flush()
            messages.error(
                request,
                _(
                    "This account is locked for a while after too many failed attempts. Try again later or reset your password."
                ),
            )
            return redirect("accounts:login")
        form.add_error("code", _("That code is not valid. Check your device's clock and try the newest code."))
    return render(request, "accounts/mfa_verify.html", {"form": form})


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def mfa_enrol_view(request):
    user = _pending_user(request)
    if user is None or user.has_mfa:
        messages.info(request, _("Please sign in again."))
        return redirect("accounts:login")
    secret = _enrol_secret(request, user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if actions.accept_totp(user, form.cleaned_data["code"], secret=secret):
            codes = actions.enrol_totp(user, secret=secret)
            next_url = _finish_login(request, user, method="totp_enrolment")
            request.session[SHOW_CODES] = codes
            request.session[PENDING_NEXT] = next_url
            return redirect("accounts:recovery_codes")
        form.add_error("code", _("That code is not valid. Check your device's clock and try the newest code."))
    uri = mfa.provisioning_uri(user, secret)
    context = {"form": form, "secret": secret, "qr_svg": mfa.qr_svg(uri)}
    return render(request, "accounts/mfa_enrol.html", context)


def _enrol_secret(request, user: User) -> str:
    """The key being enrolled, kept while the same person retries; never shown to anyone else."""
    pending = request.session.get(ENROL_SECRET)
    if not isinstance(pending, dict) or pending.get("user") != str(user.pk) or not pending.get("secret"):
        pending = {"user": str(user.pk), "secret": mfa.new_totp_secret()}
        request.session[ENROL_SECRET] = pending
    return pending["secret"]


@login_required
@never_cache
def recovery_codes_view(request):
    """Shows freshly made recovery codes once; after that only their hashes exist."""
    codes = request.session.pop(SHOW_CODES, None)
    if not codes:
        return redirect("accounts:security")
    next_url = request.session.pop(PENDING_NEXT, None) or reverse("accounts:security")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next_url": next_url})


@login_required
@require_POST
def regenerate_codes_view(request):
    if not request.user.has_mfa:
        return redirect("accounts:security")
    if not actions.accept_totp(request.user, request.POST.get("code", "")):
        messages.error(request, _("That code is not valid. Check your device's clock and try the newest code."))
        return redirect("accounts:security")
    request.session[SHOW_CODES] = actions.regenerate_recovery_codes(request.user)
    return redirect("accounts:recovery_codes")


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        actions.record_logout(request.user)
    logout(request)
    messages.success(request, _("You have signed out."))
    return redirect("accounts:login")


@login_required
@never_cache
def security_view(request):
    user = request.user
    prefs = PreferencesForm(
        request.POST if request.POST.get("form") == "preferences" else None,
        initial={"language": user.language or request.LANGUAGE_CODE, "time_zone": user.time_zone},
    )
    token_form = ApiTokenForm(
        request.POST if request.POST.get("form") == "token" else None,
        memberships=memberships_of(user),
    )
    if request.method == "POST" and request.POST.get("form") == "preferences" and prefs.is_valid():
        actions.update_preferences(
            user, language=prefs.cleaned_data["language"], time_zone=prefs.cleaned_data["time_zone"]
        )
        request.session["_language"] = user.language
        messages.success(request, _("Your preferences are saved."))
        response = redirect("accounts:security")
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response
    new_token = None
    if request.method == "POST" and request.POST.get("form") == "token" and token_form.is_valid():
        _token, new_token = actions.create_api_token(
            user,
            membership=token_form.cleaned_data["membership"],
            name=token_form.cleaned_data["name"],
            days=token_form.cleaned_data["days"],
        )
        token_form = ApiTokenForm(memberships=memberships_of(user))
    context = {
        "prefs_form": prefs,
        "token_form": token_form,
        "new_token": new_token,
        "tokens": user.api_tokens.select_related("membership__centre").filter(revoked_at__isnull=True),
        "mfa_required": mfa.mfa_required(user),
        "unused_codes": user.recovery_codes.filter(used_at__isnull=True).count(),
        "now": timezone.now(),
    }
    return render(request, "accounts/security.html", context)


@login_required
@require_POST
def revoke_token_view(request, token_id):
    token = access_object(request.user.api_tokens.select_related("membership"), pk=token_id)
    actions.revoke_api_token(token, by=request.user)
    messages.success(request, _("The token is revoked."))
    return redirect("accounts:security")


@require_POST
def set_language_view(request):
    """The staff language switcher: remembers the choice in a cookie and on the profile."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    # Public pages carry the language in their URL: go to the same page in the chosen language.
    # The URL resolves only under the language of its own prefix, whatever this request speaks.
    url_language = translation.get_language_from_path(next_url.split("?", 1)[0])
    if url_language:
        with translation.override(url_language):
            next_url = translate_url(next_url, language)
    if request.user.is_authenticated and request.user.language != language:
        actions.update_preferences(request.user, language=language, time_zone=request.user.time_zone)
    request.session["_language"] = language
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, secure=settings.LANGUAGE_COOKIE_SECURE, httponly=True, samesite="Lax"
    )
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:security")

    def form_valid(self, form):
        response = super().form_valid(form)
        update_session_auth_hash(self.request, form.user)
        actions.record_password_changed(form.user, via="change")
        messages.success(self.request, _("Your password is changed."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        actions.record_password_reset_requested(email, User.objects.filter(email__iexact=email).first())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        actions.password_was_reset(form.user)
        return response
