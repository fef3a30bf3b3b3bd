from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.secret_type import SecretType
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.sealed_data import SealedData
    from ..models.secret_labels import SecretLabels


T = TypeVar("T", bound="Secret")


@_attrs_define
class Secret:
    """A Kubernetes Secret. Its values never appear in plaintext: a declaration
    carries them sealed for the cluster's Sealed Secrets controller, and the
    API returns only the key names. Declared with `kind: Secret`.

       Attributes:
           name (str | Unset): Secret name (DNS-1123 subdomain).
           namespace (str | Unset): Namespace of the secret; must be declared with `kind: Namespace`.
           type_ (SecretType | Unset): SECRET_TYPE_OPAQUE when not set.
           labels (SecretLabels | Unset):
           sealed (SealedData | Unset): Values sealed per key with the controller's public certificate
                (Bitnami Sealed Secrets format: RSA-OAEP-SHA256 session key + AES-256-GCM, base64).
           keys (list[str] | Unset): Output only: the key names. Values are never returned.
           created_at (str | Unset): Output only: Unix seconds of the commit that first added the declaration.
    """

    name: str | Unset = UNSET
    namespace: str | Unset = UNSET
    type_: SecretType | Unset = UNSET
    labels: SecretLabels | Unset = UNSET
    sealed: SealedData | Unset = UNSET
    keys: list[str] | Unset = UNSET
    created_at: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        namespace = self.namespace

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_.value

        labels: dict[str, Any] | Unset = UNSET
        if not isinstance(self.labels, Unset):
            labels = self.labels.to_dict()

        sealed: dict[str, Any] | Unset = UNSET
        if not isinstance(self.sealed, Unset):
            sealed = self.sealed.to_dict()

        keys: list[str] | Unset = UNSET
        if not isinstance(self.keys, Unset):
            keys = self.keys

        created_at = self.created_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if namespace is not UNSET:
            field_dict["namespace"] = namespace
        if type_ is not UNSET:
            field_dict["type"] = type_
        if labels is not UNSET:
            field_dict["labels"] = labels
        if sealed is not UNSET:
            field_dict["sealed"] = sealed
        if keys is not UNSET:
            field_dict["keys"] = keys
        if created_at is not UNSET:
            field_dict["createdAt"] = created_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.sealed_data import SealedData  # noqa: PLC0415
        from ..models.secret_labels import SecretLabels  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name", UNSET)

        namespace = d.pop("namespace", UNSET)

        _type_ = d.pop("type", UNSET)
        type_: SecretType | Unset
        if isinstance(_type_, Unset):
            type_ = UNSET
        else:
            type_ = SecretType(_type_)

        _labels = d.pop("labels", UNSET)
        labels: SecretLabels | Unset
        if isinstance(_labels, Unset):
            labels = UNSET
        else:
            labels = SecretLabels.from_dict(_labels)

        _sealed = d.pop("sealed", UNSET)
        sealed: SealedData | Unset
        if isinstance(_sealed, Unset):
            sealed = UNSET
        else:
            sealed = SealedData.from_dict(_sealed)

        keys = cast(list[str], d.pop("keys", UNSET))

        created_at = d.pop("createdAt", UNSET)

        secret = cls(
            name=name,
            namespace=namespace,
            type_=type_,
            labels=labels,
            sealed=sealed,
            keys=keys,
            created_at=created_at,
        )

        secret.additional_properties = d
        return secret

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
