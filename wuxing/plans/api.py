"""This app's part of /api/v1/: responsibility letters (+ confirm), each with its PDF.

The letter's `pdf_url` is an API route, so a client downloads the PDF with the same token that listed the letter;
it reads the letter through the same scoped selector as the page (another office's letter is not found).
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from wuxing.api.permissions import ModelViewPermission

from . import selectors, services
from .filtersets import PledgeFilterSet
from .models import Pledge
from .views import letter_pdf_response


class PledgeSerializer(serializers.ModelSerializer):
    target = serializers.IntegerField(source="target_id", read_only=True)
    branch = serializers.CharField(source="target.branch.code", read_only=True)
    pdf_url = serializers.HyperlinkedIdentityField(view_name="pledge-pdf", read_only=True)

    class Meta:
        model = Pledge
        fields = [
            "id",
            "target",
            "branch",
            "number",
            "status",
            "content",
            "content_sha256",
            "secretary_confirmed_at",
            "leader_confirmed_at",
            "void_reason",
            "created_at",
            "pdf_url",
        ]
        read_only_fields = fields


class PledgeConfirmSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=["secretary", "leader"], required=False, allow_blank=True)


class PledgeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PledgeSerializer
    permission_classes = [ModelViewPermission]
    filterset_class = PledgeFilterSet

    def get_queryset(self):
        return selectors.pledge_list(user=self.request.user)

    @extend_schema(request=PledgeConfirmSerializer, responses=PledgeSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        pledge = self.get_object()
        side = request.data.get("side") or None
        pledge = services.pledge_confirm(
            actor=request.user, pledge=pledge, side=side if side in ("secretary", "leader") else None
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=pledge.pk)).data)

    @extend_schema(
        responses={(200, "application/pdf"): OpenApiResponse(bytes, description="The letter as an A4 PDF")},
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def pdf(self, request, pk=None):
        """The letter as an A4 PDF, with the caller's token (or session)."""
        return letter_pdf_response(request, self.get_object())


def register(router):
    """Register this app's viewsets on the shared API router."""
    router.register("pledges", PledgeViewSet, basename="pledge")
