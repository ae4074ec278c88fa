"""Shared DRF plumbing and the core endpoints (token, audit log). Each app serves its own endpoints from its
`api.py` through the same selectors and services as its pages, so scope cannot drift."""

import re
from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from wuxing.core.filtersets import AuditLogFilterSet
from wuxing.core.fragments import VALUES
from wuxing.core.selectors import audit_list
from wuxing.core.services import account_authenticate
from wuxing.core.tokens import token_issue

from . import serializers as s
from .permissions import ModelViewPermission
from .serializers import TokenRequestSerializer


class TokenView(APIView):
    """Exchange user name and password for a new token (hashed, expiring); failed attempts count toward the
    lock-out and the address limit (R18)."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def initial(self, request, *args, **kwargs):
        """Only two short strings get as far as the sign-in check; a list, an object or a 100,000-character name
        is a 400 here."""
        super().initial(request, *args, **kwargs)
        if not isinstance(request.data, Mapping):
            raise exceptions.ValidationError({"detail": [_("Enter the user name and the password.")]})
        TokenRequestSerializer(data={k: request.data.get(k, "") for k in ("username", "password")}).is_valid(
            raise_exception=True
        )

    @extend_schema(
        request=inline_serializer(
            "TokenRequest", {"username": serializers.CharField(), "password": serializers.CharField()}
        ),
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request):
        username = request.data.get("username") or ""
        password = request.data.get("password") or ""
        if not username or not password:
            return Response({"detail": _("Enter the user name and the password.")}, status=status.HTTP_400_BAD_REQUEST)
        try:
            user = account_authenticate(request=request._request, username=username, password=password)
        except DjangoValidationError as exc:
            code = (
                status.HTTP_429_TOO_MANY_REQUESTS
                if getattr(exc, "code", None) == "throttled"
                else status.HTTP_400_BAD_REQUEST
            )
            return Response({"detail": " ".join(exc.messages)}, status=code)
        if user.must_change_password:
            # The initial password is changed on the account page first; no token is issued for it.
            return Response(
                {"detail": _("Change your initial password before you continue.")}, status=status.HTTP_403_FORBIDDEN
            )
        return Response({"token": token_issue(user=user)})


class ScopedReadViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [ModelViewPermission]


class ValuesListMixin:
    """A list whose page is read as plain values (`list_values(queryset)`, e.g. a `values_list` of the filtered
    queryset) and written row by row (`list_rows(page)`: one dict per row), not through model instances and the
    model serializer. `serializer_class` stays the declared one: the schema documents it, and the detail and the
    writes answer with it; each viewset tests that both give the same dict for every row.

    With `list_key` (a function of the user and the page's parts giving a cache key, or None for no caching, e.g.
    org.figures.scoped_key), a page asked with no parameter but a short `limit` and `offset` is kept in the cache
    under that key: its count and its rows. The key must change with everything the rows show."""

    list_key = None
    list_ttl = 600

    def list(self, request, *args, **kwargs):
        key = self._list_cache_key(request)
        if key is not None:
            hit = VALUES.get(key)
            if hit is not None:
                count, rows = hit
                return self._page_response(request, count, rows)
        values = self.list_values(self.filter_queryset(self.get_queryset()))
        page = self.paginate_queryset(values)
        if page is None:
            return Response(self.list_rows(list(values)))
        rows = self.list_rows(page)
        if key is not None:
            VALUES.set(key, (self.paginator.count, rows), self.list_ttl)
        return self.get_paginated_response(rows)

    def _list_cache_key(self, request) -> str | None:
        """The page's key, for a page asked with at most `limit` and `offset`, each once and written as the number
        it is with at most four digits (no other spelling of the same page, no unbounded set of pages)."""
        if self.list_key is None or self.paginator is None or not request.user.is_authenticated:
            return None
        params = request.query_params
        if set(params) - {"limit", "offset"} or any(len(params.getlist(name)) != 1 for name in params):
            return None
        if not all(_CANONICAL_NUMBER.fullmatch(params[name]) for name in params):
            return None
        parts = (type(self).__name__, self.paginator.get_limit(request), self.paginator.get_offset(request))
        return type(self).list_key(request.user, parts)

    def _page_response(self, request, count, rows):
        """The paginated answer for a page kept in the cache, as paginate_queryset would have set it up."""
        paginator = self.paginator
        paginator.request = request
        paginator.limit = paginator.get_limit(request)
        paginator.offset = paginator.get_offset(request)
        paginator.count = count
        if count > paginator.limit and paginator.template is not None:
            paginator.display_page_controls = True
        return self.get_paginated_response(rows)

    def list_values(self, queryset):
        raise NotImplementedError

    def list_rows(self, page) -> "list[dict]":  # quoted: `list` is the method above in this class's body
        raise NotImplementedError


_CANONICAL_NUMBER = re.compile(r"0|[1-9][0-9]{0,3}")


class AuditLogViewSet(ScopedReadViewSet):
    serializer_class = s.AuditLogSerializer
    filterset_class = AuditLogFilterSet

    def get_queryset(self):
        return audit_list(user=self.request.user)


def register(router):
    router.register("audit-log", AuditLogViewSet, basename="auditlog")
