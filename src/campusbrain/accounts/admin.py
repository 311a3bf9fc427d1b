"""Profiles are edited on the user's admin page, where administrators look for them."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from campusbrain.accounts.models import ApiToken, PersonalDataView, Profile


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    extra = 0


class UserWithProfileAdmin(UserAdmin):
    inlines = [ProfileInline]
    list_display = ["username", "profile_display_name", "profile_role", "is_active", "is_staff"]
    list_select_related = ["profile"]
    search_fields = ["username", "profile__display_name", "profile__person_number"]
    list_filter = ["profile__role", "profile__is_demo", "is_active", "is_staff"]

    @admin.display(description=_("display name"))
    def profile_display_name(self, user: User) -> str:
        profile = getattr(user, "profile", None)
        return profile.display_name if profile else ""

    @admin.display(description=_("role"))
    def profile_role(self, user: User) -> str:
        profile = getattr(user, "profile", None)
        return str(profile.get_role_display()) if profile else ""


admin.site.unregister(User)
admin.site.register(User, UserWithProfileAdmin)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["display_name", "role", "person_type", "person_number", "department_name", "is_demo"]
    list_filter = ["role", "person_type", "is_demo"]
    search_fields = ["display_name", "person_number", "department_name", "user__username"]
    raw_id_fields = ["user"]


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(admin.ModelAdmin):
    """Read-only: the audit trail of unmasked personal data is written by the application only."""

    list_display = ["viewed_at", "username", "role", "purpose", "object_ref"]
    list_filter = ["purpose", "role"]
    search_fields = ["username", "object_ref"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["token_hash", "prefix", "created_at", "last_used_at"]
    raw_id_fields = ["user"]
