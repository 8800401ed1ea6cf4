from django.urls import path

from partners import views

urlpatterns = [
    path("invitations", views.InvitationListView.as_view(), name="invitations"),
    path("invitations/accept", views.InvitationAcceptView.as_view(), name="invitation-accept"),
    path("invitations/preview", views.InvitationPreviewView.as_view(), name="invitation-preview"),
    path(
        "invitations/<uuid:invitation_id>",
        views.InvitationDetailView.as_view(),
        name="invitation-detail",
    ),
    path("partnership", views.PartnershipView.as_view(), name="partnership"),
    path("consent-log", views.ConsentLogView.as_view(), name="consent-log"),
    path("inbox", views.InboxView.as_view(), name="inbox"),
    path("inbox/read", views.InboxReadView.as_view(), name="inbox-read"),
]
