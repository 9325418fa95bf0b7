from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/verify/", views.mfa_verify_view, name="mfa_verify"),
    path("login/enrol/", views.mfa_enrol_view, name="mfa_enrol"),
    path("logout/", views.logout_view, name="logout"),
    path("security/", views.security_view, name="security"),
    path("security/recovery-codes/", views.recovery_codes_view, name="recovery_codes"),
    path("security/recovery-codes/new/", views.regenerate_codes_view, name="regenerate_codes"),
    path("security/tokens/<uuid:token_id>/revoke/", views.revoke_token_view, name="revoke_token"),
    path("security/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("language/", views.set_language_view, name="set_language"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("password-reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
]
