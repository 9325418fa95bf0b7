from django.urls import path

from notify import views

app_name = "notify"

urlpatterns = [
    path("", views.notifications, name="notifications"),
    path("email/", views.email_preference, name="email_preference"),
    path("read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("<uuid:notification_id>/read/", views.notification_read, name="notification_read"),
    path("webhooks/<uuid:centre_id>/", views.webhooks, name="webhooks"),
    path("webhooks/<uuid:centre_id>/new/", views.webhook_new, name="webhook_new"),
    path("webhooks/<uuid:centre_id>/undelivered/", views.dead_letters, name="dead_letters"),
    path(
        "webhooks/<uuid:centre_id>/undelivered/<uuid:delivery_id>/retry/", views.retry_delivery, name="retry_delivery"
    ),
    path("webhooks/<uuid:centre_id>/<uuid:endpoint_id>/", views.webhook_edit, name="webhook_edit"),
    path("webhooks/<uuid:centre_id>/<uuid:endpoint_id>/active/", views.webhook_active, name="webhook_active"),
    path("webhooks/<uuid:centre_id>/<uuid:endpoint_id>/rotate/", views.webhook_rotate, name="webhook_rotate"),
]
