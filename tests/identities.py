"""Identity numbers for test data: the product only checks them, tests need to make them."""
from __future__ import annotations

from dmp_web.domain.actors import rpps_is_valid


def rpps_key(first_10: str) -> str:
    """The key digit that completes 10 digits into a valid RPPS number (found with the product's check)."""
    if len(first_10) != 10 or not (first_10.isascii() and first_10.isdigit()):
        raise ValueError("an RPPS number is 10 digits plus a key")
    return next(key for key in "0123456789" if rpps_is_valid(first_10 + key))


def format_nir(nir: str) -> str:
    """The NIR as printed on the Vitale card: 1 85 05 49 588 157 80."""
    return " ".join([nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]])
