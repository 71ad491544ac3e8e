"""Hadamard matrices for balanced repeated replication, chosen as R's ``survey`` chooses them.

What enters: the number of strata (each with two PSUs) a BRR or Fay conversion balances. What
leaves: a Hadamard matrix in 0/1 coding (1 for +1, 0 for -1) whose rows after the first give
the strata their half-samples and whose columns are the replicates, and :func:`brr_factors`,
the factor each PSU's weight takes in each replicate.

R (``survey::hadamard``, used by ``brrweights`` and ``as.svrepdesign(type="BRR")``) picks,
for ``n`` strata, a matrix of order at least ``n + 1`` by these rules, which are followed here
so that a conversion gives R's replicates exactly:

- its small matrices of order 4 and 16 (Sylvester's construction), 28 and 36, when one has
  order in ``(m, m + 4]`` for ``m`` = ``n`` rounded down to a multiple of 4;
- otherwise the one of those four orders, doubled just enough to exceed ``n``, that wastes
  least; if that wastes more than 4, a Paley matrix (Paley's first construction from a prime
  ``p`` = 3 mod 4, possibly doubled) instead, when R's rule finds one no larger;
- doubling is Sylvester's ``[[H, H], [H, 1 - H]]``.

Every matrix is built here from its published construction: Sylvester's doubling, Paley's
quadratic residues, and the order-36 matrix from Plackett and Burman's (1946) cyclic generator
for 36 runs (rows: a row of +1 for the mean, then one per factor; columns: the 35 cyclic runs
and the run with every factor at -1). R's order-28 matrix comes from Sloane's library and has
no such construction here: where R would use it (24-27 strata, and its doublings), a larger
Sylvester matrix stands in, as valid a BRR but not R's replicates (totals still agree).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

__all__ = ["brr_factors", "hadamard", "paley", "r_order"]

_STORED = (4, 16, 28, 36)  # the orders R keeps ready-made
# Plackett & Burman (1946), 36 runs: the generator row, + and - as 1 and 0
_PB36 = "01011100011111011100100001010110010"


def _double(h: np.ndarray) -> np.ndarray:
    return np.block([[h, h], [h, 1 - h]])


def _sylvester(order: int) -> np.ndarray:
    h = np.array([[1, 1], [1, 0]], dtype=np.int8)
    while h.shape[0] < order:
        h = _double(h)
    return h


def _plackett_burman_36() -> np.ndarray:
    g = np.array([int(c) for c in _PB36], dtype=np.int8)
    runs = np.vstack([np.roll(g, -k) for k in range(35)])  # 35 runs x 35 factors, cyclic
    runs = np.vstack([runs, np.zeros(35, dtype=np.int8)])  # and the run with every factor low
    return np.vstack([np.ones(36, dtype=np.int8), runs.T])  # rows: the mean, then factors


@cache
def _primes_3_mod_4(limit: int = 7919) -> tuple[int, ...]:
    sieve = np.ones(limit + 1, bool)
    sieve[:2] = False
    for i in range(2, int(limit**0.5) + 1):
        if sieve[i]:
            sieve[i * i :: i] = False
    return tuple(int(p) for p in np.flatnonzero(sieve) if p % 4 == 3)


def _paley_prime(p: int) -> np.ndarray:
    """Paley's first construction of order ``p + 1`` (``p`` prime, 3 mod 4): a border of ones
    around the ``p`` x ``p`` table that is 0 where ``(i + j) mod p`` is 0 or a quadratic
    residue, 1 elsewhere."""
    residues = np.zeros(p, bool)
    residues[(np.arange(p) ** 2) % p] = True
    table = np.where(residues[np.add.outer(np.arange(p), np.arange(p)) % p], 0, 1)
    out = np.ones((p + 1, p + 1), dtype=np.int8)
    out[1:, 1:] = table
    return out


def paley(n: int, nmax: int | None = None) -> np.ndarray | None:
    """A Paley-type Hadamard matrix of order above ``n`` (at most ``nmax``, default ``2n``), or
    None, by R's ``survey::paley`` rules for which prime (and how many doublings) to use."""
    nmax = 2 * n if nmax is None else nmax
    primes = _primes_3_mod_4()
    nceil = n + 4 - n % 4
    if n % 8 >= 4:  # n + 4 - n % 4 has an odd part small enough, perhaps: p + 1 doubled
        base = nceil
        while base % 8 == 0:
            base //= 2
        if base - 1 in primes:
            h = _paley_prime(base - 1)
            while h.shape[0] < nceil:
                h = _double(h)
            return h
    if n > primes[-1]:
        return None
    p = min(q for q in primes if q >= n)
    if p + 1 > nceil + 4 and nceil + 4 < nmax:
        return paley(nceil + 3)
    if p > nmax:
        return None
    return _paley_prime(p)


def _stored(order: int) -> np.ndarray | None:
    if order == 36:
        return _plackett_burman_36()
    if order == 28:
        return None  # R's comes from Sloane's library; see the module docstring
    return _sylvester(order)


@cache
def _hadamard(n: int) -> np.ndarray:
    m = n - n % 4
    ready = [s for s in _STORED if m < s <= m + 4]
    if ready:
        h = _stored(ready[0])
        return h if h is not None else _sylvester(n + 1)
    doubled = [s * 2 ** max(0, math.ceil(math.log2((n + 1) / s))) for s in _STORED]
    best = int(np.argmin([d - n for d in doubled]))
    h = paley(n, doubled[best]) if doubled[best] - n > 4 else None
    if h is None:
        h = _stored(_STORED[best])
        if h is None:
            return _sylvester(n + 1)
        while h.shape[0] < doubled[best]:
            h = _double(h)
    return h


def hadamard(n: int) -> np.ndarray:
    """The 0/1 Hadamard matrix R's ``survey::hadamard(n)`` gives for ``n`` strata (order at
    least ``n + 1``); a Sylvester one where R's is its order-28 matrix (or a doubling of it)."""
    return _hadamard(int(n)).copy()


def r_order(n: int) -> bool:
    """Whether :func:`hadamard` gives R's own matrix for ``n`` strata (not the stand-in for
    R's order-28 matrix)."""
    m = n - n % 4
    ready = [s for s in _STORED if m < s <= m + 4]
    if ready:
        return ready[0] != 28
    doubled = [s * 2 ** max(0, math.ceil(math.log2((n + 1) / s))) for s in _STORED]
    best = int(np.argmin([d - n for d in doubled]))
    if doubled[best] - n > 4 and paley(n, doubled[best]) is not None:
        return True
    return _STORED[best] != 28


def brr_factors(
    stratum_rank: np.ndarray, first_in_stratum: np.ndarray, rho: float = 0.0
) -> np.ndarray:
    """Per PSU and replicate, the factor on its weight in (Fay's) BRR, as R's ``brrweights``.

    ``stratum_rank`` gives each PSU's stratum in R's order (strata sorted by their labels as
    text), ``first_in_stratum`` whether the PSU is the first of its stratum's two in the data.
    Replicate ``r`` keeps the first PSU of stratum ``h`` (factor ``2 - rho``, the other
    ``rho``) where row ``h + 1`` of the Hadamard matrix has a 1 in column ``r``.
    """
    n_strata = int(stratum_rank.max()) + 1
    h = hadamard(n_strata)
    plus = h[1 + stratum_rank].astype(bool)  # psu x replicate: the first PSU is kept
    keep = np.where(first_in_stratum[:, None], plus, ~plus)
    return np.where(keep, 2.0 - rho, rho)
