"""This app's part of /api/v1/: branches (with who answers for them), departments and people, scoped, written
through the same services as the pages; the organisation import with dry_run."""

from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from wuxing.api.views import ScopedReadViewSet, ValuesListMixin
from wuxing.core.rules import mask_id_number, mask_phone

from . import imports, selectors, services
from .choices import BranchKind, StarSet, UnitLevel
from .figures import scoped_key
from .filtersets import BranchFilterSet, DepartmentFilterSet, PersonFilterSet
from .models import Branch, Department, OrgUnit, Person
from .selectors import branch_list, department_list, person_list


class BranchSerializer(serializers.ModelSerializer):
    office = serializers.CharField(source="office.code", read_only=True)
    office_name = serializers.CharField(source="office.name", read_only=True)
    secretary = serializers.SerializerMethodField()
    departments = serializers.SerializerMethodField()
    leaders = serializers.SerializerMethodField()

    class Meta:
        model = Branch
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "star_set",
            "office",
            "office_name",
            "secretary",
            "party_members",
            "representatives",
            "households",
            "adult_population",
            "secretary_chairs_committee",
            "departments",
            "leaders",
        ]

    def get_secretary(self, obj) -> dict | None:
        if obj.secretary is None:
            return None
        return {
            "name": obj.secretary.name,
            "position": obj.secretary.position,
            "phone": mask_phone(obj.secretary.phone),
        }

    def get_departments(self, obj) -> list[str]:
        return [a.department.name for a in getattr(obj, "active_assignments", []) if a.department_id]

    def get_leaders(self, obj) -> list[str]:
        return [a.leader.name for a in getattr(obj, "active_assignments", []) if a.leader_id]


class DepartmentSerializer(serializers.ModelSerializer):
    office = serializers.CharField(source="office.code", read_only=True)

    class Meta:
        model = Department
        fields = ["id", "code", "name", "office", "duties"]


# ---------------------------------------------------------------------------------------------------------
# Writes: POST / PATCH through the same services (and checks) as the pages; the organisation import
# ---------------------------------------------------------------------------------------------------------

_WRITE_METHODS = ["get", "post", "patch", "head", "options"]
_COUNT = {"min_value": 0, "max_value": 10_000_000, "required": False}


def _office(user, code: str) -> OrgUnit:
    office = selectors.units_editable(user=user, level="office").filter(code=code).first()
    if office is None:
        raise serializers.ValidationError(
            {"office": [_("Unknown office or outside your scope: %(code)s") % {"code": code}]}
        )
    return office


def _in_office(model, user, office, pk, field):
    if pk is None:
        return None
    row = model.objects.filter(office=office, pk=pk, retired_at__isnull=True).first()
    if row is None:
        raise serializers.ValidationError({field: [_("Choose one of the office's own.")]})
    return row


class BranchWriteSerializer(serializers.Serializer):
    office = serializers.CharField(max_length=32, required=False)
    code = serializers.CharField(max_length=32, required=False)
    name = serializers.CharField(max_length=100, required=False)
    kind = serializers.ChoiceField(choices=BranchKind.choices, required=False)
    star_set = serializers.ChoiceField(choices=StarSet.choices, required=False)
    party_members = serializers.IntegerField(**_COUNT)
    representatives = serializers.IntegerField(**_COUNT)
    households = serializers.IntegerField(**_COUNT)
    adult_population = serializers.IntegerField(**_COUNT)
    secretary_chairs_committee = serializers.BooleanField(required=False)
    secretary = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False, allow_null=True)


# The list's columns, read as values in BranchSerializer's order (see BranchViewSet.list_rows).
_BRANCH_VALUES = (
    "id",
    "code",
    "name",
    "kind",
    "star_set",
    "office__code",
    "office__name",
    "secretary",
    "secretary__name",
    "secretary__position",
    "secretary__phone",
    "party_members",
    "representatives",
    "households",
    "adult_population",
    "secretary_chairs_committee",
)


