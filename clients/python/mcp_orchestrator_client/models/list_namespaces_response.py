from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.namespace import Namespace


T = TypeVar("T", bound="ListNamespacesResponse")


@_attrs_define
class ListNamespacesResponse:
    """
    Attributes:
        namespaces (list[Namespace] | Unset):
        next_page_token (str | Unset):
        total_count (int | Unset):
    """

    namespaces: list[Namespace] | Unset = UNSET
    next_page_token: str | Unset = UNSET
    total_count: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        namespaces: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.namespaces, Unset):
            namespaces = []
            for namespaces_item_data in self.namespaces:
                namespaces_item = namespaces_item_data.to_dict()
                namespaces.append(namespaces_item)

        next_page_token = self.next_page_token

        total_count = self.total_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if namespaces is not UNSET:
            field_dict["namespaces"] = namespaces
        if next_page_token is not UNSET:
            field_dict["nextPageToken"] = next_page_token
        if total_count is not UNSET:
            field_dict["totalCount"] = total_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.namespace import Namespace  # noqa: PLC0415

        d = dict(src_dict)
        _namespaces = d.pop("namespaces", UNSET)
        namespaces: list[Namespace] | Unset = UNSET
        if _namespaces is not UNSET:
            namespaces = []
            for namespaces_item_data in _namespaces:
                namespaces_item = Namespace.from_dict(namespaces_item_data)

                namespaces.append(namespaces_item)

        next_page_token = d.pop("nextPageToken", UNSET)

        total_count = d.pop("totalCount", UNSET)

        list_namespaces_response = cls(
            namespaces=namespaces,
            next_page_token=next_page_token,
            total_count=total_count,
        )

        list_namespaces_response.additional_properties = d
        return list_namespaces_response

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
