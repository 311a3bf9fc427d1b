"""The platforms of the seed's architecture, in navigation order.

One registry feeds the header navigation, the portal's platform links and the "not built yet"
pages, so a platform that gets built changes one line here (``built=True`` and its URL name).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Platform:
    """A platform users can reach from the navigation."""

    slug: str
    name: Promise
    seed_name: str  # the name the seed document uses, shown verbatim in both languages
    summary: Promise
    app: str  # the Django app (DESIGN §3) that will hold it
    built: bool = False

    @property
    def url_name(self) -> str:
        return "home" if self.slug == "portal" else f"platform-{self.slug}"


PLATFORMS: tuple[Platform, ...] = (
    Platform(
        slug="portal",
        name=_("Unified information portal"),
        seed_name="统一信息门户",
        summary=_("Your identity and the entry point to every platform."),
        app="campusbrain.portal",
        built=True,
    ),
    Platform(
        slug="cockpit",
        name=_("Leadership cockpit"),
        seed_name="领导驾驶舱 · 杭职大脑",
        summary=_(
            "The leadership cockpit with its 16 themes, every figure a governed metric from the data hub "
            "with its definition, freshness and quality."
        ),
        app="campusbrain.cockpit",
        built=True,
    ),
    Platform(
        slug="governance",
        name=_("Data hub and data governance"),
        seed_name="数据中台 · 数据治理",
        summary=_(
            "Ingesting every source system, standardizing to national codes, one golden record per person, "
            "quality checks and tickets, the data catalog and lineage."
        ),
        app="campusbrain.governance",
        built=True,
    ),
    Platform(
        slug="servicehall",
        name=_("One-stop online service hall"),
        seed_name="一站式网上办事大厅",
        summary=_("Applications and approvals for staff and students, run as BPMN workflows."),
        app="campusbrain.servicehall",
    ),
    Platform(
        slug="budget",
        name=_("Budget, finance, performance and control"),
        seed_name="业-财-效-控一体化平台",
        summary=_("Budgets tied to projects, spending, performance targets and internal control."),
        app="campusbrain.budget",
    ),
    Platform(
        slug="assurance",
        name=_("Quality assurance and diagnosis"),
        seed_name="内部质量管理与诊断分析平台（诊改）",
        summary=_("Internal quality assurance: targets, standards, diagnosis and improvement (诊改)."),
        app="campusbrain.assurance",
    ),
    Platform(
        slug="learning",
        name=_("Smart learning portal"),
        seed_name="“学在杭职”智慧学习门户",
        summary=_("Courses and learning records (xAPI) for students and teachers."),
        app="campusbrain.learning",
    ),
)


def platform_by_slug(slug: str) -> Platform:
    """The platform with this slug; ``KeyError`` when there is none."""
    for platform in PLATFORMS:
        if platform.slug == slug:
            return platform
    raise KeyError(slug)
