from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.create_secret_request_type import CreateSecretRequestType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.create_secret_request_data import CreateSecretRequestData
    from ..models.create_secret_request_labels import CreateSecretRequestLabels


T = TypeVar("T", bound="CreateSecretRequest")


@_attrs_define
class CreateSecretRequest:
    """
    Attributes:
        name (str | Unset):
        namespace (str | Unset):
        data (CreateSecretRequestData | Unset): key -> base64 of the value. Sealed before it is stored; never returned.
        type_ (CreateSecretRequestType | Unset):
        labels (CreateSecretRequestLabels | Unset):
    """

    name: str | Unset = UNSET
    namespace: str | Unset = UNSET
    data: CreateSecretRequestData | Unset = UNSET
    type_: CreateSecretRequestType | Unset = UNSET
    labels: CreateSecretRequestLabels | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        namespace = self.namespace

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value

        labels: dict[str, Any] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if namespace is not UNSET:
            field_dict["namespace"] = namespace
        if data is not UNSET:
            field_dict["data"] = data
        if type_ is not UNSET:
            field_dict["type"] = type_
        if labels is not UNSET:
            field_dict["labels"] = labels

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.create_secret_request_data import CreateSecretRequestData  # noqa: PLC0415
        from ..models.create_secret_request_labels import CreateSecretRequestLabels  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        namespace = d.pop("namespace", UNSET)

        _data = d.pop("data", UNSET)
        data: CreateSecretRequestData | Unset
        if isinstance(_data, Unset):
            data = UNSET
        else:
            data = CreateSecretRequestData.from_dict(_data)

        _type_ = d.pop("type", UNSET)
        type_: CreateSecretRequestType | Unset
        if isinstance(_type_, Unset):
            type_ = UNSET
        else:
            type_ = CreateSecretRequestType(_type_)

        _labels = d.pop("labels", UNSET)
        labels: CreateSecretRequestLabels | Unset
        if isinstance(_labels, Unset):
            labels = UNSET
        else:
            labels = CreateSecretRequestLabels.from_dict(_labels)

        create_secret_request = cls(
            name=name,
            namespace=namespace,
            data=data,
            type_=type_,
            labels=labels,
        )

        create_secret_request.additional_properties = d
        return create_secret_request

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
