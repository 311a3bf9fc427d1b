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


class PersonalDataView(models.Model):
    """One time someone saw personal data in clear (unmasked): who, when, what and why.

    Written only by ``services.personal_data_view_record``; never edited or deleted from the
    application, so the 审计员 can rely on it (JY/T 0661: access to personal information is logged).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    username = models.CharField(_("username"), max_length=150)  # kept even if the user is renamed
    role = models.CharField(_("role"), max_length=16, blank=True)
    viewed_at = models.DateTimeField(_("viewed at"), auto_now_add=True, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=64)
    object_ref = models.CharField(_("object"), max_length=255)
    fields = models.JSONField(_("fields"), default=list)

    class Meta:
        verbose_name = _("personal data view")
        verbose_name_plural = _("personal data views")
        ordering = ["-viewed_at"]

    def __str__(self) -> str:
        return f"{self.username} {self.purpose} {self.object_ref}"


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its SHA-256 is stored, the plaintext is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("prefix"), max_length=12)  # shown in lists so a token can be recognised
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
