from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.incoming, name="incoming"),
    path("outgoing/", views.outgoing, name="outgoing"),
    path("request/", views.information_request, name="information_request"),
    path("network/", views.network, name="network"),
    path("send/item/<uuid:item_id>/", views.send_item, name="send_item"),
    path("send/item/<uuid:item_id>/external/", views.send_external, name="send_external"),
    path("send/case/<uuid:case_id>/", views.send_case, name="send_case"),
    path("settings/<uuid:centre_id>/", views.centre_settings, name="centre_settings"),
    path("<uuid:referral_id>/", views.detail, name="detail"),
    path("<uuid:referral_id>/<slug:step>/", views.step, name="step"),
]
