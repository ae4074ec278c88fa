"""This app's part of /api/v1/: targets (+ submit / return / agree), confirm-targets, deliberations with steps, letters."""

from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from wuxing.api.permissions import ModelViewPermission
from wuxing.campaigns.selectors import campaign_list
from wuxing.org.models import Branch

from . import rules, selectors, services
from .choices import MatterKind, MeetingForm, Step
from .models import Deliberation, DeliberationStep, Pledge, Target, TargetRound


def _branch(user, value):
    qs = Branch.objects.restrict(user, "view")
    branch = qs.filter(code=str(value)).first() or (qs.filter(pk=int(value)).first() if str(value).isdigit() else None)
    if branch is None:
        raise serializers.ValidationError({"branch": [_("Unknown branch, or outside your scope.")]})
    return branch


class RoundSerializer(serializers.ModelSerializer):
    stars = serializers.ListField(source="star_codes", child=serializers.CharField())

    class Meta:
        model = TargetRound
        fields = ["action", "level", "stars", "reason", "actor_name", "at"]


class TargetSerializer(serializers.ModelSerializer):
    branch = serializers.CharField(help_text="Branch code (or id)")
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    campaign = serializers.IntegerField(source="campaign_id")
    stars = serializers.ListField(child=serializers.CharField(), write_only=True, help_text="Star codes of the branch's star set")
    required_stars = serializers.SerializerMethodField()
    rounds = RoundSerializer(many=True, read_only=True)

    class Meta:
        model = Target
        fields = ["id", "campaign", "branch", "branch_name", "stars", "required_stars", "level", "status", "reason", "office_note", "submitted_at", "agreed_at", "confirmed_at", "rounds"]
        read_only_fields = ["level", "status", "office_note", "submitted_at", "agreed_at", "confirmed_at"]

    def to_representation(self, obj):
        data = super().to_representation(obj)
        data["branch"] = obj.branch.code
        data["stars"] = [s.code for s in obj.stars.all()]
        return data

    def get_required_stars(self, obj) -> list[str]:
        return [s.code for s in obj.required_stars.all()]


class DecisionSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    stars = serializers.ListField(child=serializers.CharField(), required=False, default=list)


class TargetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Targets within the user's scope. Creating or updating keeps a draft; `submit` sends it to the office."""

    serializer_class = TargetSerializer
    permission_classes = [ModelViewPermission]

    def get_queryset(self):
        qs = (
            Target.objects.restrict(self.request.user, "view")
            .select_related("branch", "campaign")
            .prefetch_related("stars", "required_stars", "rounds")
            .order_by("campaign__year", "branch__sort_order", "branch__code")
        )
        params = self.request.query_params
        if params.get("campaign", "").isdigit():
            qs = qs.filter(campaign_id=int(params["campaign"]))
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        return qs

    def _campaign(self, pk):
        campaign = campaign_list(user=self.request.user).filter(pk=pk).first()
        if campaign is None:
            raise serializers.ValidationError({"campaign": [_("Unknown campaign, or outside your scope.")]})
        return campaign

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        target = services.target_save_draft(
            actor=request.user, campaign=self._campaign(data["campaign_id"]), branch=_branch(request.user, data["branch"]), stars=data["stars"], reason=data.get("reason", ""),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=target.pk)).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        target = self.get_object()
        stars = request.data.get("stars", [s.code for s in target.stars.all()])
        services.target_save_draft(actor=request.user, campaign=target.campaign, branch=target.branch, stars=stars, reason=request.data.get("reason", target.reason))
        return Response(self.get_serializer(self.get_queryset().get(pk=target.pk)).data)

    @extend_schema(request=DecisionSerializer, responses=TargetSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        target = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        stars = body.validated_data["stars"] or [s.code for s in target.stars.all()]
        services.target_submit(actor=request.user, campaign=target.campaign, branch=target.branch, stars=stars, reason=body.validated_data["reason"] or target.reason)
        return Response(self.get_serializer(self.get_queryset().get(pk=target.pk)).data)

    @extend_schema(request=DecisionSerializer, responses=TargetSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        target = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.target_return(actor=request.user, target=target, reason=body.validated_data["reason"], stars=body.validated_data["stars"] or None)
        return Response(self.get_serializer(self.get_queryset().get(pk=target.pk)).data)

    @extend_schema(request=DecisionSerializer, responses=TargetSerializer)
    @action(detail=True, methods=["post"])
    def agree(self, request, pk=None):
        target = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.target_agree(actor=request.user, target=target, note=body.validated_data["reason"])
        return Response(self.get_serializer(self.get_queryset().get(pk=target.pk)).data)


class ConfirmResultSerializer(serializers.Serializer):
    confirmed = serializers.IntegerField()
    campaign = serializers.IntegerField()


class ConfirmTargetsView(APIView):
    """POST /api/v1/campaigns/{id}/confirm-targets/: confirm every agreed target at once, only if R4 holds."""

    @extend_schema(request=None, responses=ConfirmResultSerializer)
    def post(self, request, pk: int):
        campaign = get_object_or_404(campaign_list(user=request.user), pk=pk)
        count = services.targets_confirm(actor=request.user, campaign=campaign)
        return Response({"confirmed": count, "campaign": campaign.pk})


class StepSerializer(serializers.ModelSerializer):
    step = serializers.ChoiceField(choices=Step.choices)
    meeting_form = serializers.ChoiceField(choices=MeetingForm.choices, required=False, allow_blank=True)

    class Meta:
        model = DeliberationStep
        fields = [
            "id", "step", "position", "merged", "held_on", "place", "chair", "meeting_form", "should_attend", "attended",
            "households_represented", "yes", "no", "abstain", "minutes", "published_until", "recorded_at",
        ]
        read_only_fields = ["position", "published_until", "recorded_at"]


class DeliberationSerializer(serializers.ModelSerializer):
    branch = serializers.CharField(help_text="Branch code (or id)")
    matter = serializers.ChoiceField(choices=MatterKind.choices, default=MatterKind.TARGET)
    campaign = serializers.IntegerField(source="campaign_id", required=False, allow_null=True)
    steps = StepSerializer(many=True, read_only=True)
    next_step = serializers.SerializerMethodField()

    class Meta:
        model = Deliberation
        fields = ["id", "branch", "subject", "matter", "campaign", "procedure", "publication_days", "status", "implementation", "implemented_on", "steps", "next_step", "created_at", "closed_at"]
        read_only_fields = ["procedure", "publication_days", "status", "implementation", "implemented_on", "created_at", "closed_at"]

    def to_representation(self, obj):
        data = super().to_representation(obj)
        data["branch"] = obj.branch.code
        return data

    def get_next_step(self, obj) -> str | None:
        return rules.next_step(obj.procedure, [(s.step, s.merged) for s in obj.steps.all()])


class ImplementationSerializer(serializers.Serializer):
    implemented_on = serializers.DateField()
    implementation = serializers.CharField()


class DeliberationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = DeliberationSerializer
    permission_classes = [ModelViewPermission]

    def get_queryset(self):
        return selectors.deliberation_list(user=self.request.user, filters=self.request.query_params).select_related(None).select_related("branch")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        branch = _branch(request.user, data["branch"])
        campaign = campaign_list(user=request.user).filter(pk=data.get("campaign_id")).first() if data.get("campaign_id") else None
        target = Target.objects.filter(campaign=campaign, branch=branch).first() if campaign and data["matter"] == MatterKind.TARGET else None
        deliberation = services.deliberation_create(actor=request.user, branch=branch, subject=data["subject"], matter=data["matter"], campaign=campaign, target=target)
        return Response(self.get_serializer(self.get_queryset().get(pk=deliberation.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=StepSerializer, responses=StepSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def steps(self, request, pk=None):
        deliberation = self.get_object()
        if request.method == "GET":
            return Response(StepSerializer(deliberation.steps.all(), many=True).data)
        body = StepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        step = services.step_record(actor=request.user, deliberation=deliberation, **data)
        return Response(StepSerializer(step).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ImplementationSerializer, responses=DeliberationSerializer)
    @action(detail=True, methods=["post"])
    def implementation(self, request, pk=None):
        deliberation = self.get_object()
        body = ImplementationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.deliberation_record_implementation(actor=request.user, deliberation=deliberation, **body.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=deliberation.pk)).data)

    @extend_schema(request=None, responses=DeliberationSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        deliberation = self.get_object()
        services.deliberation_close(actor=request.user, deliberation=deliberation)
        return Response(self.get_serializer(self.get_queryset().get(pk=deliberation.pk)).data)


class PledgeSerializer(serializers.ModelSerializer):
    target = serializers.IntegerField(source="target_id", read_only=True)
    branch = serializers.CharField(source="target.branch.code", read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Pledge
        fields = ["id", "target", "branch", "number", "status", "content", "content_sha256", "secretary_confirmed_at", "leader_confirmed_at", "void_reason", "created_at", "pdf_url"]
        read_only_fields = fields

    def get_pdf_url(self, obj) -> str:
        url = reverse("targets:pledge_pdf", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class PledgeViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PledgeSerializer
    permission_classes = [ModelViewPermission]

    def get_queryset(self):
        return selectors.pledge_list(user=self.request.user)

    @extend_schema(request=None, responses=PledgeSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        pledge = self.get_object()
        side = request.data.get("side") or None
        pledge = services.pledge_confirm(actor=request.user, pledge=pledge, side=side if side in ("secretary", "leader") else None)
        return Response(self.get_serializer(self.get_queryset().get(pk=pledge.pk)).data)


urlpatterns = [
    path("campaigns/<int:pk>/confirm-targets/", ConfirmTargetsView.as_view(), name="campaign-confirm-targets"),
]


def register(router):
    """Register this app's viewsets on the shared API router."""
    router.register("targets", TargetViewSet, basename="target")
    router.register("deliberations", DeliberationViewSet, basename="deliberation")
    router.register("pledges", PledgeViewSet, basename="pledge")


