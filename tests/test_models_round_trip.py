"""Round trips of the item and form models through the library's converter."""

from __future__ import annotations

from typing import Any

from hypothesis import given

from govservice_std import FormSpec, ServiceItem, compile_form, dumps, loads, structure, unstructure
from tests.form_strategies import form_specs, service_items


@given(service_items())
def test_service_item_round_trip(item: Any) -> None:
    assert structure(unstructure(item), ServiceItem) == item
    assert loads(dumps(item), ServiceItem) == item


@given(form_specs())
def test_form_spec_round_trip_and_compiles(spec: Any) -> None:
    assert structure(unstructure(spec), FormSpec) == spec
    assert loads(dumps(spec, format="toml"), FormSpec, format="toml") == spec
    assert compile_form(spec).validate({}).problems is not None
