from django.urls import path

from hashes import views

app_name = "hashes"

urlpatterns = [
    path("", views.lists, name="lists"),
    path("lists/new/", views.list_create, name="list_create"),
    path("lists/<uuid:list_id>/", views.list_detail, name="list"),
    path("lists/<uuid:list_id>/export/", views.list_export, name="export"),
    path("lists/<uuid:list_id>/settings/", views.list_settings, name="list_settings"),
    path("lists/<uuid:list_id>/import/", views.list_import, name="import"),
    path("imports/<uuid:job_id>/", views.import_job, name="import_job"),
    path("lists/<uuid:list_id>/entries/<uuid:entry_id>/toggle/", views.entry_toggle, name="entry_toggle"),
    path("lookup/", views.lookup, name="lookup"),
]
