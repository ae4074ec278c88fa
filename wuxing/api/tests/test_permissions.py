"""ModelViewPermission reads the viewset's model from its serializer, without building the restricted queryset:
that must be the queryset's model for every viewset of the API."""

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from wuxing.api.permissions import ModelViewPermission, view_model
from wuxing.config.api_urls import router
from wuxing.testing import users_for

pytestmark = pytest.mark.django_db


def test_every_viewset_serves_its_serializers_model(org):
    user = users_for(org).leader
    checked = 0
    for prefix, viewset, _basename in router.registry:
        if ModelViewPermission not in getattr(viewset, "permission_classes", []):
            continue
        view = viewset(action="list", kwargs={}, format_kwarg=None)
        view.request = Request(APIRequestFactory().get("/"))
        view.request.user = user
        assert view_model(view) is view.get_queryset().model, prefix
        checked += 1
    assert checked > 20
