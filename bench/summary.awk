# Reads RESULT lines (label=MTA:case:repN) and prints, per case, the medians for each MTA and
# the dirmail/postfix ratios. Used by bench/run.sh.
function med(key, m,   n, i, j, t, a) {
    n = split(vals[key, m], a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    if (n == 0) return 0
    return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
    delete kv
    for (i = 2; i <= NF; i++) { split($i, p, "="); kv[p[1]] = p[2] }
    split(kv["label"], l, ":")
    mta = l[1]; c = l[2] ":" l[3] ":" l[4] ":" l[5] ":" l[6]
    key = mta SUBSEP c
    if (!(c in seen)) { seen[c] = 1; order[++nc] = c }
    runs[key]++
    if (kv["status"] != "ok") bad[key]++
    kv["cpu_ms"] = kv["mta_cpu_s"] * 1000 / kv["messages"]
    split("accept_mps deliver_mps mta_peak_rss_kb mta_peak_pss_kb cpu_ms ldap_cpu_s", ms, " ")
    for (k in ms) vals[key, ms[k]] = vals[key, ms[k]] " " kv[ms[k]]
}
END {
    printf "| case (kind:msgs:sessions:size:rcpts) | MTA | runs | accepted msg/s | delivered msg/s | CPU ms/msg | peak RSS MiB | peak PSS MiB | slapd CPU s |\n"
    printf "|---|---|---|---|---|---|---|---|---|\n"
    for (i = 1; i <= nc; i++) {
        c = order[i]
        for (m = 1; m <= 2; m++) {
            mta = (m == 1) ? "postfix" : "dirmail"; key = mta SUBSEP c
            printf "| %s | %s | %d%s | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f |\n", c, mta, runs[key], (bad[key] ? " (" bad[key] " failed)" : ""),
                med(key, "accept_mps"), med(key, "deliver_mps"), med(key, "cpu_ms"),
                med(key, "mta_peak_rss_kb") / 1024, med(key, "mta_peak_pss_kb") / 1024, med(key, "ldap_cpu_s")
        }
        pk = "postfix" SUBSEP c; dk = "dirmail" SUBSEP c
        if (med(pk, "deliver_mps") > 0 && med(dk, "cpu_ms") > 0)
            printf "| %s | **dirmail/postfix** | | %.2fx | %.2fx | %.2fx less | | | |\n", c,
                med(dk, "accept_mps") / med(pk, "accept_mps"), med(dk, "deliver_mps") / med(pk, "deliver_mps"),
                med(pk, "cpu_ms") / med(dk, "cpu_ms")
    }
}
