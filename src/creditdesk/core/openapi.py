"""The refusals every operation can answer, written into the OpenAPI document once for all operations.

Every operation needs a caller (401, with `WWW-Authenticate: Bearer`) who holds the permission (403); one
that names an object (a path parameter, or a parameter or body field called `customer` or `…_id`) answers
404 for one that does not exist or that the caller may not see; one that takes any input answers 422 when
the input is invalid, and one with a body answers 400 when the body cannot be read at all. An operation may
declare more of its own (413 for a file too large).
"""

from typing import Any

from creditdesk.core.api import ErrorOut

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
DESCRIPTIONS = {
    400: "The body cannot be read (not JSON, or a multipart body without its boundary)",
    401: "No valid token or session",
    403: "The caller lacks the permission",
    404: "No such object, or not one the caller may see",
    422: "Invalid input, with the messages per field",
}
CHALLENGE = {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}}


def schema_of(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A body's schema, its `$ref` followed into the components."""
    reference = schema.get("$ref", "")
    return document["components"]["schemas"][reference.rsplit("/", 1)[-1]] if reference else schema


def names_an_object(document: dict[str, Any], path: str, operation: dict[str, Any]) -> bool:
    """Whether the operation looks something up by what the caller sent."""
    names = [parameter["name"] for parameter in operation.get("parameters", [])]
    for media in operation.get("requestBody", {}).get("content", {}).values():
        names.extend(schema_of(document, media.get("schema", {})).get("properties", {}))
    return "{" in path or any(name == "customer" or name.endswith("_id") for name in names)


def refusals(document: dict[str, Any], path: str, operation: dict[str, Any]) -> list[int]:
    """The statuses an operation answers besides its own, by what it takes."""
    parameters = operation.get("parameters", [])
    statuses = [401, 403]
    if names_an_object(document, path, operation):
        statuses.append(404)
    if "requestBody" in operation:
        statuses.append(400)
    if parameters or "requestBody" in operation:
        statuses.append(422)
    return statuses


def refusal(status: int) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": DESCRIPTIONS[status],
                              "content": {"application/json": {"schema": ERROR_REF}}}
    if status == 401:
        answer["headers"] = CHALLENGE
    return answer


def document_refusals(document: dict[str, Any]) -> dict[str, Any]:
    """Add the shared refusals to every operation that does not already describe them."""
    document.setdefault("components", {}).setdefault("schemas", {})["ErrorOut"] = ErrorOut.model_json_schema()
    for path, operations in document["paths"].items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            declared = {int(status) for status in responses}  # the operation's own, keyed as ninja keys them
            for status in refusals(document, path, operation):
                if status not in declared:
                    responses[status] = refusal(status)
    return document
