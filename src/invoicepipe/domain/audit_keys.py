"""The audit keys by id: the key that signs new events and every key that signed old ones.

Rotation never re-signs history: events and checkpoints carry the id of the key that made
their HMAC, and a verifier holding the keyring checks each with its own key. The first key
(the one configured before any rotation) has no id, so everything written before rotation
existed keeps verifying unchanged. The key material is never in the database, only the id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Union

BASE_KEY_ID = None  # the configured key; events signed with it carry no key id


@dataclass(frozen=True)
class Keyring:
    keys: Mapping[Optional[str], bytes]  # id -> key, in the order they took over
    active: Optional[str] = BASE_KEY_ID

    @property
    def active_key(self) -> bytes:
        return self.keys[self.active]

    def get(self, key_id: Optional[str]) -> Optional[bytes]:
        return self.keys.get(key_id)

    def label(self, key_id: Optional[str]) -> str:
        return "the base key" if key_id is None else f"key {key_id}"


def as_keyring(key: Union[bytes, Keyring]) -> Keyring:
    """A lone key is a keyring of one (the base key)."""
    return key if isinstance(key, Keyring) else Keyring({BASE_KEY_ID: key})


def retirements(keyring: Keyring, takeovers: Mapping[Optional[str], int]) -> dict[Optional[str], tuple[str, int]]:
    """When each key was retired: key id -> (the key that took over, the seq of the event where it did).

    ``takeovers`` maps a key id to the seq of the ``audit_key / rotated`` event that handed
    signing to it. A key is valid for the events of its own period only: from its takeover
    until a later key's (in keyring order) first takeover. An event signed with a key after
    that is either from a process that kept the old key or forged with a retired (perhaps
    leaked) key, the very case rotation is for.
    """
    retired: dict[Optional[str], tuple[str, int]] = {}
    successor: Optional[tuple[str, int]] = None  # the earliest takeover among the keys after this one
    for key_id in reversed(list(keyring.keys)):
        if successor is not None:
            retired[key_id] = successor
        seq = takeovers.get(key_id)
        if seq is not None and (successor is None or seq < successor[1]):
            successor = (key_id, seq)
    return retired


@dataclass(frozen=True)
class Takeover:
    """Where the ``audit_key / rotated`` event that handed signing to a key sits in the chain."""

    seq: int
    partition: int
    position: int


def key_of_period(keyring: Keyring, takeovers: Mapping[Optional[str], Takeover], sealed: Mapping[int, int]) -> Optional[str]:
    """The key whose period a checkpoint of the heads ``sealed`` (partition -> position) falls in.

    That is the last key, in keyring order, whose takeover event the heads include (the
    rule of ``retirements``), or the first key when they include none. A checkpoint is signed
    with this key: one signed with an earlier key was made with a retired key, one signed
    with a later key with a key whose period had not begun at the heads it seals.
    """
    current = next(iter(keyring.keys), BASE_KEY_ID)
    for key_id in keyring.keys:
        place = takeovers.get(key_id)
        if place is not None and sealed.get(place.partition, 0) >= place.position:
            current = key_id
    return current
