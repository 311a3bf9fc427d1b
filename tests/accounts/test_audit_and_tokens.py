"""The hub viewer of a user, the audit trail of unmasked personal data, and API bearer tokens."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, User

from campusbrain.accounts.models import PersonalDataView
from campusbrain.accounts.selectors import ROLES_MAY_UNMASK, user_for_api_token, viewer_for_user
from campusbrain.accounts.services import api_token_create, api_token_revoke, personal_data_view_record

pytestmark = pytest.mark.django_db


def test_viewer_carries_scope_and_the_unmask_right(demo_users):
    counsellor = viewer_for_user(demo_users["counsellor"])
    steward = viewer_for_user(demo_users["steward"])

    assert counsellor is not None and steward is not None
    assert (counsellor.role, counsellor.department_code, counsellor.class_codes) == (
        "counsellor",
        "XB210",
        ("ZZ2301", "ZZ2302"),
    )
    assert counsellor.may_unmask is False
    assert steward.may_unmask is True and "steward" in ROLES_MAY_UNMASK


def test_no_viewer_without_a_profile_or_signed_out():
    bare = User.objects.create_user(username="ops", password="x" * 12)

    assert viewer_for_user(bare) is None
    assert viewer_for_user(AnonymousUser()) is None


def test_an_unmasked_view_is_recorded_with_who_what_and_why(demo_users):
    personal_data_view_record(
        user=demo_users["steward"],
        purpose="quality_failing_rows",
        object_ref="dwd.student:2023210101",
        fields=["SFZJH", "XM", "SFZJH"],
    )

    entry = PersonalDataView.objects.get()
    assert (entry.username, entry.role, entry.fields) == ("steward", "steward", ["SFZJH", "XM"])
    with pytest.raises(ValueError):
        personal_data_view_record(user=demo_users["steward"], purpose="", object_ref="x", fields=[])


def test_a_token_authenticates_its_user_until_revoked(demo_users):
    token, plaintext = api_token_create(user=demo_users["leader"], name="cockpit screen")

    assert plaintext.startswith("cb_") and plaintext not in token.token_hash
    assert user_for_api_token(plaintext) == demo_users["leader"]
    assert user_for_api_token(plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")) is None
    assert user_for_api_token("") is None

    api_token_revoke(token=token)
    assert user_for_api_token(plaintext) is None


def test_a_token_of_a_deactivated_user_authenticates_nobody(demo_users):
    _, plaintext = api_token_create(user=demo_users["dean"], name="script")
    demo_users["dean"].is_active = False
    demo_users["dean"].save()

    assert user_for_api_token(plaintext) is None
