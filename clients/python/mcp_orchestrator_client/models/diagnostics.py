from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.diagnostic import Diagnostic


T = TypeVar("T", bound="Diagnostics")


@_attrs_define
class Diagnostics:
    """What gRPC error details carry (google.rpc.Status.details, sent in the
    grpc-status-details-bin trailer, as an Any of type
    type.googleapis.com/mcp.orchestrator.v1.Diagnostics) when a call fails
    because of a commit's declarations, e.g. UNAVAILABLE while the newest
    commit is invalid and no valid commit has loaded yet.

       Attributes:
           commit (str | Unset): Full SHA of the commit the diagnostics are about.
           diagnostics (list[Diagnostic] | Unset): The first diagnostics, in `mcpo validate` order; the list is cut to
                stay within gRPC metadata limits (see total_count).
           total_count (int | Unset): How many diagnostics the commit has; more than the list holds when it
                was cut.
    """

    commit: str | Unset = UNSET
    diagnostics: list[Diagnostic] | Unset = UNSET
    total_count: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        commit = self.commit

        diagnostics: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.diagnostics, Unset):
            diagnostics = []
            for diagnostics_item_data in self.diagnostics:
                diagnostics_item = diagnostics_item_data.to_dict()
                diagnostics.append(diagnostics_item)

        total_count = self.total_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if commit is not UNSET:
            field_dict["commit"] = commit
        if diagnostics is not UNSET:
            field_dict["diagnostics"] = diagnostics
        if total_count is not UNSET:
            field_dict["totalCount"] = total_count

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.diagnostic import Diagnostic  # noqa: PLC0415

        d = dict(src_dict)
        commit = d.pop("commit", UNSET)

        _diagnostics = d.pop("diagnostics", UNSET)
        diagnostics: list[Diagnostic] | Unset = UNSET
        if _diagnostics is not UNSET:
            diagnostics = []
            for diagnostics_item_data in _diagnostics:
                diagnostics_item = Diagnostic.from_dict(diagnostics_item_data)

                diagnostics.append(diagnostics_item)

        total_count = d.pop("totalCount", UNSET)

        diagnostics = cls(
            commit=commit,
            diagnostics=diagnostics,
            total_count=total_count,
        )

        diagnostics.additional_properties = d
        return diagnostics

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
