"""API permissions: the model's view permission; rows are narrowed by RestrictedQuerySet.restrict."""

from rest_framework.permissions import BasePermission


def view_model(view):
    """The model a viewset serves: its model serializer's (every viewset here serves the model of its queryset,
    tested), else its queryset's. Building the queryset costs the restricted query's construction, which a write
    that never lists rows need not pay."""
    meta = getattr(getattr(view, "serializer_class", None), "Meta", None)
    model = getattr(meta, "model", None)
    return model if model is not None else view.get_queryset().model


class ModelViewPermission(BasePermission):
    """Allow reads to users holding `<app>.view_<model>` for the viewset's model."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        model = view_model(view)
        return user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
