from django.urls import path

from accounts import views

urlpatterns = [
    path("me", views.MeView.as_view(), name="me"),
    path("me/export", views.MeExportView.as_view(), name="me-export"),
    path("unsubscribe/preview", views.UnsubscribePreviewView.as_view(), name="unsubscribe-preview"),
    path("unsubscribe", views.UnsubscribeView.as_view(), name="unsubscribe"),
]
