#!/usr/bin/env python3
"""Validates omzien's OpenAPI description with openapi-spec-validator, then every recorded
answer against the schema of its path and status (OpenAPI 3.1 schema dialect, $refs resolved
inside the document). Usage: validate.py openapi.json manifest.json

manifest.json: [{"path": "/api/areas/{code}", "status": 200, "file": "…", "url": "…"}, …]
Prints one line per answer and exits 1 on the first failure."""
import json
import sys

from openapi_spec_validator import validate
from openapi_schema_validator import OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

spec_path, manifest_path = sys.argv[1], sys.argv[2]
with open(spec_path) as f:
    spec = json.load(f)
validate(spec)
print(f"openapi: {spec['openapi']}, {len(spec['paths'])} paths: valid")

BASE = "urn:omzien:openapi"
registry = Registry().with_resource(BASE, Resource.from_contents(spec, default_specification=DRAFT202012))


def pointer(*parts):
    """A JSON pointer into the document, each part escaped (RFC 6901)."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)

with open(manifest_path) as f:
    manifest = json.load(f)
failed = 0
for entry in manifest:
    status = str(entry["status"])
    # Fails loudly (KeyError) when the path, status or media type is not described.
    spec["paths"][entry["path"]]["get"]["responses"][status]["content"]["application/json"]["schema"]
    # The schema is referred to inside the document, so its own $refs resolve there.
    schema = {"$ref": BASE + "#" + pointer("paths", entry["path"], "get", "responses", status,
                                           "content", "application/json", "schema")}
    with open(entry["file"]) as f:
        answer = json.load(f)
    validator = OAS31Validator(schema, registry=registry)
    errors = sorted(validator.iter_errors(answer), key=lambda e: list(e.path))
    if errors:
        failed += 1
        e = errors[0]
        print(f"FAIL {entry['url']} ({entry['status']}): {'/'.join(map(str, e.path))}: {e.message}")
    else:
        print(f"ok   {entry['url']} ({entry['status']})")
# A negative control: a broken answer must be refused, or this check proves nothing.
first = next(e for e in manifest if e["status"] == 200)
with open(first["file"]) as f:
    broken = json.load(f)
broken["rows"] = "not a list"
status = str(first["status"])
control = OAS31Validator({"$ref": BASE + "#" + pointer("paths", first["path"], "get", "responses", status,
                                                       "content", "application/json", "schema")},
                         registry=registry)
if not list(control.iter_errors(broken)):
    print(f"FAIL negative control: a broken {first['url']} answer was accepted")
    failed += 1
print(f"{len(manifest)} answers checked, {failed} invalid")
sys.exit(1 if failed else 0)
