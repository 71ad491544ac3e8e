"""Ordered answer scales by meaning: which end is positive, where the midpoint is.

A memo's "agree" share is the answers on the positive side of the scale's midpoint, whatever
the words: ``Agree``/``Strongly agree`` on a 4-point scale, ``Somewhat agree``/``Strongly
agree`` on a 5-point one, ``Tend to agree`` or ``D'accord`` elsewhere. The side of each answer
comes from the codebook: its ``scale:`` key when present (``positive: high`` or ``low`` and
``midpoint:`` a code, or ``null`` for an even scale), otherwise from the labels' words
(agreement, satisfaction, likelihood, favourability, importance, support, comfort and
frequency, in English, French, Spanish, German and Portuguese). A scale neither says how to
orient is an error naming the variable, never a silent zero.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..errors import CodebookError

__all__ = ["Scale", "nonsubstantive", "orient_scale", "polarity"]

_POSITIVE = (
    r"agree|accord|acuerdo|concord|zustimm|einverstanden|satisf|zufrieden|likely|probabl|"
    r"wahrscheinlich|stimme?\b.*\bzu\b|favou?rab|favorable|approv|support|important|comfortable|confident|"
    r"often|always|frequent|usually|souvent|toujours|siempre|menudo|immer|oft\b|sempre|"
    r"good|excellent|bien\b|bueno|gut\b|yes\b|oui\b|si\b|ja\b|true\b"
)
_NEGATIVE = (
    r"\bdis|\bun(?!d\b|der)|\binsatisf|\bimprob|\bunwahr|\bnot\b|\bno\b|\bnever|\brarely|\bseldom|"
    r"\bhardly|\bpas\b|\bjamais|\bnunca|\bnie\b|\bnicht|\bdes(?=acuerdo|satis)|\bdesacuerdo|"
    r"\boppose|\bpoor|\bbad\b|\bmal\b|\bschlecht|\bnao\b|\bnon\b|\bdiscord|\bpeu\b|\bfalse\b"
)
_NEUTRAL = (
    r"neither|\bneutral|\bneutre|\bni\b.*\bni\b|\bweder\b|\bnem\b.*\bnem\b|\bsometimes|"
    r"\bmoderate|\bparfois|\ba veces|\bmanchmal|\bas vezes|\bmixed|\bunsure|\bundecided|\bmiddle"
)
_WEAK = r"slight|a little|a bit|barely|somewhat|low"
_NONSUBSTANTIVE = (
    r"don.?t know|not sure|no opinion|not applicable|\bn/?a\b|prefer not|refus|ne sais pas|"
    r"no s[eé]|wei(ss|ß) nicht|keine angabe|no basis|can.?t say|unfamiliar|don.?t understand"
)


def _plain(label: object) -> str:
    text = unicodedata.normalize("NFKD", str(label)).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", text.lower()).strip()


def nonsubstantive(label: object) -> bool:
    """True for an answer outside any scale: "Don't know", "Prefer not to say", "N/A"...

    >>> nonsubstantive("Prefer not to say"), nonsubstantive("Somewhat agree")
    (True, False)
    """
    return bool(re.search(_NONSUBSTANTIVE, _plain(label)))


def polarity(label: object) -> int | None:
    """+1 positive, -1 negative, 0 neutral, None when the words do not say.

    >>> polarity("Yes"), polarity("Somewhat disagree"), polarity("Neutral"), polarity("Han")
    (1, -1, 0, None)
    """
    text = _plain(label)
    if re.search(_NEUTRAL, text):
        return 0
    if re.search(_NEGATIVE, text):
        return -1
    if re.search(_POSITIVE, text):
        return 1
    return None


@dataclass(frozen=True)
class Scale:
    """An ordered answer scale, oriented: ``positive`` and ``negative`` answers (labels),
    the ``midpoint`` (a label, or None on an even scale), the answers outside the scale
    (``other``: "Don't know", "No opinion"...) and ``how`` it was oriented (``"codebook"``
    or ``"words"``)."""

    variable: str
    labels: tuple
    positive: tuple
    negative: tuple
    midpoint: object = None
    other: tuple = ()
    how: str = "words"

    @property
    def ladder(self) -> tuple:
        """The answers from most negative to most positive (the midpoint in between).

        Examples
        --------
        >>> orient_scale("q", {1: "Agree", 2: "Neutral", 3: "Disagree"}).ladder
        ('Disagree', 'Neutral', 'Agree')
        """
        high = self.labels.index(self.positive[0]) > self.labels.index(self.negative[0])
        return self.labels if high else self.labels[::-1]

    def __repr__(self) -> str:
        return (
            f"Scale({self.variable}: positive {list(self.positive)}, "
            f"midpoint {self.midpoint!r}, by {self.how})"
        )


def _refuse(name: str, labels, why: str) -> CodebookError:
    return CodebookError(
        f"Cannot tell which end of {name!r}'s scale is positive ({why}; answers in code order: "
        f"{', '.join(map(str, labels))}).",
        hint=f"add to {name} in the codebook: scale: {{positive: high, midpoint: <code of the "
        "middle answer, or null>} (positive: low when the first code is the favourable end)",
    )


def orient_scale(name: str, codes: dict, scale: dict | None = None) -> Scale:
    """Orient an ordered scale from its codes (``{code: label}`` in the codebook's order).

    ``scale`` is the codebook's ``scale:`` entry (``positive: high | low``, ``midpoint: code``
    or ``null``); without it the labels' words decide. Raises :class:`CodebookError` naming
    ``name`` when neither orients the scale.

    Examples
    --------
    >>> s = orient_scale("q", {1: "Strongly disagree", 2: "Disagree", 3: "Agree",
    ...                        4: "Strongly agree"})
    >>> s.positive, s.midpoint
    (('Agree', 'Strongly agree'), None)
    >>> orient_scale("q", {1: "Tout à fait d'accord", 2: "Plutôt d'accord",
    ...                    3: "Ni d'accord ni pas d'accord", 4: "Plutôt pas d'accord",
    ...                    5: "Pas du tout d'accord"}).positive
    ("Tout à fait d'accord", "Plutôt d'accord")
    >>> orient_scale("q", {1: "Low", 2: "High"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    survey_tools.errors.CodebookError: Cannot tell which end of 'q'...
    """
    items = [(code, str(label)) for code, label in codes.items()]
    other = tuple(lab for _, lab in items if nonsubstantive(lab))
    ladder = [(code, lab) for code, lab in items if lab not in other]
    labels = tuple(lab for _, lab in ladder)
    if len(ladder) < 2:
        raise _refuse(name, labels, "fewer than two ordered answers")
    if scale:
        return _declared(name, ladder, other, scale)
    signs = [polarity(lab) for lab in labels]
    first, last = signs[0], signs[-1]
    if {first, last} != {1, -1}:
        raise _refuse(name, labels, "the end answers' words do not say which is favourable")
    high = last == 1
    neutral = [i for i, s in enumerate(signs) if s == 0]
    k = len(labels)
    if len(neutral) == 1:
        mid = neutral[0]
    elif not neutral and k % 2 == 1:
        mid = k // 2
    elif not neutral:
        mid = None
    else:
        raise _refuse(name, labels, "more than one answer reads as the midpoint")
    centre = mid if mid is not None else (k - 1) / 2
    for i, sign in enumerate(signs):
        side = 0 if i == centre else (1 if (i > centre) == high else -1)
        weak = sign == 1 and side == -1 and re.search(_WEAK, _plain(labels[i]))
        if sign is not None and sign != side and not (sign == 0 and mid is None) and not weak:
            raise _refuse(name, labels, f"{labels[i]!r} does not sit on its side of the scale")
    return _sides(name, labels, mid, high, other, "words")


def _sides(name, labels, mid, high, other, how) -> Scale:
    k = len(labels)
    centre = mid if mid is not None else (k - 1) / 2
    upper = tuple(lab for i, lab in enumerate(labels) if i > centre)
    lower = tuple(lab for i, lab in enumerate(labels) if i < centre)
    positive, negative = (upper, lower) if high else (lower, upper)
    return Scale(
        name,
        labels,
        positive,
        negative,
        labels[mid] if mid is not None else None,
        other,
        how,
    )


def _declared(name: str, ladder, other, scale: dict) -> Scale:
    labels = tuple(lab for _, lab in ladder)
    end = str(scale.get("positive", "")).lower()
    if end not in ("high", "low"):
        raise CodebookError(
            f"{name}: scale: positive is {scale.get('positive')!r}.",
            hint="write positive: high (the last code is the favourable end) or positive: low",
        )
    mid = scale.get("midpoint")
    if mid is None:
        index = None
    else:
        codes = [str(code) for code, _ in ladder]
        if str(mid) not in codes:
            raise CodebookError(
                f"{name}: scale: midpoint {mid!r} is not one of its codes ({', '.join(codes)}).",
                hint="give the code of the middle answer, or midpoint: null for an even scale",
            )
        index = codes.index(str(mid))
    return _sides(name, labels, index, end == "high", other, "codebook")
