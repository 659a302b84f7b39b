import pytest

from app.accounts.passwords import WeakPassword, check_policy, make_hasher, verify_password


@pytest.mark.parametrize("password", ["short", "password", "12345678", "qwertyuiop", "PASSWORD1"])
def test_short_or_common_passwords_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword):
        check_policy(password)


@pytest.mark.parametrize(
    "password", ["una frase de paso larga", "ñandutí del Chaco 2026", "x" * 200, "abcdefgh1!"]
)
def test_long_or_uncommon_passwords_are_accepted_unchanged(password: str) -> None:
    check_policy(password)


def test_password_equal_to_username_is_refused() -> None:
    with pytest.raises(WeakPassword):
        check_policy("comisario.lopez", username="comisario.lopez")


def test_hashes_are_argon2id_and_verify() -> None:
    hasher = make_hasher(1, 64)

    hashed = hasher.hash("una frase de paso")

    assert hashed.startswith("$argon2id$")
    assert verify_password(hasher, hashed, "una frase de paso")
    assert not verify_password(hasher, hashed, "otra frase")
    assert not verify_password(hasher, "not a hash", "otra frase")
