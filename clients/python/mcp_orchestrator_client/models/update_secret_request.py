from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.update_secret_request_strategy import UpdateSecretRequestStrategy
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.update_secret_request_data import UpdateSecretRequestData


T = TypeVar("T", bound="UpdateSecretRequest")


@_attrs_define
class UpdateSecretRequest:
    """
    Attributes:
        name (str | Unset):
        namespace (str | Unset):
        data (UpdateSecretRequestData | Unset): key -> base64 of the value.
        strategy (UpdateSecretRequestStrategy | Unset):
        remove_keys (list[str] | Unset): With PATCH: keys to remove (design addition).
    """

    name: str | Unset = UNSET
    namespace: str | Unset = UNSET
    data: UpdateSecretRequestData | Unset = UNSET
    strategy: UpdateSecretRequestStrategy | Unset = UNSET
    remove_keys: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        namespace = self.namespace

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        strategy: str | Unset = UNSET
        if not isinstance(self.strategy, Unset):
            strategy = self.strategy.value

        remove_keys: list[str] | Unset = UNSET
        if not isinstance(self.remove_keys, Unset):
            remove_keys = self.remove_keys

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if namespace is not UNSET:
            field_dict["namespace"] = namespace
        if data is not UNSET:
            field_dict["data"] = data
        if strategy is not UNSET:
            field_dict["strategy"] = strategy
        if remove_keys is not UNSET:
            field_dict["removeKeys"] = remove_keys

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.update_secret_request_data import UpdateSecretRequestData  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        namespace = d.pop("namespace", UNSET)

        _data = d.pop("data", UNSET)
        data: UpdateSecretRequestData | Unset
        if isinstance(_data, Unset):
            data = UNSET
        else:
            data = UpdateSecretRequestData.from_dict(_data)

        _strategy = d.pop("strategy", UNSET)
        strategy: UpdateSecretRequestStrategy | Unset
        if isinstance(_strategy, Unset):
            strategy = UNSET
        else:
            strategy = UpdateSecretRequestStrategy(_strategy)

        remove_keys = cast(list[str], d.pop("removeKeys", UNSET))

        update_secret_request = cls(
            name=name,
            namespace=namespace,
            data=data,
            strategy=strategy,
            remove_keys=remove_keys,
        )

        update_secret_request.additional_properties = d
        return update_secret_request

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
