"""What pages may show about the signed-in user."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User

from campusbrain.accounts.selectors import profile_summary_for_user

pytestmark = pytest.mark.django_db


def test_summary_of_a_demo_student(demo_users):
    summary = profile_summary_for_user(demo_users["student"])

    assert summary is not None
    assert summary.display_name == "赵子涵"
    assert summary.role == "student"
    assert summary.person_number == "2023210101"
    assert summary.class_codes == ("ZZ2301",)
    assert summary.has_profile and summary.is_demo


def test_user_without_profile_is_shown_by_username():
    user = User.objects.create_user(username="ops", password="x" * 12)

    summary = profile_summary_for_user(user)

    assert summary is not None
    assert (summary.display_name, summary.has_profile, summary.role) == ("ops", False, "")


def test_anonymous_has_no_summary():
    assert profile_summary_for_user(AnonymousUser()) is None
