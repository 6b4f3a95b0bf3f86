"""Rank correlations for the benchmark scripts (the same definitions as basics/rank_correlation.h): average
ranks of ties, Spearman as the Pearson correlation of those ranks, Kendall's tau-b."""


def ranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    i = 0
    while i < len(order):  # average ranks of ties
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2
        i = j + 1
    return result


def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    n = len(ra)
    ma, mb = sum(ra) / n, sum(rb) / n
    covariance = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    spread = (sum((x - ma) ** 2 for x in ra) * sum((y - mb) ** 2 for y in rb)) ** 0.5
    return covariance / spread if spread > 0 else 0.0


def kendall_tau_b(a, b):
    concordant = discordant = ties_a = ties_b = 0
    for i in range(len(a)):
        for j in range(i + 1, len(a)):
            x, y = (a[i] > a[j]) - (a[i] < a[j]), (b[i] > b[j]) - (b[i] < b[j])
            if x and y:
                if x == y:
                    concordant += 1
                else:
                    discordant += 1
            elif x:
                ties_a += 1
            elif y:
                ties_b += 1
    spread = ((concordant + discordant + ties_a) * (concordant + discordant + ties_b)) ** 0.5
    return (concordant - discordant) / spread if spread else 0.0


def quantile(values, fraction):
    """Linear interpolation between order statistics (numpy's default, the same as bench::quantile)."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


def quartiles(values, digits=2):
    """`median [first quartile, third quartile]` of `values`, as the tables in RESULTS.md write them."""
    q1, median, q3 = (quantile(values, fraction) for fraction in (0.25, 0.5, 0.75))
    return f"{median:.{digits}f} [{q1:.{digits}f}, {q3:.{digits}f}]"
