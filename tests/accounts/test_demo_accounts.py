"""demo_accounts_create: the eleven demo people, idempotent, refused in production."""

from __future__ import annotations

import dataclasses
import json

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User

from campusbrain.accounts.models import Profile, Role
from campusbrain.accounts.services import (
    DEMO_PASSWORD,
    DemoAccountsRefused,
    DemoManifestError,
    demo_accounts_create,
)

pytestmark = pytest.mark.django_db


def test_creates_one_user_per_role_with_profile_from_manifest(demo_manifest):
    users = demo_accounts_create(manifest_path=demo_manifest)

    assert sorted(u.username for u in users) == sorted(Role.values)
    counsellor = Profile.objects.get(user__username="counsellor")
    assert counsellor.display_name == "王佳怡"
    assert counsellor.role == Role.COUNSELLOR
    assert counsellor.person_type == "staff"
    assert counsellor.person_number == "GH20180522"
    assert counsellor.department_name == "智能制造学院"
    assert counsellor.class_codes == ["ZZ2301", "ZZ2302"]
    assert counsellor.is_demo
    student = Profile.objects.get(user__username="student")
    assert (student.person_type, student.person_number, student.class_codes) == (
        "student",
        "2023210101",
        ["ZZ2301"],
    )


def test_demo_password_works_for_every_account(demo_manifest):
    demo_accounts_create(manifest_path=demo_manifest)

    for role in Role.values:
        assert authenticate(username=role, password=DEMO_PASSWORD) is not None, role


def test_running_twice_updates_instead_of_duplicating(demo_manifest, tmp_path):
    demo_accounts_create(manifest_path=demo_manifest)
    manifest = json.loads(demo_manifest.read_text(encoding="utf-8"))
    manifest["demo_people"]["teacher"]["department_name"] = "信息工程学院"
    changed = tmp_path / "manifest.json"
    changed.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")

    demo_accounts_create(manifest_path=changed)

    assert User.objects.count() == len(Role.values)
    assert Profile.objects.count() == len(Role.values)
    assert Profile.objects.get(user__username="teacher").department_name == "信息工程学院"


def test_refused_in_production(demo_manifest, settings):
    settings.CAMPUSBRAIN = dataclasses.replace(settings.CAMPUSBRAIN, production=True)

    with pytest.raises(DemoAccountsRefused, match="CAMPUSBRAIN_PRODUCTION"):
        demo_accounts_create(manifest_path=demo_manifest)
    assert not User.objects.exists()


def test_refuses_to_take_over_a_real_user(demo_manifest):
    User.objects.create_user(username="auditor", password="a real auditor's own password")

    with pytest.raises(DemoAccountsRefused, match="auditor"):
        demo_accounts_create(manifest_path=demo_manifest)
    # All or nothing: no demo account was left behind by the refused run.
    assert User.objects.count() == 1
    assert authenticate(username="auditor", password=DEMO_PASSWORD) is None


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda m: m.pop("demo_people"), "no 'demo_people'"),
        (lambda m: m["demo_people"].pop("secadmin"), "lacks secadmin"),
        (lambda m: m["demo_people"]["dean"].pop("name"), "dean lacks name"),
        (lambda m: m["demo_people"].__setitem__("janitor", {}), "janitor is not a known role"),
        (lambda m: m["demo_people"]["student"].__setitem__("person_type", "alumnus"), "person_type"),
        (lambda m: m["demo_people"]["student"].__setitem__("classes", "ZZ2301"), "list of codes"),
        (lambda m: m["demo_people"]["leader"].__setitem__("role", "dean"), "the key is the role"),
    ],
)
def test_malformed_manifest_is_a_clear_error(demo_manifest, tmp_path, mutate, message):
    manifest = json.loads(demo_manifest.read_text(encoding="utf-8"))
    mutate(manifest)
    bad = tmp_path / "manifest.json"
    bad.write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(DemoManifestError, match=message):
        demo_accounts_create(manifest_path=bad)


def test_missing_manifest_file_is_a_clear_error(tmp_path):
    with pytest.raises(DemoManifestError, match="cannot read"):
        demo_accounts_create(manifest_path=tmp_path / "absent.json")


def test_sysadmin_may_manage_accounts_in_admin_and_a_teacher_may_not(client, demo_users):
    client.force_login(demo_users["sysadmin"])
    assert client.get("/admin/auth/user/").status_code == 200

    client.force_login(demo_users["teacher"])
    response = client.get("/admin/auth/user/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_sysadmin_is_not_superuser(demo_users):
    # Three-administrator separation: the system administrator cannot read audit data by fiat.
    sysadmin = demo_users["sysadmin"]
    assert sysadmin.is_staff and not sysadmin.is_superuser
    assert not sysadmin.has_perm("auth.delete_user")
