from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.namespace_labels import NamespaceLabels


T = TypeVar("T", bound="Namespace")


@_attrs_define
class Namespace:
    """A Kubernetes Namespace. Templates and secrets live in one. Declared with `kind: Namespace`.

    Attributes:
        name (str | Unset): Namespace name (DNS-1123 label).
        labels (NamespaceLabels | Unset):
        display_name (str | Unset):
        description (str | Unset):
        created_at (str | Unset): Output only: Unix seconds of the commit that first added the declaration.
        template_count (int | Unset): Output only: templates declared in this namespace.
        secret_count (int | Unset): Output only: secrets declared in this namespace.
    """

    name: str | Unset = UNSET
    labels: NamespaceLabels | Unset = UNSET
    display_name: str | Unset = UNSET
    description: str | Unset = UNSET
    created_at: str | Unset = UNSET
    template_count: int | Unset = UNSET
    secret_count: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        labels: dict[str, Any] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels.to_dict()

        display_name = self.display_name

        description = self.description

        created_at = self.created_at

        template_count = self.template_count

        secret_count = self.secret_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if labels is not UNSET:
            field_dict["labels"] = labels
        if display_name is not UNSET:
            field_dict["displayName"] = display_name
        if description is not UNSET:
            field_dict["description"] = description
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at
        if template_count is not UNSET:
            field_dict["templateCount"] = template_count
        if secret_count is not UNSET:
            field_dict["secretCount"] = secret_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.namespace_labels import NamespaceLabels  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        _labels = d.pop("labels", UNSET)
        labels: NamespaceLabels | Unset
        if isinstance(_labels, Unset):
            labels = UNSET
        else:
            labels = NamespaceLabels.from_dict(_labels)

        display_name = d.pop("displayName", UNSET)

        description = d.pop("description", UNSET)

        created_at = d.pop("createdAt", UNSET)

        template_count = d.pop("templateCount", UNSET)

        secret_count = d.pop("secretCount", UNSET)

        namespace = cls(
            name=name,
            labels=labels,
            display_name=display_name,
            description=description,
            created_at=created_at,
            template_count=template_count,
            secret_count=secret_count,
        )

        namespace.additional_properties = d
        return namespace

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
