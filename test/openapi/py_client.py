"""Drives the generated Python client (clients/python) against a running server.

    python py_client.py BASE_URL TOKEN      prints one JSON object with what it saw
"""

import json
import sys

from mcp_orchestrator_client import AuthenticatedClient, Client
from mcp_orchestrator_client.api.mcp_orchestrator_service import (
    mcp_orchestrator_service_get_mcp_template as get_template,
    mcp_orchestrator_service_get_resource_limit as get_resource_limit,
    mcp_orchestrator_service_list_mcp_templates as list_templates,
    mcp_orchestrator_service_list_mcp_templates_2 as list_templates_in_namespace,
)
from mcp_orchestrator_client.models import ListMcpTemplatesResponse, Status

base, token = sys.argv[1], sys.argv[2]
out = {}

anonymous = list_templates.sync_detailed(client=Client(base_url=base))
out["anonymous"] = {"status": anonymous.status_code, "code": anonymous.parsed.code, "isStatus": isinstance(anonymous.parsed, Status)}

with AuthenticatedClient(base_url=base, token=token) as client:
    pages = []
    page_token = None
    while True:
        kwargs = {"page_size": 2}
        if page_token:
            kwargs["page_token"] = page_token
        r = list_templates.sync_detailed(client=client, **kwargs)
        assert isinstance(r.parsed, ListMcpTemplatesResponse), r.content
        pages.append(
            {
                "names": [f"{t.namespace}/{t.name}" for t in r.parsed.templates],
                "total": r.parsed.total_count,
                "next": bool(r.parsed.next_page_token),
                "commit": r.headers.get("x-mcpo-commit"),
            }
        )
        page_token = r.parsed.next_page_token
        if not page_token:
            break
    out["pages"] = pages

    preset = get_resource_limit.sync("n1-standard-nano", client=client).resource_limit
    out["preset"] = {"name": preset.name, "usageCount": preset.usage_count, "cpuLimit": preset.limits.cpu_limit}

    tools = list_templates_in_namespace.sync("tools", client=client)
    out["tools"] = sorted(t.name for t in tools.templates)

    template = get_template.sync("default", "my-memory-server", client=client).template
    out["template"] = {"image": template.image, "transport": str(template.transport), "requests": template.resolved_requests.to_dict()}

    # The README's way to send a label selector (the generated call sends deepObject as key=value).
    selected = client.get_httpx_client().get("/v1/templates", params={"labelSelector[app]": "git"}).json()
    out["selected"] = [f"{t['namespace']}/{t['name']}" for t in selected["templates"]]

    missing = get_template.sync_detailed("default", "no-such-template", client=client)
    out["missing"] = {"status": missing.status_code, "code": missing.parsed.code, "message": missing.parsed.message}

print(json.dumps(out))
