"""Reads about accounts, for views and other apps."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from campusbrain.accounts.models import Profile


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
