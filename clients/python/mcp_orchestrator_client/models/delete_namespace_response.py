from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DeleteNamespaceResponse")


@_attrs_define
class DeleteNamespaceResponse:
    """
    Attributes:
        deleted (bool | Unset):
        referenced_resources_count (int | Unset): Templates and secrets still declared in the namespace.
    """

    deleted: bool | Unset = UNSET
    referenced_resources_count: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        deleted = self.deleted

        referenced_resources_count = self.referenced_resources_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if deleted is not UNSET:
            field_dict["deleted"] = deleted
        if referenced_resources_count is not UNSET:
            field_dict["referencedResourcesCount"] = referenced_resources_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        deleted = d.pop("deleted", UNSET)

        referenced_resources_count = d.pop("referencedResourcesCount", UNSET)

        delete_namespace_response = cls(
            deleted=deleted,
            referenced_resources_count=referenced_resources_count,
        )

        delete_namespace_response.additional_properties = d
        return delete_namespace_response

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
