from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.mcp_template_transport import McpTemplateTransport
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.env_var import EnvVar
    from ..models.mcp_template_labels import McpTemplateLabels
    from ..models.resource_requirements import ResourceRequirements


T = TypeVar("T", bound="McpTemplate")


@_attrs_define
class McpTemplate:
    """Everything needed to run an MCP server pod. Holds no pod state (see McpServer).
    Declared with `kind: McpTemplate`.

       Attributes:
           name (str | Unset): Template name (DNS-1035 label: it also names the rendered Deployment and Service).
           namespace (str | Unset): Namespace of the template; must be declared with `kind: Namespace`.
           image (str | Unset): Container image, e.g. "node:24-alpine3.21".
           command (list[str] | Unset): Entrypoint, e.g. ["npx"].
           args (list[str] | Unset): Arguments, e.g. ["-y", "@modelcontextprotocol/server-memory"].
           env_vars (list[EnvVar] | Unset):
           labels (McpTemplateLabels | Unset):
           resource_limit_name (str | Unset): Name of a declared ResourceLimit preset.
           display_name (str | Unset):
           description (str | Unset):
           replicas (int | Unset): Design addition: pod replicas; 1 when not set.
           transport (McpTemplateTransport | Unset): Design addition: how the server speaks MCP; STDIO when not set.
           port (int | Unset): Design addition: the port clients connect to. For STREAMABLE_HTTP and SSE the
                server listens on it; for STDIO the bridge in front of the server does. 8000 when not set.
           created_at (str | Unset): Output only: Unix seconds of the commit that first added the declaration.
           resolved_requests (ResourceRequirements | Unset): Resolved cpu/memory of a container, as Kubernetes quantities
                (cpu: "100m", "0.5", "1"; memory: "256Mi", "1Gi").
           resolved_limits (ResourceRequirements | Unset): Resolved cpu/memory of a container, as Kubernetes quantities
                (cpu: "100m", "0.5", "1"; memory: "256Mi", "1Gi").
           resources (ResourceRequirements | Unset): Resolved cpu/memory of a container, as Kubernetes quantities
                (cpu: "100m", "0.5", "1"; memory: "256Mi", "1Gi").
           path (str | Unset): Design addition: the MCP endpoint path, e.g. "/mcp". For STDIO the bridge in
                front of the server serves it; for STREAMABLE_HTTP and SSE it is the server's own.
                "/mcp" when not set ("/sse" for SSE). Starts with "/"; no query, fragment or "..".
    """

    name: str | Unset = UNSET
    namespace: str | Unset = UNSET
    image: str | Unset = UNSET
    command: list[str] | Unset = UNSET
    args: list[str] | Unset = UNSET
    env_vars: list[EnvVar] | Unset = UNSET
    labels: McpTemplateLabels | Unset = UNSET
    resource_limit_name: str | Unset = UNSET
    display_name: str | Unset = UNSET
    description: str | Unset = UNSET
    replicas: int | Unset = UNSET
    transport: McpTemplateTransport | Unset = UNSET
    port: int | Unset = UNSET
    created_at: str | Unset = UNSET
    resolved_requests: ResourceRequirements | Unset = UNSET
    resolved_limits: ResourceRequirements | Unset = UNSET
    resources: ResourceRequirements | Unset = UNSET
    path: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        namespace = self.namespace

        image = self.image

        command: list[str] | Unset = UNSET
        if not isinstance(self.command, Unset):
            command = self.command

        args: list[str] | Unset = UNSET
        if not isinstance(self.args, Unset):
            args = self.args

        env_vars: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.env_vars, Unset):
            env_vars = []
            for env_vars_item_data in self.env_vars:
                env_vars_item = env_vars_item_data.to_dict()
                env_vars.append(env_vars_item)

        labels: dict[str, Any] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels.to_dict()

        resource_limit_name = self.resource_limit_name

        display_name = self.display_name

        description = self.description

        replicas = self.replicas

        transport: str | Unset = UNSET
        if not isinstance(self.transport, Unset):
            transport = self.transport.value

        port = self.port

        created_at = self.created_at

        resolved_requests: dict[str, Any] | Unset = UNSET
        if not isinstance(self.resolved_requests, Unset):
            resolved_requests = self.resolved_requests.to_dict()

        resolved_limits: dict[str, Any] | Unset = UNSET
        if not isinstance(self.resolved_limits, Unset):
            resolved_limits = self.resolved_limits.to_dict()

        resources: dict[str, Any] | Unset = UNSET
        if not isinstance(self.resources, Unset):
            resources = self.resources.to_dict()

        path = self.path

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if namespace is not UNSET:
            field_dict["namespace"] = namespace
        if image is not UNSET:
            field_dict["image"] = image
        if command is not UNSET:
            field_dict["command"] = command
        if args is not UNSET:
            field_dict["args"] = args
        if env_vars is not UNSET:
            field_dict["envVars"] = env_vars
        if labels is not UNSET:
            field_dict["labels"] = labels
        if resource_limit_name is not UNSET:
            field_dict["resourceLimitName"] = resource_limit_name
        if display_name is not UNSET:
            field_dict["displayName"] = display_name
        if description is not UNSET:
            field_dict["description"] = description
        if replicas is not UNSET:
            field_dict["replicas"] = replicas
        if transport is not UNSET:
            field_dict["transport"] = transport
        if port is not UNSET:
            field_dict["port"] = port
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if resolved_requests is not UNSET:
            field_dict["resolvedRequests"] = resolved_requests
        if resolved_limits is not UNSET:
            field_dict["resolvedLimits"] = resolved_limits
        if resources is not UNSET:
            field_dict["resources"] = resources
        if path is not UNSET:
            field_dict["path"] = path

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.env_var import EnvVar  # noqa: PLC0415
        from ..models.mcp_template_labels import McpTemplateLabels  # noqa: PLC0415
        from ..models.resource_requirements import ResourceRequirements  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        namespace = d.pop("namespace", UNSET)

        image = d.pop("image", UNSET)

        command = cast(list[str], d.pop("command", UNSET))

        args = cast(list[str], d.pop("args", UNSET))

        _env_vars = d.pop("envVars", UNSET)
        env_vars: list[EnvVar] | Unset = UNSET
        if _env_vars is not UNSET:
            env_vars = []
            for env_vars_item_data in _env_vars:
                env_vars_item = EnvVar.from_dict(env_vars_item_data)

                env_vars.append(env_vars_item)

        _labels = d.pop("labels", UNSET)
        labels: McpTemplateLabels | Unset
        if isinstance(_labels, Unset):
            labels = UNSET
        else:
            labels = McpTemplateLabels.from_dict(_labels)

        resource_limit_name = d.pop("resourceLimitName", UNSET)

        display_name = d.pop("displayName", UNSET)

        description = d.pop("description", UNSET)

        replicas = d.pop("replicas", UNSET)

        _transport = d.pop("transport", UNSET)
        transport: McpTemplateTransport | Unset
        if isinstance(_transport, Unset):
            transport = UNSET
        else:
            transport = McpTemplateTransport(_transport)

        port = d.pop("port", UNSET)

        created_at = d.pop("createdAt", UNSET)

        _resolved_requests = d.pop("resolvedRequests", UNSET)
        resolved_requests: ResourceRequirements | Unset
        if isinstance(_resolved_requests, Unset):
            resolved_requests = UNSET
        else:
            resolved_requests = ResourceRequirements.from_dict(_resolved_requests)

        _resolved_limits = d.pop("resolvedLimits", UNSET)
        resolved_limits: ResourceRequirements | Unset
        if isinstance(_resolved_limits, Unset):
            resolved_limits = UNSET
        else:
            resolved_limits = ResourceRequirements.from_dict(_resolved_limits)

        _resources = d.pop("resources", UNSET)
        resources: ResourceRequirements | Unset
        if isinstance(_resources, Unset):
            resources = UNSET
        else:
            resources = ResourceRequirements.from_dict(_resources)

        path = d.pop("path", UNSET)

        mcp_template = cls(
            name=name,
            namespace=namespace,
            image=image,
            command=command,
            args=args,
            env_vars=env_vars,
            labels=labels,
            resource_limit_name=resource_limit_name,
            display_name=display_name,
            description=description,
            replicas=replicas,
            transport=transport,
            port=port,
            created_at=created_at,
            resolved_requests=resolved_requests,
            resolved_limits=resolved_limits,
            resources=resources,
            path=path,
        )

        mcp_template.additional_properties = d
        return mcp_template

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
