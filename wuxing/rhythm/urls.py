from django.urls import path

from . import views

app_name = "rhythm"

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/generate/", views.calendar_generate, name="calendar_generate"),
    path("calendar/events/new/", views.event_create, name="event_create"),
    path("calendar/events/<int:pk>/move/", views.event_move, name="event_move"),
    path("calendar/feed/reset/", views.calendar_token_reset, name="calendar_token_reset"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("report/", views.report_today, name="report_today"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("digest/", views.digest, name="digest"),
    path("digest/remind/", views.digest_remind, name="digest_remind"),
    path("digest/lock/", views.day_lock, name="day_lock"),
    path("settings/", views.policy_edit, name="policy_edit"),
    path("help/", views.help_list, name="help_list"),
    path("help/<int:pk>/", views.help_detail, name="help_detail"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/badge/", views.notification_badge, name="notification_badge"),
    path("notifications/read/", views.notification_read, name="notification_read"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/agenda/", views.week_agenda, name="week_agenda"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/meeting.pdf", views.meeting_document, {"fmt": "pdf"}, name="meeting_pdf"),
    path("meetings/<int:pk>/meeting.docx", views.meeting_document, {"fmt": "docx"}, name="meeting_docx"),
    path("meetings/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("summaries/", views.summary_list, name="summary_list"),
    path("summaries/generate/", views.summary_generate, name="summary_generate"),
    path("summaries/<int:pk>/", views.summary_detail, name="summary_detail"),
    path("summaries/<int:pk>/edit/", views.summary_edit, name="summary_edit"),
    path("summaries/<int:pk>/finalise/", views.summary_finalise, name="summary_finalise"),
    path("summaries/<int:pk>/summary.pdf", views.summary_document, {"fmt": "pdf"}, name="summary_pdf"),
    path("summaries/<int:pk>/summary.docx", views.summary_document, {"fmt": "docx"}, name="summary_docx"),
    path("summaries/<int:pk>/summary.xlsx", views.summary_document, {"fmt": "xlsx"}, name="summary_xlsx"),
]
