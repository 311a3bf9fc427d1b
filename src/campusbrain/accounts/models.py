"""The profile that ties a Django user to a person of the college."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person does at the college; decides what they may see and do."""

    LEADER = "leader", _("College leader")
    DEAN = "dean", _("Department head")
    TEACHER = "teacher", _("Teacher")
    COUNSELLOR = "counsellor", _("Counsellor")
    STUDENT = "student", _("Student")
    STEWARD = "steward", _("Data steward")
    FINANCE = "finance", _("Finance officer")
    QUALITY = "quality", _("Quality assurance office")
    SYSADMIN = "sysadmin", _("System administrator")
    SECADMIN = "secadmin", _("Security administrator")
    AUDITOR = "auditor", _("Auditor")


class PersonType(models.TextChoices):
    STAFF = "staff", _("Staff")
    STUDENT = "student", _("Student")


class Profile(models.Model):
    """One per user: who they are at the college (role, staff/student number, department, classes)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    person_type = models.CharField(_("person type"), max_length=8, choices=PersonType.choices)
    # 工号 for staff, 学号 for students; the key that links the account to the data hub's person.
    person_number = models.CharField(_("staff or student number"), max_length=32, blank=True)
    display_name = models.CharField(_("display name"), max_length=64)
    department_code = models.CharField(_("department code"), max_length=32, blank=True)
    department_name = models.CharField(_("department name"), max_length=128, blank=True)
    # Class codes a counsellor looks after or a student belongs to; scopes what they see.
    class_codes = models.JSONField(_("class codes"), default=list, blank=True)
    is_demo = models.BooleanField(_("demo account"), default=False)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.UniqueConstraint(
                fields=["person_type", "person_number"],
                condition=~models.Q(person_number=""),
                name="accounts_profile_unique_person_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_role_display()})"
