"""Knowledge gain from matched pre-test / post-test pairs: the figures and how they are computed.

Only officers who finished both forms count (matched pairs); those who finished the pre-test and
not the post-test are counted apart as attrition, never in the gain. Scores are percents (0-100).

With n pairs, pre scores x_i, post scores y_i and differences d_i = y_i - x_i:

- mean pre x̄ and mean post ȳ; mean difference d̄ = ȳ - x̄ (percentage points).
- 95 % confidence interval of d̄: d̄ ± t(0.975, n-1) · s_d / √n, where s_d is the sample standard
  deviation of the d_i (n-1 in the denominator): the paired t interval (Student 1908; any
  statistics text, e.g. Altman, *Practical Statistics for Medical Research*, 1991, §9.6).
  t quantiles for n-1 ≤ 30 are the tabulated values; beyond, the Cornish-Fisher expansion of
  Abramowitz & Stegun (1964), 26.7.5, which agrees with the table to 0.001 at 30 degrees of freedom.
  Needs n ≥ 2.
- Hake's normalised gain ⟨g⟩ = (ȳ - x̄) / (100 - x̄): the share of the possible gain that was
  achieved, computed from the class averages (Hake, R. R. 1998, "Interactive-engagement versus
  traditional methods", *American Journal of Physics* 66(1):64-74). Undefined when x̄ = 100.
- Paired effect size d_z = d̄ / s_d (Cohen 1988, *Statistical Power Analysis*, §2.3.5; Lakens 2013,
  "Calculating and reporting effect sizes", *Frontiers in Psychology* 4:863, eq. 5). Undefined when
  s_d = 0 or n < 2.
- Mastery: the share of pairs whose post-test reaches the course's mastery mark (evaluation.yaml).
- Attrition: pre-test takers without a post-test, of all pre-test takers.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

Z_975 = 1.959963984540054
# t(0.975, df) for df = 1..30 (Abramowitz & Stegun 1964, table 26.10; any t table).
T_975 = (
    12.7062,
    4.3027,
    3.1824,
    2.7764,
    2.5706,
    2.4469,
    2.3646,
    2.3060,
    2.2622,
    2.2281,
    2.2010,
    2.1788,
    2.1604,
    2.1448,
    2.1314,
    2.1199,
    2.1098,
    2.1009,
    2.0930,
    2.0860,
    2.0796,
    2.0739,
    2.0687,
    2.0639,
    2.0595,
    2.0555,
    2.0518,
    2.0484,
    2.0452,
    2.0423,
)


# One officer's forms in one course: pre-test and post-test percents (None: not taken) and the
# course's mastery mark. A report builds plain tuples (see figures._forms); `Result` names the fields.
Scores = tuple[float | None, float | None, float]


class Result(NamedTuple):
    """One officer's forms in one course: the pre-test and post-test percents (None: not taken)."""

    pre: float | None
    post: float | None
    mastery: float = 80  # the course's mastery mark


@dataclass(frozen=True)
class Gain:
    """The gain figures of a group; None where the group is too small to compute one."""

    started: int  # took the pre-test
    pairs: int  # took both
    left: int  # took the pre-test, not the post-test
    mean_pre: float | None
    mean_post: float | None
    mean_difference: float | None
    ci_low: float | None
    ci_high: float | None
    normalised_gain: float | None
    effect_size: float | None
    mastery_share: float | None

    @property
    def attrition(self) -> float | None:
        return self.left / self.started if self.started else None


def t_975(df: int) -> float:
    """The 97.5th percentile of Student's t with `df` degrees of freedom."""
    if df < 1:
        raise ValueError("a t quantile needs at least one degree of freedom")
    if df <= len(T_975):
        return T_975[df - 1]
    z = Z_975
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    return z + g1 / df + g2 / df**2 + g3 / df**3


def _sd(values: list[float], mean: float) -> float:
    """The sample standard deviation in floats (statistics.stdev is exact but 50 times slower)."""
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1))


def compute(results: Iterable[Scores]) -> Gain:
    """The figures over the matched pairs of `results`, with the attrition of those who started."""
    started, pre, post, mastered = 0, [], [], 0
    for first, last, mastery in results:
        if first is not None:
            started += 1
            if last is not None:
                pre.append(first)
                post.append(last)
                mastered += last >= mastery
    n = len(pre)
    if not n:
        return Gain(started, 0, started, None, None, None, None, None, None, None, None)
    mean_pre = math.fsum(pre) / n
    mean_post = math.fsum(post) / n
    differences = [y - x for x, y in zip(pre, post, strict=True)]
    mean = math.fsum(differences) / n
    spread = _sd(differences, mean) if n >= 2 else None
    half = t_975(n - 1) * spread / math.sqrt(n) if spread is not None else None
    return Gain(
        started=started,
        pairs=n,
        left=started - n,
        mean_pre=mean_pre,
        mean_post=mean_post,
        mean_difference=mean,
        ci_low=mean - half if half is not None else None,
        ci_high=mean + half if half is not None else None,
        normalised_gain=(mean_post - mean_pre) / (100 - mean_pre) if mean_pre < 100 else None,
        effect_size=mean / spread if spread else None,
        mastery_share=mastered / n,
    )
