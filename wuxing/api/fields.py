"""Serializer fields shared by the apps' APIs."""

from rest_framework import serializers


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object looked up only among those the caller may see: anything else "does not exist", so an id
    outside the caller's scope cannot be told apart from an unknown one.

    `scoped(user)` returns the queryset; `restricted(Model)` builds one from `Model.objects.restrict(user, "view")`.
    """

    def __init__(self, *, scoped, **kwargs):
        self.scoped = scoped
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scoped(self.context["request"].user)


def restricted(model, action: str = "view"):
    return lambda user: model.objects.restrict(user, action)