class BranchViewSet(ValuesListMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedReadViewSet):
    """支部. POST {office (code), code, name, kind, [star_set, counts…]}; PATCH any of the branch's facts."""

    filterset_class = BranchFilterSet
    serializer_class = BranchSerializer
    http_method_names = _WRITE_METHODS
    # A plain page of the list is kept under the versions of the offices in scope: every row's facts (the branch,
    # its office, secretary, departments and leaders) move the office's version on when they change.
    list_key = staticmethod(scoped_key)

    def get_queryset(self):
        return branch_list(user=self.request.user)

    def list_values(self, queryset):
        return queryset.prefetch_related(None).values_list(*_BRANCH_VALUES)

    def list_rows(self, page) -> list[dict]:
        """BranchSerializer's dict for each row of values (tested against it row by row), with the names of who
        answers for the page's branches in one more query."""
        names = selectors.assignment_names([row[0] for row in page])
        rows = []
        for (
            pk,
            code,
            name,
            kind,
            star_set,
            office,
            office_name,
            secretary_id,
            secretary_name,
            secretary_position,
            secretary_phone,
            party_members,
            representatives,
            households,
            adult_population,
            chairs,
        ) in page:
            departments, leaders = names[pk]
            rows.append(
                {
                    "id": pk,
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "star_set": star_set,
                    "office": office,
                    "office_name": office_name,
                    "secretary": None
                    if secretary_id is None
                    else {"name": secretary_name, "position": secretary_position, "phone": mask_phone(secretary_phone)},
                    "party_members": party_members,
                    "representatives": representatives,
                    "households": households,
                    "adult_population": adult_population,
                    "secretary_chairs_committee": chairs,
                    "departments": departments,
                    "leaders": leaders,
                }
            )
        return rows

    def get_serializer_class(self):
        return BranchWriteSerializer if self.request.method in ("POST", "PATCH") else BranchSerializer

    def create(self, request, *args, **kwargs):
        data = _valid(BranchWriteSerializer, request.data, required=("office", "code", "name", "kind"))
        office = _office(request.user, data.pop("office"))
        data.pop("secretary", None)
        branch = services.branch_create(actor=request.user, office=office, **data)
        return Response(BranchSerializer(selectors.branch_get(user=request.user, pk=branch.pk)).data, status=201)

    def partial_update(self, request, *args, **kwargs):
        branch = self.get_object()
        data = _valid(BranchWriteSerializer, request.data)
        for key in ("office", "code"):
            if key in data:
                raise serializers.ValidationError({key: [_("This field cannot be changed here.")]})
        if "secretary" in data:
            data["secretary"] = _in_office(Person, request.user, branch.office, data["secretary"], "secretary")
        services.branch_update(actor=request.user, branch=branch, **data)
        return Response(BranchSerializer(selectors.branch_get(user=request.user, pk=branch.pk)).data)


class DepartmentWriteSerializer(serializers.Serializer):
    office = serializers.CharField(max_length=32, required=False)
    code = serializers.CharField(max_length=32, required=False)
    name = serializers.CharField(max_length=100, required=False)
    duties = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class DepartmentViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedReadViewSet):
    """职能部门. POST {office (code), code, name, [duties]}; PATCH name or duties."""

    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet
    http_method_names = _WRITE_METHODS

    def get_queryset(self):
        return department_list(user=self.request.user)

    def get_serializer_class(self):
        return DepartmentWriteSerializer if self.request.method in ("POST", "PATCH") else DepartmentSerializer

    def create(self, request, *args, **kwargs):
        data = _valid(DepartmentWriteSerializer, request.data, required=("office", "code", "name"))
        office = _office(request.user, data.pop("office"))
        department = services.department_create(actor=request.user, office=office, **data)
        return Response(DepartmentSerializer(department).data, status=201)

    def partial_update(self, request, *args, **kwargs):
        department = self.get_object()
        data = _valid(DepartmentWriteSerializer, request.data)
        data = {k: v for k, v in data.items() if k in ("name", "duties")}
        department = services.department_update(actor=request.user, department=department, **data)
        return Response(DepartmentSerializer(department).data)


