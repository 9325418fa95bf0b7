from django.urls import path

from nrm import views

app_name = "nrm"

urlpatterns = [
    path("", views.assessments, name="assessments"),
    path("assessments/<uuid:assessment_id>/", views.assessment, name="assessment"),
    path("assessments/<uuid:assessment_id>/capabilities/<int:number>/", views.rate, name="rate"),
    path("assessments/<uuid:assessment_id>/transition/", views.transition, name="transition"),
    path("assessments/<uuid:assessment_id>/summary/", views.summary, name="summary"),
    path("assessments/<uuid:assessment_id>/action-items/", views.add_action_item, name="add_action_item"),
    path("assessments/<uuid:assessment_id>/change/", views.change, name="change"),
    path("assessments/<uuid:assessment_id>/export.csv", views.assessment_csv, name="assessment_csv"),
    path("assessments/<uuid:assessment_id>/export.pdf", views.assessment_pdf, name="assessment_pdf"),
    path("evidence/<uuid:file_id>/", views.evidence, name="evidence"),
    path("action-items/<uuid:item_id>/", views.action_item, name="action_item"),
    path("compare/", views.compare, name="compare"),
    path("compare/export.csv", views.compare_csv, name="compare_csv"),
    path("compare/export.pdf", views.compare_pdf, name="compare_pdf"),
    path("editors/", views.editors, name="editors"),
    path("editors/<uuid:editor_id>/remove/", views.remove_editor, name="remove_editor"),
]
