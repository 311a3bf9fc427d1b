from django.urls import path

from campusbrain.accounts import views

urlpatterns = [
    path("login/", views.CampusLoginView.as_view(), name="login"),
    path("logout/", views.CampusLogoutView.as_view(), name="logout"),
]
