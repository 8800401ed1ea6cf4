from django.urls import path

from web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login", views.login, name="login"),
    path("signup", views.signup, name="signup"),
    path("logout", views.logout, name="logout"),
    # The paths below are the ones settings.HEADLESS_FRONTEND_URLS puts in emails.
    path("account/signup", views.signup_alias, name="account-signup"),
    path("account/verify-email", views.verify_email, name="verify-email-code"),
    path("account/verify-email/<str:key>", views.verify_email, name="verify-email"),
    path("account/totp-qr.svg", views.totp_qr, name="totp-qr"),
    path("account/password/reset", views.password_reset, name="password-reset"),
    path(
        "account/password/reset/key/<str:key>",
        views.password_reset_key,
        name="password-reset-key",
    ),
    path("today", views.today, name="today"),
    path("invite", views.invitations, name="invitations"),
    path("invitation", views.invitation, name="invitation"),
    # Old links carried the token in the path; they are only retired now.
    path("invite/<str:token>", views.invite_retired, name="invite-retired"),
    path("mine", views.mine, name="mine"),
    path("partner", views.partner, name="partner"),
    path("checkin", views.checkin, name="checkin"),
    path("history", views.history, name="history"),
    path("shared", views.shared, name="shared"),
    path("us", views.over_time, name="over-time"),
    path("settings", views.settings_page, name="settings"),
    path("reminder", views.reminder_link, name="reminder-link"),
    path("email/unsubscribe", views.email_unsubscribe, name="email-unsubscribe"),
]

# The installable app (issue 14): at the root, so the worker's scope is the whole site.
urlpatterns += [
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("offline", views.offline_page, name="offline"),
]