class PersonSerializer(serializers.ModelSerializer):
    """A person with the phone and ID number masked (R16)."""

    office = serializers.CharField(source="office.code", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True, default=None)
    branch = serializers.CharField(source="branch.code", read_only=True, default=None)
    phone = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "office", "name", "position", "department", "branch", "phone", "id_number"]
        fields += ["party_member", "is_leader"]

    def get_phone(self, obj) -> str:
        return mask_phone(obj.phone)

    def get_id_number(self, obj) -> str:
        return mask_id_number(obj.id_number)


class PersonWriteSerializer(serializers.Serializer):
    office = serializers.CharField(max_length=32, required=False)
    name = serializers.CharField(max_length=50, required=False)
    position = serializers.CharField(max_length=100, required=False, allow_blank=True)
    department = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False, allow_null=True)
    branch = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False, allow_null=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=18, required=False, allow_blank=True)
    party_member = serializers.BooleanField(required=False)
    is_leader = serializers.BooleanField(required=False)


class PersonViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedReadViewSet):
    """人员 (numbers masked). POST {office (code), name, …, department / branch (ids)}; PATCH the same fields."""

    serializer_class = PersonSerializer
    filterset_class = PersonFilterSet
    http_method_names = _WRITE_METHODS

    def get_queryset(self):
        return person_list(user=self.request.user).select_related("office").order_by("office__path", "name", "pk")

    def get_serializer_class(self):
        return PersonWriteSerializer if self.request.method in ("POST", "PATCH") else PersonSerializer

    def _links(self, data, office):
        for key, model in (("department", Department), ("branch", Branch)):
            if key in data:
                data[key] = _in_office(model, self.request.user, office, data[key], key)
        return data

    def create(self, request, *args, **kwargs):
        data = _valid(PersonWriteSerializer, request.data, required=("office", "name"))
        office = _office(request.user, data.pop("office"))
        person = services.person_create(actor=request.user, office=office, **self._links(data, office))
        return Response(PersonSerializer(person).data, status=201)

    def partial_update(self, request, *args, **kwargs):
        person = self.get_object()
        data = _valid(PersonWriteSerializer, request.data)
        if "office" in data:
            raise serializers.ValidationError({"office": [_("This field cannot be changed here.")]})
        person = services.person_update(actor=request.user, person=person, **self._links(data, person.office))
        return Response(PersonSerializer(person).data)


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent.code", read_only=True, default=None)

    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "level", "parent", "retired_at"]


class OrgUnitWriteSerializer(serializers.Serializer):
    parent = serializers.CharField(max_length=32, required=False)
    code = serializers.CharField(max_length=32, required=False)
    name = serializers.CharField(max_length=100, required=False)
    level = serializers.ChoiceField(choices=UnitLevel.choices, required=False)


class OrgUnitViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedReadViewSet):
    """组织单位. POST {parent (code), code, name, level} below a unit in scope; PATCH {name} (by the unit above)."""

    serializer_class = OrgUnitSerializer
    http_method_names = _WRITE_METHODS

    def get_queryset(self):
        return selectors.unit_list(user=self.request.user)

    def get_serializer_class(self):
        return OrgUnitWriteSerializer if self.request.method in ("POST", "PATCH") else OrgUnitSerializer

    def create(self, request, *args, **kwargs):
        data = _valid(OrgUnitWriteSerializer, request.data, required=("parent", "code", "name", "level"))
        parent = selectors.units_editable(user=request.user).filter(code=data.pop("parent")).first()
        if parent is None:
            raise serializers.ValidationError({"parent": [_("Unknown office or outside your scope.")]})
        unit = services.orgunit_create(actor=request.user, parent=parent, **data)
        return Response(OrgUnitSerializer(unit).data, status=201)

    def partial_update(self, request, *args, **kwargs):
        unit = self.get_object()
        data = _valid(OrgUnitWriteSerializer, request.data, required=("name",))
        if set(data) - {"name"}:
            raise serializers.ValidationError({"name": [_("This field cannot be changed here.")]})
        unit = services.orgunit_update(actor=request.user, unit=unit, name=data["name"])
        return Response(OrgUnitSerializer(unit).data)


