import functools

from django.shortcuts import render
from django.utils import translation

from pagecache.middleware import cache_public_page

from .views import api


def parameters(operation):
    rows = []
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        items = schema.get("items", {})
        kind = schema.get("type") or "/".join(part.get("type", "") for part in schema.get("anyOf", []))
        if kind == "array":
            kind = f"list of {items.get('type', 'string')}"
        rows.append(
            {
                "name": parameter["name"],
                "where": parameter["in"],
                "required": parameter.get("required", False),
                "type": kind,
                "choices": schema.get("enum") or items.get("enum") or [],
                "description": parameter.get("description") or schema.get("description", ""),
            }
        )
    return rows


def schema_fields(schema, components):
    """(name, type, description) for each property of a response schema."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    rows = []
    for name, spec in schema.get("properties", {}).items():
        types = [spec] + spec.get("anyOf", [])
        names = []
        for part in types:
            if "$ref" in part:
                names.append(part["$ref"].rsplit("/", 1)[1])
            elif part.get("type") == "array":
                item = part.get("items", {})
                names.append(f"list of {item['$ref'].rsplit('/', 1)[1] if '$ref' in item else item.get('type', '')}")
            elif part.get("type"):
                names.append(part["type"])
            elif part.get("enum"):
                names.append("one of " + ", ".join(map(repr, part["enum"])))
        rows.append({"name": name, "type": " or ".join(names), "description": spec.get("description", "")})
    return rows


@functools.cache
def openapi_schema(language):
    """The schema as the docs page reads it: built once per process and language (tens of milliseconds each)."""
    with translation.override(language):
        return api.get_openapi_schema(path_prefix="/api/v1")


@cache_public_page
def api_docs(request):
    """The API's reference, rendered from its own OpenAPI schema: no script, nothing from elsewhere."""
    schema = openapi_schema(translation.get_language())
    components = schema.get("components", {}).get("schemas", {})
    operations = []
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            responses = []
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {}).get("application/json", {}).get("schema", {})
                name = content.get("$ref", "").rsplit("/", 1)[-1] or (
                    "list of " + content["items"]["$ref"].rsplit("/", 1)[-1] if "items" in content else ""
                )
                responses.append({"status": status, "description": response.get("description", ""), "schema": name})
            operations.append(
                {
                    "id": operation.get("operationId", path),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": parameters(operation),
                    "responses": responses,
                }
            )
    models = [
        {"name": name, "description": spec.get("description", ""), "fields": schema_fields(spec, components)}
        for name, spec in sorted(components.items())
    ]
    context = {"info": schema["info"], "operations": operations, "models": models}
    return render(request, "api/docs.html", context)
