from django.urls import path

from push import views

urlpatterns = [
    path("push/key", views.PushKeyView.as_view(), name="push-key"),
    path("push/subscriptions", views.SubscriptionListView.as_view(), name="push-subscriptions"),
    path(
        "push/subscriptions/<uuid:subscription_id>",
        views.SubscriptionDetailView.as_view(),
        name="push-subscription",
    ),
]
