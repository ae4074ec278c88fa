"""API permissions: the model's view permission; rows are narrowed by RestrictedQuerySet.restrict."""

from rest_framework.permissions import BasePermission


class ModelViewPermission(BasePermission):
    """Allow reads to users holding `<app>.view_<model>` for the viewset's model."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        model = view.get_queryset().model
        return user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
