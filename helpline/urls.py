from django.urls import path

from helpline import views

app_name = "helpline"

urlpatterns = [
    path("", views.contact_list, name="contacts"),
    path("contacts/new/", views.contact_new, name="contact_new"),
    path("contacts/quick/", views.contact_quick, name="contact_quick"),
    path("contacts/autosave/", views.contact_autosave, name="contact_autosave"),
    path("contacts/<uuid:contact_id>/", views.contact_detail, name="contact"),
    path("contacts/<uuid:contact_id>/edit/", views.contact_edit, name="contact_edit"),
    path("contacts/<uuid:contact_id>/discard/", views.contact_discard, name="contact_discard"),
    path("contacts/<uuid:contact_id>/flag/", views.contact_flag, name="contact_flag"),
    path("contacts/<uuid:contact_id>/case/", views.contact_open_case, name="contact_open_case"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case"),
    path("cases/<uuid:case_id>/update/", views.case_update, name="case_update"),
    path("cases/<uuid:case_id>/notes/", views.case_note, name="case_note"),
    path("cases/<uuid:case_id>/tasks/", views.case_task, name="case_task"),
    path("cases/<uuid:case_id>/tasks/<uuid:task_id>/done/", views.task_done, name="task_done"),
    path("cases/<uuid:case_id>/link/", views.case_link, name="case_link"),
    path("cases/<uuid:case_id>/assign/", views.case_assign, name="case_assign"),
    path("cases/<uuid:case_id>/close/", views.case_close, name="case_close"),
    path("supervisor/", views.supervisor_dashboard, name="supervisor"),
    path("alerts/<uuid:alert_id>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("services/", views.service_list, name="services"),
    path("services/centres/<uuid:centre_id>/new/", views.service_new, name="service_new"),
    path("services/<uuid:service_id>/edit/", views.service_edit, name="service_edit"),
    path("contacts/<uuid:contact_id>/refer/", views.referral_new, name="referral_new"),
    path("referrals/<uuid:referral_id>/outcome/", views.referral_outcome, name="referral_outcome"),
    path("retention/<uuid:centre_id>/", views.retention_rule, name="retention"),
    path("exports/", views.exports, name="exports"),
    path("exports/<uuid:centre_id>/chi.csv", views.export_chi, name="export_chi"),
    path("exports/<uuid:centre_id>/insafe.csv", views.export_insafe, name="export_insafe"),
    path("contacts/<uuid:contact_id>/escalate/", views.contact_escalate, name="contact_escalate"),
]
