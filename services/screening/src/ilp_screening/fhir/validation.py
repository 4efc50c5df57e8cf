"""fhir.resources validation of exported Bundles, paid once per entry *shape*.

Validating a Bundle with fhir.resources costs ~3 ms, almost all of it fhir_core's Python
checks on every element (null list items, required primitives, one value[x] per choice).
Those checks depend only on the shape: keys, list lengths, resource types and which
values are null. What depends on the values is each primitive's own type (code,
uri, dateTime, decimal, …), which pydantic checks against the same annotations the models
use. So the first Bundle of a shape is validated in full by fhir.resources, and the
primitive type of every value in it is remembered; every later one of that shape only has
its values checked against those types. Entries are validated independently of each
other, so shapes are learnt per entry (a few dozen) rather than per whole Bundle. The result is the same as validating in full
(a property test mutates values and compares both ways); an invalid Bundle is validated
in full again, so its error names the element.
"""

from __future__ import annotations

import types
import typing
from collections import OrderedDict
from functools import cache
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from pydantic import BaseModel, TypeAdapter

_NULL = object()  # a null value's place in a shape


class BundleValidator:
    """Validates Bundles; remembers the value types of up to `shapes` entry shapes (an
    Observation of weight, a voided Condition with an ICD-10 code, …)."""

    def __init__(self, shapes: int = 512) -> None:
        self.capacity = shapes
        self.shapes: OrderedDict[tuple[Any, ...], TypeAdapter[Any]] = OrderedDict()

    def validate(self, bundle: dict[str, Any]) -> None:
        """Raise pydantic's ValidationError if fhir.resources would reject the Bundle;
        each entry is checked as a Bundle of its own."""
        entries = bundle.get("entry")
        if not isinstance(entries, list) or not entries:
            self._check(bundle)
            return
        head = {name: value for name, value in bundle.items() if name != "entry"}
        self._check(head)
        for entry in entries:
            self._check({**head, "entry": [entry]})

    def _check(self, bundle: dict[str, Any]) -> None:
        shape: list[Any] = []
        values: list[Any] = []
        _walk(bundle, shape, values)
        key = tuple(shape)
        values_type = self.shapes.get(key)
        if values_type is None:
            self._learn(key, bundle)
            return
        try:
            values_type.validate_python(values)
        except ValueError:
            Bundle.model_validate(bundle)  # raises with the element's path
            raise  # (not reached unless the two disagree; then the value check stands)
        self.shapes.move_to_end(key)

    def _learn(self, key: tuple[Any, ...], bundle: dict[str, Any]) -> None:
        types_: list[Any] = []
        _value_types(bundle, Bundle.model_validate(bundle), types_)
        # one validator for all values of the shape: a single call into pydantic-core (a
        # tuple type built at run time, which mypy cannot follow)
        self.shapes[key] = (TypeAdapter(tuple[*types_])  # type: ignore[valid-type]
                            if types_ else TypeAdapter(tuple[()]))
        if len(self.shapes) > self.capacity:
            self.shapes.popitem(last=False)


def _walk(node: dict[str, Any], shape: list[Any], values: list[Any]) -> None:
    """The shape of a JSON object (appended to `shape`) and its non-null values in order.
    Containers recurse; scalars are handled inline (this runs for every exported Bundle).
    Tokens cannot be mistaken for each other (keys are str, list lengths int, scalars
    their type, a dict's end None, a resource type a tuple), so one key means one shape."""
    for name, value in node.items():
        kind = type(value)
        if kind is dict:
            shape.append(name)
            _walk(value, shape, values)
            shape.append(None)
        elif kind is list:
            shape.append(name)
            shape.append(len(value))
            for item in value:
                if type(item) is dict:
                    _walk(item, shape, values)
                    shape.append(None)
                else:
                    shape.append(_NULL if item is None else type(item))
                    if item is not None:
                        values.append(item)
        elif name == "resourceType":
            shape.append((name, value))  # selects the model: part of the shape
        else:
            shape.append(name)
            shape.append(_NULL if value is None else kind)
            if value is not None:
                values.append(value)


def _value_types(node: dict[str, Any], model: BaseModel, types_: list[Any]) -> None:
    """The type of every value `_walk` collects, in the same order, read from the
    validated model (so a Bundle entry's resource gets its own resource type's fields)."""
    fields = _fields_by_json_name(type(model))
    for name, value in node.items():
        if name == "resourceType":
            continue
        field = fields[name]
        attribute = getattr(model, field)
        annotation = type(model).model_fields[field].annotation
        if isinstance(value, dict):
            _value_types(value, attribute, types_)
        elif isinstance(value, list):
            for item, parsed in zip(value, attribute, strict=True):
                if isinstance(item, dict):
                    _value_types(item, parsed, types_)
                elif item is not None:
                    types_.append(_item_type(annotation))
        elif value is not None:
            types_.append(annotation)


@cache
def _fields_by_json_name(model: type[BaseModel]) -> dict[str, str]:
    return {info.alias or name: name for name, info in model.model_fields.items()}


def _item_type(annotation: Any) -> Any:
    """`X` from `Optional[List[X]]` (or from a union that has a list of X in it)."""
    if typing.get_origin(annotation) is list:
        return typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for option in typing.get_args(annotation):
            if typing.get_origin(option) is list:
                return typing.get_args(option)[0]
    raise TypeError(f"not a list type: {annotation}")
