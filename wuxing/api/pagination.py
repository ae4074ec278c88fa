"""API list pages: `limit` capped at MAX_LIMIT, `offset` range-checked, so no value reaches the database unbounded."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import MaxValueValidator
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination

from wuxing.core.filters import MAX_ID

MAX_LIMIT = 1000


class BoundedLimitOffsetPagination(LimitOffsetPagination):
    max_limit = MAX_LIMIT

    def get_offset(self, request):
        offset = super().get_offset(request)
        try:
            MaxValueValidator(MAX_ID)(offset)
        except DjangoValidationError as exc:
            raise ValidationError({self.offset_query_param: exc.messages}) from exc
        return offset
