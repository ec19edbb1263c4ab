"""Checks of exported FHIR beyond what the models check on construction: required bindings (codes that must
come from the element's value set, e.g. statuses) and the resource types a reference may point at."""

from fhir_core.fhirabstractmodel import FHIRAbstractModel


def r4_problems(model, path=None):
    """Every code outside its required value set and every reference to a type the element does not allow."""
    path = path or model.get_resource_type()
    problems = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name, None)
        if value is None:
            continue
        extra = info.json_schema_extra or {}
        allowed = extra.get("enum_values")
        if allowed and "+" in allowed:  # the library lists only the first codes of long value sets
            allowed = None
        values = value if isinstance(value, list) else [value]
        if allowed and not all(v in allowed for v in values):
            problems.append(f"{path}.{info.alias}: {value!r} not in {allowed}")
        targets = extra.get("enum_reference_types")
        for item in values:
            if isinstance(item, FHIRAbstractModel):
                if targets and "Resource" not in targets and getattr(item, "reference", None):
                    kind = item.reference.split("/")[0]
                    if kind not in targets:
                        problems.append(f"{path}.{info.alias}: reference to {kind} (allowed: {targets})")
                problems += r4_problems(item, f"{path}.{info.alias}")
    return problems
