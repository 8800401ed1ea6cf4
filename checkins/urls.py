from django.urls import path

from checkins import over_time, views

urlpatterns = [
    path("checkins/schedule", views.ScheduleView.as_view(), name="checkin-schedule"),
    path("checkins/prompts", views.PromptList.as_view(), name="checkin-prompts"),
    path(
        "checkins/prompts/<uuid:prompt_id>/skip",
        views.PromptSkip.as_view(),
        name="checkin-prompt-skip",
    ),
    path(
        "checkins/prompts/<uuid:prompt_id>/snooze",
        views.PromptSnooze.as_view(),
        name="checkin-prompt-snooze",
    ),
    path("checkins", views.CheckInList.as_view(), name="checkins"),
    path("checkins/<uuid:checkin_id>", views.CheckInDetail.as_view(), name="checkin-detail"),
    path("partner/checkins", views.PartnerCheckInList.as_view(), name="partner-checkins"),
    path(
        "partner/checkins/<uuid:checkin_id>",
        views.PartnerCheckInDetail.as_view(),
        name="partner-checkin-detail",
    ),
    path(
        "partner/checkins/<uuid:checkin_id>/responses",
        views.PartnerCheckInResponses.as_view(),
        name="partner-checkin-responses",
    ),
    path("checkins/over-time", over_time.OverTimeView.as_view(), name="checkins-over-time"),
]

from checkins import link_views  # noqa: E402 - the reminder email's links (appended)

urlpatterns += [
    path(
        "reminder-link/preview",
        link_views.ReminderLinkPreviewView.as_view(),
        name="reminder-link-preview",
    ),
    path("reminder-link/act", link_views.ReminderLinkActView.as_view(), name="reminder-link-act"),
]
