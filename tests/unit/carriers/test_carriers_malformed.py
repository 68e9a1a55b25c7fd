"""Any damage to a real body ends in a CarrierShapeError or a result, never another exception."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator

import pytest

from parceltrail.carriers import CARRIERS, CarrierShapeError, CarrierTracking
from tests.unit.carriers.conftest import OWN, body

ODD_VALUES = (None, "x", -1, [], {"a": 1})


def paths(node: object, prefix: tuple = ()) -> Iterator[tuple]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*prefix, index)
            yield from paths(value, (*prefix, index))


def damaged(data: object, path: tuple, value: object) -> object:
    copied = copy.deepcopy(data)
    node = copied
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return copied


@pytest.mark.parametrize("code", OWN)
def test_each_field_replaced_by_an_odd_value_is_a_shape_error_or_a_result(code):
    data = json.loads(body(code, "multi_piece"))
    every = list(paths(data))
    for i, path in enumerate(every[:: max(1, len(every) // 120)]):
        value = ODD_VALUES[i % len(ODD_VALUES)]
        try:
            result = CARRIERS[code].parse(damaged(data, path, value))
        except CarrierShapeError as error:
            assert str(error).startswith(f"{code}: ")
        else:
            assert isinstance(result, CarrierTracking)


@pytest.mark.parametrize("code", OWN)
@pytest.mark.parametrize("whole", [None, 7, "text", [], [1, 2], {}, {"data": None}])
def test_a_body_of_the_wrong_type_is_a_shape_error(code, whole):
    with pytest.raises(CarrierShapeError):
        CARRIERS[code].parse(json.dumps(whole).encode())
