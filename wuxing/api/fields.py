"""Serializer fields shared by the apps' APIs."""

import copy
from collections.abc import Mapping

from django.core.exceptions import FieldDoesNotExist
from rest_framework import serializers
from rest_framework.fields import Field, SkipField
from rest_framework.relations import PKOnlyObject, RelatedField


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
    each instance gets a deep copy, as DRF copies declared fields; likewise the validators found from them. Only
    for serializers whose fields do not depend on the instance, its context or the request (no overridden
    get_fields, get_extra_kwargs or build_field that reads them): anything that does must build its own.
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

    @classmethod
    def field_representation(cls, name: str):
        """The `to_representation` of this class's field `name` as built once (unbound), for code writing this
        serializer's dicts from plain values; only for a field whose representation reads neither its parent nor
        the context (a model field's number, text, date or time). Take it once per response: a date-time field
        without a timezone of its own reads the current one for each value, and here it is read once, now."""
        if "_built_fields" not in cls.__dict__:
            cls().get_fields()
        field = cls._built_fields[name]
        if isinstance(field, serializers.DateTimeField) and not hasattr(field, "timezone"):
            field = copy.copy(field)
            field.timezone = field.default_timezone()
        return field.to_representation

    def to_representation(self, instance):
        """DRF's Serializer.to_representation, with the readable fields listed once per serializer (a list's one
        child serves every row) and a model field's value read straight off the instance: a concrete field's value
        (or a foreign key's id, for a related field showing the primary key) is never a callable nor missing, so
        DRF's generic walk over `source` has nothing to find there. Any other field takes DRF's way."""
        if isinstance(instance, Mapping):  # validated data shown back: DRF reads keys, not attributes
            return super().to_representation(instance)
        plan = self.__dict__.get("_representation_plan")
        if plan is None:
            plan = self._representation_plan = [
                (field, *_direct_read(field, self.Meta.model)) for field in self._readable_fields
            ]
        ret = {}
        for field, attname, pk_only in plan:
            if attname is None:
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
            else:
                attribute = getattr(instance, attname)
                if pk_only:
                    attribute = PKOnlyObject(pk=attribute)
            check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
            if check_for_none is None:
                ret[field.field_name] = None
            else:
                ret[field.field_name] = field.to_representation(attribute)
        return ret


def _direct_read(field, model) -> tuple[str | None, bool]:
    """(attname, pk_only) when the field's value is the model's concrete field `attname` read as is (a plain
    field) or as the primary key of a foreign key (a related field showing the pk); (None, False) otherwise."""
    if len(field.source_attrs) != 1:
        return None, False
    try:
        model_field = model._meta.get_field(field.source_attrs[0])
    except FieldDoesNotExist:
        return None, False
    if not model_field.concrete or model_field.name != field.source_attrs[0]:
        return None, False
    if isinstance(field, RelatedField):
        forward = model_field.many_to_one or model_field.one_to_one
        if forward and type(field).get_attribute is RelatedField.get_attribute:
            if field.use_pk_only_optimization():
                return model_field.attname, True
        return None, False
    if model_field.is_relation or type(field).get_attribute is not Field.get_attribute:
        return None, False
    return model_field.attname, False
