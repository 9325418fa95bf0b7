from django.urls import path

from legal import views

app_name = "legal"

urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.pdf", views.export_pdf, name="export_pdf"),
    path("countries/<uuid:country_id>/", views.country, name="country"),
    path("countries/<uuid:country_id>/gaps/", views.gaps, name="gaps"),
    path("countries/<uuid:country_id>/validate/", views.validate, name="validate"),
    path("countries/<uuid:country_id>/publish/", views.publish, name="publish"),
    path("countries/<uuid:country_id>/provisions/<str:code>/", views.edit_entry, name="edit_entry"),
    path("editors/", views.editors, name="editors"),
    path("editors/<uuid:editor_id>/remove/", views.remove_editor, name="remove_editor"),
]
