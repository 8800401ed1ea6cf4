from django.urls import path

from web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("invite/<str:token>", views.invite, name="invite"),
]
