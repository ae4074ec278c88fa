"""This app's part of /api/v1/: branches (with who answers for them) and departments, read-only and scoped."""

from rest_framework import serializers

from wuxing.api.views import ScopedReadViewSet
from wuxing.core.rules import mask_phone

from .filtersets import BranchFilterSet
from .models import Branch, Department
from .selectors import branch_list, department_list


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


class BranchViewSet(ScopedReadViewSet):
    filterset_class = BranchFilterSet
    serializer_class = BranchSerializer

    def get_queryset(self):
        return branch_list(user=self.request.user)


class DepartmentViewSet(ScopedReadViewSet):
    serializer_class = DepartmentSerializer

    def get_queryset(self):
        return department_list(user=self.request.user)


def register(router):
    router.register("branches", BranchViewSet, basename="branch")
    router.register("departments", DepartmentViewSet, basename="department")
