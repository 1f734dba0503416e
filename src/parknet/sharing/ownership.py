"""Look-through ownership of cross-holdings (交叉持股穿透): who ultimately owns, controls and is paid by
the zones' asset companies.

``holdings`` is a polars DataFrame ``holder, company, share``: the holder owns ``share`` ∈ [0, 1] of the
company directly. Companies are the entities that are held; ultimate owners are the holders nobody holds
(zone management committees, the province …). Shares of a company that add up to less than 1 leave the
rest with holders not listed (dispersed or outside shareholders).

With A (companies × companies, A[j, k] = share of k held by company j) and E (owners × companies), the
look-through shares are U = E (I − A)⁻¹ = E (I + A + A² + …): every chain of holdings, cycles included,
counted once (Brioschi, Buzzacchi & Colombo 1989; Vitali, Glattfelder & Battiston 2011).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import polars as pl

from parknet.attribution.money import AMOUNT, from_units, largest_remainder, units_column
from parknet.errors import InvalidArgument

__all__ = ["look_through", "control", "dividend_flows"]

_TOL = 1e-9  # share arithmetic: sums within 1e-9 of 100% count as 100%
_SHOWN = 10  # names listed in an error


@dataclass(frozen=True)
class _Structure:
    owners: list
    companies: list
    direct: np.ndarray  # E: owners × companies
    between: np.ndarray  # A: companies × companies


def _names(values: list) -> str:
    shown = ", ".join(str(v) for v in values[:_SHOWN])
    return shown + (f" and {len(values) - _SHOWN} more" if len(values) > _SHOWN else "")


def _check_holdings(holdings: pl.DataFrame) -> pl.DataFrame:
    if not isinstance(holdings, pl.DataFrame):
        raise InvalidArgument("holdings", f"must be a polars DataFrame (holder, company, share), got "
                                          f"{type(holdings).__name__}")
    missing = [c for c in ("holder", "company", "share") if c not in holdings.columns]
    if missing:
        raise InvalidArgument("holdings", f"missing columns {missing}")
    if holdings.is_empty():
        raise InvalidArgument("holdings", "has no rows")
    if holdings["holder"].dtype != holdings["company"].dtype:
        raise InvalidArgument("holdings", f"holder and company must be ids of one type, got "
                                          f"{holdings['holder'].dtype} and {holdings['company'].dtype}")
    for column in ("holder", "company", "share"):
        if holdings[column].null_count():
            raise InvalidArgument("holdings", f"column {column!r} has empty values")
    if not holdings["share"].dtype.is_numeric():
        raise InvalidArgument("holdings", f"share must be numbers in [0, 1], got {holdings['share'].dtype}")
    share = holdings["share"].cast(pl.Float64)
    bad = share.is_nan() | (share < 0) | (share > 1)
    if bad.any():
        i = int(bad.arg_true()[0])
        raise InvalidArgument("holdings", f"share {share[i]} of {holdings['holder'][i]} in "
                                          f"{holdings['company'][i]} is outside [0, 1] (a share, not a "
                                          "percent)")
    holdings = holdings.select("holder", "company", share.alias("share"))
    own = holdings.filter(pl.col("holder") == pl.col("company"))
    if not own.is_empty():
        raise InvalidArgument("holdings", f"company {own['company'][0]} holds itself; leave treasury shares "
                                          "out (the other holders' shares then add up to less than 100%)")
    dup = holdings.filter(pl.struct("holder", "company").is_duplicated())
    if not dup.is_empty():
        raise InvalidArgument("holdings", f"{dup['holder'][0]} holds {dup['company'][0]} in more than one "
                                          "row; give one row per holder and company")
    totals = holdings.group_by("company").agg(pl.col("share").sum()).filter(pl.col("share") > 1 + _TOL)
    if not totals.is_empty():
        row = totals.sort("share", "company", descending=[True, False]).row(0, named=True)
        raise InvalidArgument("holdings", f"the shares of company {row['company']} add up to "
                                          f"{row['share']:.4%}, more than 100%")
    return holdings


def _structure(holdings: pl.DataFrame) -> _Structure:
    holdings = _check_holdings(holdings)
    companies = holdings["company"].unique().sort().to_list()
    held = set(companies)
    owners = sorted(h for h in holdings["holder"].unique().to_list() if h not in held)
    col = {c: k for k, c in enumerate(companies)}
    row = {o: k for k, o in enumerate(owners)}
    direct = np.zeros((len(owners), len(companies)))
    between = np.zeros((len(companies), len(companies)))
    for holder, company, share in holdings.iter_rows():
        if holder in col:
            between[col[holder], col[company]] = share
        else:
            direct[row[holder], col[company]] = share
    _check_closed(companies, between)
    return _Structure(owners, companies, direct, between)


def _check_closed(companies: list, between: np.ndarray) -> None:
    """ρ(A) < 1, checked on the holding graph: A's columns add up to at most 1, and ρ(A) = 1 exactly when
    some set of companies holds all of its own shares (value entering it never leaves for an owner or an
    outside holder). A company leaks when less than 100% of it is held by companies, or when one of its
    holders leaks; the companies that never leak are named."""
    leaks = between.sum(axis=0) < 1 - _TOL
    held_by = between > 0
    while True:
        grown = leaks | (held_by & leaks[:, None]).any(axis=0)
        if (grown == leaks).all():
            break
        leaks = grown
    closed = [companies[k] for k in np.flatnonzero(~leaks)]
    if closed:
        raise InvalidArgument("holdings", f"companies {_names(closed)} hold all of each other's shares, with "
                                          "no outside owner (a closed cycle: the matrix of holdings among "
                                          "companies has spectral radius 1), so look-through shares are "
                                          "undefined; add their ultimate owners' shares")


def _look_through(s: _Structure) -> np.ndarray:
    identity = np.eye(len(s.companies))
    return np.clip(np.linalg.solve((identity - s.between).T, s.direct.T).T, 0.0, 1.0)


def look_through(holdings: pl.DataFrame) -> pl.DataFrame:
    """Ultimate owners' look-through shares U = E (I − A)⁻¹ (Brioschi, Buzzacchi & Colombo 1989).

    U[o, k] is the part of company k's value that reaches owner o along all chains of holdings. Raises
    ``InvalidArgument`` for shares outside [0, 1], a company whose shares add up to more than 100% (naming
    it and the total) and a closed cycle of companies with no outside owner (naming them).

    Returns ``owner, company, share`` for every non-zero share (above 1e-12), sorted by owner and company.
    Dense linear algebra: fine for a few thousand companies.
    """
    s = _structure(holdings)
    u = _look_through(s)
    owner, company = np.nonzero(u > 1e-12)
    dtype = holdings["holder"].dtype
    return pl.DataFrame({"owner": pl.Series([s.owners[i] for i in owner], dtype=dtype),
                         "company": pl.Series([s.companies[k] for k in company], dtype=dtype),
                         "share": u[owner, company]})


def control(holdings: pl.DataFrame) -> pl.DataFrame:
    """Control by the majority chain (> 50%) rule.

    An owner controls a company when it commands more than half of its shares: those it holds directly
    plus those held by companies it already controls. Starting from no control, this is repeated until
    nothing changes (a monotone fixed point: control only grows, so at most one round per company). A
    company has at most one controlling owner, because the votes of different owners come from disjoint
    sets of holders. Exactly 50% is not control. Minority stakes are not added up along chains: for
    ownership use :func:`look_through`.

    Returns ``owner, company, direct, votes`` (the direct share and the votes commanded) for every
    controlled company, sorted by owner and company.
    """
    s = _structure(holdings)
    controlled = np.zeros(s.direct.shape, dtype=bool)
    while True:
        votes = s.direct + controlled.astype(float) @ s.between
        grown = votes > 0.5 + _TOL
        if (grown == controlled).all():
            break
        controlled = grown
    owner, company = np.nonzero(controlled)
    dtype = holdings["holder"].dtype
    return pl.DataFrame({"owner": pl.Series([s.owners[i] for i in owner], dtype=dtype),
                         "company": pl.Series([s.companies[k] for k in company], dtype=dtype),
                         "direct": s.direct[owner, company], "votes": votes[owner, company]})


def _dividends(dividends: pl.DataFrame, companies: list) -> dict:
    if not isinstance(dividends, pl.DataFrame) or not {"company", "amount"} <= set(dividends.columns):
        raise InvalidArgument("dividends", "must be a polars DataFrame with columns company, amount")
    if dividends["company"].null_count() or dividends["amount"].null_count():
        raise InvalidArgument("dividends", "company and amount must not be empty")
    dup = dividends.filter(pl.col("company").is_duplicated())
    if not dup.is_empty():
        raise InvalidArgument("dividends", f"company {dup['company'][0]} has more than one row")
    unknown = sorted(set(dividends["company"].to_list()) - set(companies), key=str)
    if unknown:
        raise InvalidArgument("dividends", f"companies {_names(unknown)} are not held by anyone in holdings")
    try:
        units = units_column(dividends["amount"])
    except InvalidArgument as exc:
        raise InvalidArgument("dividends", f"amount: {exc.reason}") from None
    if (units < 0).any():
        i = int((units < 0).arg_true()[0])
        raise InvalidArgument("dividends", f"the dividend of {dividends['company'][i]} is negative")
    return dict(zip(dividends["company"].to_list(), units.to_list()))


def dividend_flows(holdings: pl.DataFrame, dividends: pl.DataFrame, *,
                   by_company: bool = False) -> pl.DataFrame:
    """The dividends that reach each ultimate owner, U · d.

    ``dividends``: ``company, amount`` — the profit each company distributes out of its own earnings
    (Decimal, int or float with at most 4 decimals, in the money unit, e.g. 万元); companies pass on in
    full the dividends they receive, so owner o gets Σ_k U[o, k]·d_k.

    Exact to 0.0001: each company's dividend is split among its ultimate owners and its outside holders
    (the part 1 − Σ_o U[o, k]) by the largest-remainder method on U rounded to 12 decimals (ties to the
    owners, in owner order), so the parts of every company add up exactly to its dividend. Returns ``owner, amount`` (Decimal(38, 4)), or with
    ``by_company`` ``owner, company, amount``; outside holders' parts are not listed. Sorted by owner
    (and company).
    """
    s = _structure(holdings)
    paid = _dividends(dividends, s.companies)
    u = _look_through(s)
    rows: list[tuple[object, object, int]] = []
    for k, company in enumerate(s.companies):
        total = paid.get(company, 0)
        owners = np.flatnonzero(u[:, k] > 1e-12)
        if not total or not owners.size:
            continue
        weights = [Fraction(f"{u[i, k]:.12f}") for i in owners]  # 0.3 stays 3/10: exact ties stay ties
        keys = [str(i).zfill(9) for i in owners]
        outside = 1 - sum(weights, Fraction(0))
        if outside > Fraction(1, 10**12):
            weights.append(outside)
            keys.append("~outside")
        parts = largest_remainder(total, weights, keys)
        rows += [(s.owners[i], company, part) for i, part in zip(owners, parts)]
    dtype = holdings["holder"].dtype
    flows = pl.DataFrame({"owner": pl.Series([r[0] for r in rows], dtype=dtype),
                          "company": pl.Series([r[1] for r in rows], dtype=dtype),
                          "units": pl.Series([r[2] for r in rows], dtype=pl.Int64)})
    flows = flows.sort("owner", "company") if by_company else \
        flows.group_by("owner").agg(pl.col("units").sum()).sort("owner")
    amounts = pl.Series([from_units(x) for x in flows["units"].to_list()], dtype=AMOUNT)
    return flows.with_columns(amount=amounts).drop("units")
