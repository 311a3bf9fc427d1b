"""Who may open which governance page: for every rule a user who may and one who may not."""

from __future__ import annotations

import pytest
from django.urls import reverse

from campusbrain.accounts.models import PersonalDataView
from campusbrain.hub import api

READ_PAGES = ["platform-governance", "governance-quality", "governance-freshness"]
WORK_PAGES = ["governance-workbench", "governance-crosswalks"]
READERS = ["steward", "leader", "quality", "sysadmin", "auditor", "dean"]
REFUSED = ["student", "teacher", "counsellor", "finance", "secadmin"]


@pytest.mark.parametrize("page", READ_PAGES)
@pytest.mark.parametrize("username", READERS)
def test_readers_open_catalog_quality_and_freshness(hub_home, login, username, page):
    assert login(username).get(reverse(page)).status_code == 200


@pytest.mark.parametrize("page", READ_PAGES + WORK_PAGES)
@pytest.mark.parametrize("username", REFUSED)
def test_students_teachers_and_others_are_refused_everywhere(hub_home, login, username, page):
    response = login(username).get(reverse(page))

    assert response.status_code == 403
    assert "403" in response.content.decode()


def test_item_page_follows_the_read_rule(hub_home, login):
    url = reverse("governance-item", kwargs={"item_id": "dwd.student.SFZJH"})

    assert login("auditor").get(url).status_code == 200
    assert login("teacher").get(url).status_code == 403


def test_a_user_without_profile_is_refused(hub_home, client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="ops", password="x" * 12))

    assert client.get(reverse("platform-governance")).status_code == 403


