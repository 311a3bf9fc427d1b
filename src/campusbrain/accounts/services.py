"""Every write to accounts goes through here."""

from __future__ import annotations

import hashlib
import json
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission, User
from django.db import transaction
from django.utils import timezone

from campusbrain.accounts.models import ApiToken, PersonalDataView, PersonType, Profile, Role

DEMO_PASSWORD = "campusbrain-demo"

# The system administrator of the demo manages accounts in /admin/ and nothing else: the
# three-administrator separation (系统管理员 / 安全管理员 / 审计员) keeps superuser out of reach.
_SYSADMIN_PERMISSIONS = (
    ("auth", "view_user"),
    ("auth", "add_user"),
    ("auth", "change_user"),
    ("accounts", "view_profile"),
    ("accounts", "add_profile"),
    ("accounts", "change_profile"),
)

_REQUIRED_FIELDS = ("person_type", "number", "name", "department_code", "department_name", "classes")


class DemoAccountsRefused(RuntimeError):
    """Demo accounts with a published password must never exist on a production server."""


class DemoManifestError(ValueError):
    """The demo manifest's ``demo_people`` section is missing or malformed."""


def _demo_people(manifest_path: Path) -> dict[str, dict[str, Any]]:
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DemoManifestError(f"{manifest_path}: cannot read the demo manifest ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise DemoManifestError(f"{manifest_path}: not valid JSON ({exc})") from None
    people = manifest.get("demo_people") if isinstance(manifest, dict) else None
    if not isinstance(people, dict):
        raise DemoManifestError(f"{manifest_path}: no 'demo_people' object")
    missing_roles = [role for role in Role.values if role not in people]
    if missing_roles:
        raise DemoManifestError(f"{manifest_path}: demo_people lacks {', '.join(missing_roles)}")
    for username, person in people.items():
        if username not in Role.values:
            raise DemoManifestError(f"{manifest_path}: demo_people.{username} is not a known role")
        if not isinstance(person, dict):
            raise DemoManifestError(f"{manifest_path}: demo_people.{username} must be an object")
        absent = [field for field in _REQUIRED_FIELDS if field not in person]
        if absent:
            raise DemoManifestError(f"{manifest_path}: demo_people.{username} lacks {', '.join(absent)}")
        if person.get("role", username) != username:
            raise DemoManifestError(
                f"{manifest_path}: demo_people.{username} has role {person['role']!r}; the key is the role"
            )
        if person["person_type"] not in PersonType.values:
            raise DemoManifestError(
                f"{manifest_path}: demo_people.{username}.person_type={person['person_type']!r}"
            )
        classes = person["classes"]
        if not isinstance(classes, list) or not all(isinstance(code, str) for code in classes):
            raise DemoManifestError(
                f"{manifest_path}: demo_people.{username}.classes must be a list of codes"
            )
    return people


@transaction.atomic
def demo_accounts_create(*, manifest_path: Path) -> list[User]:
    """Create or update the eleven demo users (username = role) from the manifest's ``demo_people``.

    Every demo user gets the published password ``campusbrain-demo``, so this refuses to run when
    ``CAMPUSBRAIN_PRODUCTION`` is on, and refuses to take over an existing user that is not a demo
    account. Running it twice leaves the same users, profiles and permissions.
    """
    if settings.CAMPUSBRAIN.production:
        raise DemoAccountsRefused(
            "demo accounts share a published password and are refused when CAMPUSBRAIN_PRODUCTION=1"
        )
    people = _demo_people(manifest_path)
    # One hash for all eleven: the password is public anyway, and hashing is the slow part.
    password_hash = make_password(DEMO_PASSWORD)
    users: list[User] = []
    for username in Role.values:
        person = people[username]
        user = User.objects.filter(username=username).select_related("profile").first()
        if user is not None and not Profile.objects.filter(user=user, is_demo=True).exists():
            raise DemoAccountsRefused(f"user {username!r} exists and is not a demo account; left untouched")
        if user is None:
            user = User(username=username)
        user.password = password_hash
        user.is_active = True
        user.is_superuser = False
        user.is_staff = username == Role.SYSADMIN
        user.first_name = person["name"][:150]
        user.save()
        Profile.objects.update_or_create(
            user=user,
            defaults={
                "role": username,
                "person_type": person["person_type"],
                "person_number": person["number"],
                "display_name": person["name"],
                "department_code": person["department_code"],
                "department_name": person["department_name"],
                "class_codes": list(person["classes"]),
                "is_demo": True,
            },
        )
        if username == Role.SYSADMIN:
            user.user_permissions.set(_sysadmin_permissions())
        users.append(user)
    return users


def _sysadmin_permissions() -> list[Permission]:
    query = Permission.objects.none()
    for app_label, codename in _SYSADMIN_PERMISSIONS:
        query |= Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return list(query)


def personal_data_view_record(
    *, user: User, purpose: str, object_ref: str, fields: list[str]
) -> PersonalDataView:
    """Record that ``user`` saw the personal ``fields`` of ``object_ref`` unmasked, for ``purpose``.

    Call it in the same request that shows the data, before rendering; the caller has already
    checked the right (``selectors.may_unmask``) and the object.
    """
    if not purpose or not object_ref:
        raise ValueError("purpose and object_ref are required")
    profile = Profile.objects.filter(user_id=user.pk).first()
    return PersonalDataView.objects.create(
        user=user,
        username=user.get_username(),
        role=profile.role if profile else "",
        purpose=purpose[:64],
        object_ref=object_ref[:255],
        fields=sorted(set(fields)),
    )


def token_hash(plaintext: str) -> str:
    """The stored form of an API token: tokens are random, so an unsalted SHA-256 is enough."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new bearer token for ``user``; the plaintext is returned once and never stored."""
    if not name.strip():
        raise ValueError("a token needs a name")
    plaintext = "cb_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:64], token_hash=token_hash(plaintext), prefix=plaintext[:10]
    )
    return token, plaintext


def api_token_revoke(*, token: ApiToken) -> None:
    """Revoke a token: it authenticates nobody from now on."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def api_token_touch(*, token: ApiToken) -> None:
    """Note that a token was just used (at most once a minute, so reads do not write every time)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
