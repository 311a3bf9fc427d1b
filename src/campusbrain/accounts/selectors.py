"""Reads about accounts, for views and other apps."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User

from campusbrain.accounts.models import ApiToken, Profile
from campusbrain.accounts.services import api_token_touch, token_hash
from campusbrain.hub.contracts import Viewer

# Roles whose holders may see personal data in clear at all. Each view still checks the object
# (a steward unmasks only its own department's rows) and records every unmasked view.
ROLES_MAY_UNMASK = frozenset({"steward", "secadmin"})


@dataclass(frozen=True)
class ProfileSummary:
    """What a page may show about the signed-in user; ``has_profile`` is False for bare admin users."""

    username: str
    display_name: str
    role: str
    role_label: str
    person_type: str
    person_type_label: str
    person_number: str
    department_name: str
    class_codes: tuple[str, ...]
    is_demo: bool
    has_profile: bool


def profile_for_user(user: AbstractBaseUser | AnonymousUser) -> Profile | None:
    """The user's profile, or ``None`` for anonymous users and users created without one."""
    if not user.is_authenticated:
        return None
    return Profile.objects.filter(user_id=user.pk).first()


def profile_summary_for_user(user: AbstractBaseUser | AnonymousUser) -> ProfileSummary | None:
    """A display-ready summary of the user; ``None`` when nobody is signed in."""
    if not user.is_authenticated:
        return None
    username = user.get_username()
    profile = profile_for_user(user)
    if profile is None:
        return ProfileSummary(
            username=username,
            display_name=username,
            role="",
            role_label="",
            person_type="",
            person_type_label="",
            person_number="",
            department_name="",
            class_codes=(),
            is_demo=False,
            has_profile=False,
        )
    return ProfileSummary(
        username=username,
        display_name=profile.display_name,
        role=profile.role,
        role_label=str(profile.get_role_display()),
        person_type=profile.person_type,
        person_type_label=str(profile.get_person_type_display()),
        person_number=profile.person_number,
        department_name=profile.department_name,
        class_codes=tuple(profile.class_codes),
        is_demo=profile.is_demo,
        has_profile=True,
    )


def viewer_for_user(user: AbstractBaseUser | AnonymousUser) -> Viewer | None:
    """The hub's view of a signed-in user (scope and unmask right); ``None`` without a profile.

    A user with no profile (an administrator created by hand) gets no hub data: scope comes
    only from a profile that ties the account to a person of the college.
    """
    profile = profile_for_user(user)
    if profile is None:
        return None
    return Viewer(
        username=user.get_username(),
        role=profile.role,
        department_code=profile.department_code,
        department_name=profile.department_name,
        class_codes=tuple(profile.class_codes),
        person_number=profile.person_number,
        may_unmask=profile.role in ROLES_MAY_UNMASK,
    )


def user_for_api_token(plaintext: str) -> User | None:
    """The active user a bearer token belongs to, or ``None`` (unknown, revoked, inactive user)."""
    if not plaintext or not plaintext.startswith("cb_"):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=token_hash(plaintext), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    api_token_touch(token=token)
    return token.user
