from django.urls import path

from network import views

app_name = "network"

urlpatterns = [
    path("directory/", views.directory, name="directory"),
    path("centres/", views.my_centres, name="centres"),
    path("centres/<uuid:centre_id>/members/", views.members, name="members"),
    path(
        "centres/<uuid:centre_id>/members/<uuid:membership_id>/revoke/",
        views.revoke_membership,
        name="revoke_membership",
    ),
]
