"""Multibase strings as Data Integrity uses them: base58-btc ('z…') and base64url without padding ('u…')."""

import base64

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ED25519_PUB = b"\xed\x01"  # multicodec prefix of an Ed25519 public key (varint 0xed)


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    digits = ""
    while number:
        number, rest = divmod(number, 58)
        digits = ALPHABET[rest] + digits
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + digits


def b58decode(text: str) -> bytes:
    number = 0
    for char in text:
        index = ALPHABET.find(char)
        if index < 0:
            raise ValueError(f"not base58: {char!r}")
        number = number * 58 + index
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def encode_z(data: bytes) -> str:
    return "z" + b58encode(data)


def decode_z(text: str) -> bytes:
    if not text.startswith("z"):
        raise ValueError("expected a base58-btc multibase string ('z…')")
    return b58decode(text[1:])


def encode_u(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def decode_u(text: str) -> bytes:
    if not text.startswith("u"):
        raise ValueError("expected a base64url multibase string ('u…')")
    body = text[1:]
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))


def public_key_multibase(raw: bytes) -> str:
    """An Ed25519 public key (32 bytes) as a Multikey `publicKeyMultibase` ('z6Mk…')."""
    return encode_z(ED25519_PUB + raw)


def raw_public_key(multibase: str) -> bytes:
    decoded = decode_z(multibase)
    if not decoded.startswith(ED25519_PUB) or len(decoded) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return decoded[2:]
