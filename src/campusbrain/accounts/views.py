"""Sign-in and sign-out, using Django's auth views with our templates."""

from __future__ import annotations

from django.contrib.auth import views as auth_views


class CampusLoginView(auth_views.LoginView):
    """Django's login (CSRF, session rotation, safe ``next`` redirects) with our page."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class CampusLogoutView(auth_views.LogoutView):
    """POST-only logout (Django 5 refuses GET), back to the login page."""
