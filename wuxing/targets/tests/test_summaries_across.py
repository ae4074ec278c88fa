"""Targets of many campaigns read at once (the table of every branch across offices reads a chunk's targets so):
the same summaries as one campaign's, in one query whatever the number of campaigns."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wuxing.campaigns.services import campaign_create
from wuxing.core.actors import SYSTEM
from wuxing.targets.models import Target
from wuxing.targets.selectors import target_summaries, target_summaries_across


def test_the_targets_of_several_campaigns_in_one_query_as_each_campaign_reads_them(tc, world):
    other = campaign_create(actor=SYSTEM, office=tc.org.office_b, year=2027, standard=tc.standard)
    # A target without stars yet (a draft): in the summaries, with no star codes.
    Target.objects.create(campaign=other, branch=tc.b1)
    with CaptureQueriesContext(connection) as queries:
        across = target_summaries_across(campaign_ids=[tc.campaign.pk, other.pk])
    assert len(queries.captured_queries) == 1
    assert across[tc.campaign.pk] == target_summaries(campaign=tc.campaign)
    assert across[other.pk] == target_summaries(campaign=other)
    assert across[other.pk][tc.b1.pk].star_codes == frozenset()
    assert {len(t.star_codes) for t in across[tc.campaign.pk].values()} == {4, 3, 2}
    # Only the branches asked for.
    some = target_summaries_across(campaign_ids=[tc.campaign.pk, other.pk], branch_ids=[tc.a1.pk, tc.b1])
    assert {pk: set(by_branch) for pk, by_branch in some.items()} == {tc.campaign.pk: {tc.a1.pk}, other.pk: {tc.b1.pk}}