def _valid(serializer_class, data, required=()):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    missing = [k for k in required if k not in serializer.validated_data]
    if missing:
        raise serializers.ValidationError({k: [_("This field is required.")] for k in missing})
    return dict(serializer.validated_data)


class OrganisationImportView(APIView):
    """POST a workbook (multipart `file`) with `dry_run=true|false`: the same plan as the import page; with
    dry_run=false the import is applied when no row is wrong (all or nothing)."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "OrganisationImportRequest",
                {"file": serializers.FileField(), "dry_run": serializers.BooleanField(default=True)},
            )
        },
        responses={
            200: inline_serializer(
                "OrganisationImportResult",
                {
                    "id": serializers.IntegerField(),
                    "dry_run": serializers.BooleanField(),
                    "applied": serializers.BooleanField(),
                    "counts": serializers.DictField(child=serializers.DictField(child=serializers.IntegerField())),
                    "errors": serializers.ListField(child=serializers.DictField()),
                },
            )
        },
    )
    def post(self, request):
        user = request.user
        if not (user and user.is_authenticated and user.has_perm("org.change_branch")):
            raise PermissionDenied(_("You may not import the organisation."))
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": [_("This field is required.")]})
        if upload.size > imports.IMPORT_MAX_BYTES:
            raise serializers.ValidationError({"file": [_("The file is larger than 5 MB.")]})
        dry_run = str(request.data.get("dry_run", "true")).lower() not in ("false", "0", "no")
        record, plan = imports.import_upload(actor=user, data=upload.read(), name=upload.name)
        body = {
            "id": record.pk,
            "dry_run": dry_run,
            "counts": plan.counts(),
            "errors": [
                {"sheet": imports.SHEET_TITLES[e.sheet], "row": e.row, "column": e.column, "message": e.message}
                for e in plan.errors
            ],
            "applied": False,
        }
        if plan.errors:
            return Response(body, status=400 if not dry_run else 200)
        if not dry_run:
            plan = imports.import_apply(actor=user, record=record)
            body.update(applied=True, counts=plan.counts())
        return Response(body, status=200)


class BoundariesView(APIView):
    """GET `?unit=<id>`: the unit's map as a GeoJSON FeatureCollection (the shapes the command screen draws)."""

    @extend_schema(
        parameters=[OpenApiParameter("unit", int, required=True, description="the unit whose map to read")],
        responses={
            200: inline_serializer(
                "FeatureCollection",
                {"type": serializers.CharField(), "features": serializers.ListField(child=serializers.DictField())},
            )
        },
    )
    def get(self, request):
        user = request.user
        if not (user and user.is_authenticated and user.has_perm("org.view_boundary")):
            raise PermissionDenied(_("You do not have permission to do this."))
        raw = request.query_params.get("unit", "")
        if not raw.isdigit() or len(raw) > 12:
            raise serializers.ValidationError({"unit": [_("Give the unit as a number.")]})
        unit = selectors.unit_get(user=user, pk=int(raw))
        return Response(selectors.map_collection(unit))


urlpatterns = [
    path("imports/organisation/", OrganisationImportView.as_view(), name="api-import-organisation"),
    path("boundaries/", BoundariesView.as_view(), name="api-boundaries"),
]


def register(router):
    router.register("units", OrgUnitViewSet, basename="unit")
    router.register("branches", BranchViewSet, basename="branch")
    router.register("departments", DepartmentViewSet, basename="department")
    router.register("people", PersonViewSet, basename="person")
