from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.mcp_server import McpServer


T = TypeVar("T", bound="GetMcpServerResponse")


@_attrs_define
class GetMcpServerResponse:
    """
    Attributes:
        server (McpServer | Unset): A running instance (pod) of a template, read from the cluster. Read only.
    """

    server: McpServer | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        server: dict[str, Any] | Unset = UNSET
        if not isinstance(self.server, Unset):
            server = self.server.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if server is not UNSET:
            field_dict["server"] = server

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.mcp_server import McpServer  # noqa: PLC0415

        d = dict(src_dict)
        _server = d.pop("server", UNSET)
        server: McpServer | Unset
        if isinstance(_server, Unset):
            server = UNSET
        else:
            server = McpServer.from_dict(_server)

        get_mcp_server_response = cls(
            server=server,
        )

        get_mcp_server_response.additional_properties = d
        return get_mcp_server_response

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
