from django.urls import path

from hotline import views

app_name = "hotline"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("figures/", views.dashboard, name="dashboard"),
    path("centres/<uuid:centre_id>/attach/", views.attach_now, name="attach"),
    path("items/<uuid:item_id>/", views.item_detail, name="item"),
    path("items/<uuid:item_id>/assign/", views.item_assign, name="assign"),
    path("items/<uuid:item_id>/hashes/", views.item_hashes, name="hashes"),
    path("items/<uuid:item_id>/hashes/<uuid:hash_id>/remove/", views.item_hash_remove, name="hash_remove"),
    path("items/<uuid:item_id>/<slug:step>/", views.item_step, name="step"),
]
