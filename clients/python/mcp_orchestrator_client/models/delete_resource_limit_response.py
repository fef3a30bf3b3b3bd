from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DeleteResourceLimitResponse")


@_attrs_define
class DeleteResourceLimitResponse:
    """
    Attributes:
        deleted (bool | Unset):
        referenced_templates_count (int | Unset): Templates that use the preset.
        referenced_templates (list[str] | Unset): Their namespace/name, sorted.
    """

    deleted: bool | Unset = UNSET
    referenced_templates_count: int | Unset = UNSET
    referenced_templates: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        deleted = self.deleted

        referenced_templates_count = self.referenced_templates_count

        referenced_templates: list[str] | Unset = UNSET
        if not isinstance(self.referenced_templates, Unset):
            referenced_templates = self.referenced_templates

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if deleted is not UNSET:
            field_dict["deleted"] = deleted
        if referenced_templates_count is not UNSET:
            field_dict["referencedTemplatesCount"] = referenced_templates_count
        if referenced_templates is not UNSET:
            field_dict["referencedTemplates"] = referenced_templates

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        deleted = d.pop("deleted", UNSET)

        referenced_templates_count = d.pop("referencedTemplatesCount", UNSET)

        referenced_templates = cast(list[str], d.pop("referencedTemplates", UNSET))

        delete_resource_limit_response = cls(
            deleted=deleted,
            referenced_templates_count=referenced_templates_count,
            referenced_templates=referenced_templates,
        )

        delete_resource_limit_response.additional_properties = d
        return delete_resource_limit_response

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