def test_anonymous_is_sent_to_login(hub_home, client):
    response = client.get(reverse("governance-quality"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("page", WORK_PAGES)
@pytest.mark.parametrize("username", ["steward", "sysadmin"])
def test_stewards_and_sysadmin_open_the_workbenches(hub_home, login, username, page):
    assert login(username).get(reverse(page)).status_code == 200


@pytest.mark.parametrize("page", WORK_PAGES)
@pytest.mark.parametrize("username", ["leader", "quality", "auditor", "dean"])
def test_readers_who_do_not_steward_are_refused_the_workbenches(hub_home, login, username, page):
    assert login(username).get(reverse(page)).status_code == 403


def test_steward_sees_only_own_department_tickets(hub_home, login, tickets, steward_department):
    own = [t for t in tickets if t.owner_department == steward_department]
    others = [t for t in tickets if t.owner_department != steward_department]
    assert own and others, "the demo college should give the steward's department tickets, and others too"

    page = login("steward").get(reverse("governance-workbench") + "?status=all").content.decode()

    for ticket in own:
        assert ticket.ticket_id in page
    for ticket in others:
        assert f">{ticket.ticket_id}<" not in page


def test_sysadmin_sees_every_department_ticket(hub_home, login, tickets):
    page = login("sysadmin").get(reverse("governance-workbench") + "?status=all").content.decode()

    for ticket in tickets:
        assert ticket.ticket_id in page


def test_steward_gets_403_for_another_department_ticket(hub_home, login, tickets, steward_department):
    foreign = next(t for t in tickets if t.owner_department != steward_department)
    own = next(t for t in tickets if t.owner_department == steward_department)
    client = login("steward")

    assert client.get(reverse("governance-ticket", args=[own.ticket_id])).status_code == 200
    assert client.get(reverse("governance-ticket", args=[foreign.ticket_id])).status_code == 403
    assert client.get(reverse("governance-ticket", args=[foreign.ticket_id]) + "?unmask=1").status_code == 403


def test_sysadmin_opens_any_ticket_but_may_not_unmask(hub_home, login, tickets):
    ticket = tickets[0]
    client = login("sysadmin")

    assert client.get(reverse("governance-ticket", args=[ticket.ticket_id])).status_code == 200
    assert client.get(reverse("governance-ticket", args=[ticket.ticket_id]) + "?unmask=1").status_code == 403
    assert not PersonalDataView.objects.exists()


def test_unknown_ticket_is_404(hub_home, login):
    assert login("sysadmin").get(reverse("governance-ticket", args=["QT-no.such.rule"])).status_code == 404


def _personal_ticket(home, department):
    """A ticket of ``department`` whose captured failing rows mask to something else."""
    for ticket in api.quality_tickets(home, department=department):
        raw = api.quality_failing_rows(home, ticket.rule_id, limit=100)
        masked = api.quality_failing_rows(home, ticket.rule_id, limit=100, masked=True)
        changed = [
            (r.value, m.value) for r, m in zip(raw.rows, masked.rows, strict=True) if r.value != m.value
        ]
        if changed:
            return ticket, changed
    return None, []


def test_failing_rows_are_masked_by_default_and_unmasking_is_audited(hub_home, login):
    # 招生就业处 owns the planted invalid ID numbers of 招生 and 就业.
    ticket, changed = _personal_ticket(hub_home, "010")
    assert ticket is not None, "the demo college plants invalid ID numbers in 招生"
    raw_value, masked_value = changed[0]
    client = login("steward010")
    url = reverse("governance-ticket", args=[ticket.ticket_id])

    masked_page = client.get(url).content.decode()
    assert masked_value in masked_page
    assert raw_value not in masked_page
    assert not PersonalDataView.objects.exists()

    clear_page = client.get(url + "?unmask=1").content.decode()
    assert raw_value in clear_page
    record = PersonalDataView.objects.get()
    assert record.username == "steward010"
    assert record.purpose == "governance failing rows"
    assert ticket.ticket_id in record.object_ref


def test_steward_sees_only_own_department_unmapped_values(hub_home, login, cast):
    values = api.unmapped_values(hub_home)
    own = [v for v in values if v.owner_code == "010"]
    others = [v for v in values if v.owner_code != "010"]
    assert own and others

    page = login("steward010").get(reverse("governance-crosswalks")).content.decode()

    for value in own:
        assert f"<code>{value.source_value}</code>" in page
    for value in others:
        assert f"<code>{value.source_value}</code>" not in page
    everything = login("sysadmin").get(reverse("governance-crosswalks")).content.decode()
    for value in values:
        assert f"<code>{value.source_value}</code>" in everything


def test_steward_may_not_open_the_mapping_form_of_another_department(hub_home, login):
    foreign = next(v for v in api.unmapped_values(hub_home) if v.owner_code != "010")
    own = next(v for v in api.unmapped_values(hub_home) if v.owner_code == "010")
    client = login("steward010")
    url = reverse("governance-crosswalk-map")

    def key(v):
        return {"source": v.source, "table": v.table, "field": v.field, "value": v.source_value}

    assert client.get(url, key(own)).status_code == 200
    assert client.get(url, key(foreign)).status_code == 403
    assert client.post(url, {**key(foreign), "code": "1"}).status_code == 403


def test_a_steward_without_department_reads_but_has_no_workbench(hub_home, client, db, django_user_model):
    from campusbrain.accounts.models import Profile

    user = django_user_model.objects.create_user(username="steward-nodept", password="x" * 12)
    Profile.objects.create(user=user, role="steward", person_type="staff", display_name="无部门专员")
    client.force_login(user)

    assert client.get(reverse("platform-governance")).status_code == 200
    assert client.get(reverse("governance-workbench")).status_code == 403
    assert client.get(reverse("governance-crosswalks")).status_code == 403


def test_sysadmin_maps_a_value_of_any_department(writable_hub_home, login):
    value = next(v for v in api.unmapped_values(writable_hub_home) if v.owner_code != "009" and v.code_system)
    code = api.code_choices(value.code_system)[0].code
    params = {"source": value.source, "table": value.table, "field": value.field, "value": value.source_value}

    response = login("sysadmin").post(reverse("governance-crosswalk-map"), {**params, "code": code})

    assert response.status_code == 302


def test_sysadmin_narrows_the_workbench_to_one_department(hub_home, login, tickets):
    department = tickets[0].owner_department

    page = login("sysadmin").get(reverse("governance-workbench"), {"status": "all", "department": department})

    text = page.content.decode()
    for ticket in tickets:
        shown = f">{ticket.ticket_id}<" in text
        assert shown == (ticket.owner_department == department)


def test_steward_may_not_name_another_department_on_the_workbench(hub_home, login, steward_department):
    client = login("steward")
    url = reverse("governance-workbench")

    assert client.get(url, {"department": steward_department}).status_code == 200
    assert client.get(url, {"department": "010"}).status_code == 403
    assert client.get(url, {"status": "nosuch"}).status_code == 400
