from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.incoming, name="incoming"),
    path("outgoing/", views.outgoing, name="outgoing"),
    path("request/", views.information_request, name="information_request"),
    path("network/", views.network, name="network"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/email/", views.email_preference, name="email_preference"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<uuid:notification_id>/read/", views.notification_read, name="notification_read"),
    path("send/item/<uuid:item_id>/", views.send_item, name="send_item"),
    path("send/item/<uuid:item_id>/external/", views.send_external, name="send_external"),
    path("send/case/<uuid:case_id>/", views.send_case, name="send_case"),
    path("webhooks/<uuid:centre_id>/", views.dead_letters, name="dead_letters"),
    path("webhooks/<uuid:centre_id>/<uuid:delivery_id>/retry/", views.retry_delivery, name="retry_delivery"),
    path("settings/<uuid:centre_id>/", views.centre_settings, name="centre_settings"),
    path("settings/<uuid:centre_id>/webhooks/new/", views.webhook_new, name="webhook_new"),
    path("settings/<uuid:centre_id>/webhooks/<uuid:endpoint_id>/", views.webhook_edit, name="webhook_edit"),
    path("settings/<uuid:centre_id>/webhooks/<uuid:endpoint_id>/active/", views.webhook_active, name="webhook_active"),
    path("settings/<uuid:centre_id>/webhooks/<uuid:endpoint_id>/rotate/", views.webhook_rotate, name="webhook_rotate"),
    path("<uuid:referral_id>/", views.detail, name="detail"),
    path("<uuid:referral_id>/<slug:step>/", views.step, name="step"),
]
