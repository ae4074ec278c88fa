"""Serializer fields shared by the apps' APIs."""

import copy

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


class BuiltOnceModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose fields are built from the model once per class, not once per instance.

    ModelSerializer.get_fields introspects the model each time a serializer is made (every request); what it
    builds depends only on the class (Meta, the declared fields), so the unbound fields are kept on the class and
    each instance gets a deep copy, as DRF copies declared fields; likewise the validators found from them. Only for serializers whose fields do not depend
    on the instance, its context or the request (no overridden get_fields, get_extra_kwargs or build_field that
    reads them): anything that does must build its own.
    """

    def get_fields(self):
        built = type(self).__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            type(self)._built_fields = built
        return copy.deepcopy(built)

    def get_validators(self):
        # The model's unique-together validators, found from the fields: the same for every instance.
        built = type(self).__dict__.get("_built_validators")
        if built is None:
            built = super().get_validators()
            type(self)._built_validators = built
        return list(built)
