"""The addresses from before deliberations and plans became apps of their own answer 301 (308 for a post) with
the new address."""

import pytest

# (old address, new address); 7 stands for any id.
MOVED = [
    ("/targets/7/plan/", "/plans/7/"),
    ("/targets/7/plan/measures/", "/plans/7/measures/"),
    ("/targets/7/letter/", "/plans/7/letter/"),
    ("/targets/measures/7/delete/", "/plans/measures/7/delete/"),
    ("/targets/measures/7/milestones/", "/plans/measures/7/milestones/"),
    ("/targets/milestones/7/delete/", "/plans/milestones/7/delete/"),
    ("/targets/letters/", "/plans/letters/"),
    ("/targets/letters/7/", "/plans/letters/7/"),
    ("/targets/letters/7/pdf/", "/plans/letters/7/pdf/"),
    ("/targets/letters/7/confirm/", "/plans/letters/7/confirm/"),
    ("/targets/deliberations/", "/deliberations/"),
    ("/targets/deliberations/new/", "/deliberations/new/"),
    ("/targets/deliberations/7/", "/deliberations/7/"),
    ("/targets/deliberations/7/step/", "/deliberations/7/step/"),
    ("/targets/deliberations/7/implementation/", "/deliberations/7/implementation/"),
    ("/targets/deliberations/7/close/", "/deliberations/7/close/"),
    ("/targets/deliberations/attachments/7/", "/deliberations/attachments/7/"),
    ("/targets/procedures/", "/deliberations/procedures/"),
]


@pytest.mark.parametrize(("old", "new"), MOVED, ids=[old for old, _new in MOVED])
def test_an_old_address_is_a_permanent_redirect_to_the_new_one(client, old, new):
    response = client.get(old)
    assert response.status_code == 301 and response["Location"] == new
    # The query string comes along (a campaign, a filter, an export).
    response = client.get(old, {"campaign": "3", "export": "xlsx"})
    assert response.status_code == 301 and response["Location"] == f"{new}?campaign=3&export=xlsx"
    # A form posted to the old address is sent on with its method (308), not turned into a GET.
    response = client.post(old, {"reason": "x"})
    assert response.status_code == 308 and response["Location"] == new


def test_pages_that_stayed_do_not_move(client):
    for path in ("/targets/", "/targets/7/", "/targets/baseline/"):
        assert client.get(path).status_code == 302  # the sign-in page, not a redirect elsewhere
        assert "/login" in client.get(path)["Location"]


def test_the_public_notices_keep_their_address(client, world):
    office = world.tc.org.office_a
    assert client.get(f"/public/{office.code}/notices/").status_code == 200
    assert client.get(f"/public/{office.code}/notices/{world.notice.pk}/").status_code == 200


def test_an_old_address_leads_a_signed_in_user_to_the_page(client, world):
    client.force_login(world.tc.users.secretary)
    response = client.get(f"/targets/letters/{world.pledge.pk}/", follow=True)
    assert response.redirect_chain == [(f"/plans/letters/{world.pledge.pk}/", 301)]
    assert response.status_code == 200
    response = client.get(f"/targets/deliberations/{world.deliberation.pk}/", follow=True)
    assert response.status_code == 200 and world.deliberation.subject in response.content.decode()
