"""Reporting lines and org unit trees: paths, moves, cycles, constant-query hierarchy reads."""

import pytest

from perf_mgmt_plugin.core.paths import MAX_DEPTH, decode_path, encode_step
from perf_mgmt_plugin.org import services
from perf_mgmt_plugin.org.errors import OrgError, ReportingCycleError
from perf_mgmt_plugin.org.models import Employee, OrgUnit

from .. import factories

pytestmark = pytest.mark.django_db


def test_paths_encode_and_decode():
    assert encode_step(0) == "000000"
    assert decode_path(encode_step(35) + encode_step(36 * 36)) == [35, 1296]


def test_reports_at_any_depth(org):
    reports = set(services.reports_of(org.ceo).values_list("user__username", flat=True))
    assert reports == {"director", "manager", "alice", "bob", "seller"}
    assert set(services.reports_of(org.manager, direct_only=True).values_list("user__username", flat=True)) == {
        "alice",
        "bob",
    }


def test_chain_up_to_the_top(org):
    assert [e.user.username for e in services.chain_of(org.alice)] == ["manager", "director", "ceo"]
    assert services.chain_of(org.ceo) == []


@pytest.mark.parametrize("depth", [3, 12])
def test_hierarchy_reads_take_constant_queries(db, depth, django_assert_num_queries):
    chain = factories.make_chain(depth)
    top, bottom = chain[0], Employee.objects.get(pk=chain[-1].pk)
    with django_assert_num_queries(1):
        assert len(list(services.reports_of(top))) == depth - 1
    with django_assert_num_queries(1):
        assert len(services.chain_of(bottom)) == depth - 1


def test_moving_a_manager_moves_their_reports(org):
    services.set_manager(org.manager, org.seller)
    alice = Employee.objects.get(pk=org.alice.pk)
    assert [e.user.username for e in services.chain_of(alice)] == ["manager", "seller", "ceo"]
    assert not services.reports_of(org.director).exists()


def test_cycles_are_rejected_with_a_clear_error(org):
    with pytest.raises(ReportingCycleError, match="already reports to"):
        services.set_manager(org.director, Employee.objects.get(pk=org.alice.pk))
    with pytest.raises(ReportingCycleError):
        services.set_manager(org.alice, org.alice)
    assert Employee.objects.get(pk=org.director.pk).manager_id == org.ceo.pk


def test_unit_cannot_move_under_itself(org):
    with pytest.raises(OrgError):
        services.set_parent_unit(org.engineering, OrgUnit.objects.get(pk=org.platform.pk))


def test_too_deep_is_refused(db):
    chain = factories.make_chain(MAX_DEPTH)
    with pytest.raises(OrgError, match="deeper"):
        factories.make_employee(manager=chain[-1])


def test_rebuild_paths_matches_incremental_paths(org):
    before = dict(Employee.objects.values_list("pk", "path"))
    Employee.objects.update(path="")
    services.rebuild_paths(Employee)
    assert dict(Employee.objects.values_list("pk", "path")) == before


def test_history_records_who_changed_the_manager(org):
    services.set_manager(org.bob, org.director, changed_by=org.hr)
    latest = Employee.history.filter(id=org.bob.pk).first()
    assert latest.manager_id == org.director.pk
    assert latest.history_user_id == org.hr.pk
