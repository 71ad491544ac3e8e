# Golden values from R's survey package for tests/waves/test_change.py (issue 22).
# Run from the project root:  Rscript tests/golden/r_waves.R
# Writes tests/golden/r_waves_data.csv (the synthetic stacked waves it draws) and
# tests/golden/r_waves.json. CI never runs R: the test reads the committed files.
#
# The recipe: stack the waves, rake each wave to its own roll (margins interacted with the
# wave, so every wave keeps its own totals), take the member as the cluster across waves, and
# contrast the wave estimates (svyby(covmat = TRUE) + svycontrast; see below for the route).
suppressMessages({library(survey); library(jsonlite)})
set.seed(22)
N <- 3000
roles <- c("Writers", "Performers", "Crew")
members <- data.frame(member = sprintf("m%04d", 1:N), u = rnorm(N),
                      role0 = sample(roles, N, TRUE, prob = c(.5, .3, .2)),
                      region = sample(c("East", "West"), N, TRUE, prob = c(.45, .55)),
                      stringsAsFactors = FALSE)
shift <- c(`2026` = 0, `2027` = 0.35, `2028` = 0.5)
wave_rows <- function(wave, idx) {
  d <- members[idx, ]
  d$wave <- wave
  # one member in ten changes role between waves
  switch_role <- runif(length(idx)) < 0.1
  d$role_group <- ifelse(switch_role, sample(roles, length(idx), TRUE), d$role0)
  d$lost <- as.integer(d$u + rnorm(length(idx), sd = 0.9) + shift[wave] +
                         0.4 * (d$role_group == "Writers") > 0.7)
  d$pay <- round(50 + 10 * d$u + rnorm(length(idx), sd = 6) + 8 * shift[wave], 2)
  d[, c("wave", "member", "role_group", "region", "lost", "pay")]
}
# Response depends on role, so the raw sample is off the roll and raking matters.
p_resp <- c(Writers = 0.28, Performers = 0.2, Crew = 0.14)[members$role0]
r26 <- which(runif(N) < p_resp)
keep <- r26[runif(length(r26)) < 0.45]                      # answer again in 2027
r27 <- sort(c(keep, sample(setdiff(1:N, r26), 380)))
keep3 <- c(r27[runif(length(r27)) < 0.35], r26[runif(length(r26)) < 0.1])
r28 <- sort(unique(c(keep3, sample(setdiff(1:N, union(r26, r27)), 300))))
stacked <- rbind(wave_rows("2026", r26), wave_rows("2027", r27), wave_rows("2028", r28))
stacked$member_key <- stacked$member
write.csv(stacked, "tests/golden/r_waves_data.csv", row.names = FALSE)

# Each wave's roll: its own totals by role group and region.
roll <- list(
  `2026` = list(role_group = c(Crew = 610, Performers = 905, Writers = 1485), region = c(East = 1350, West = 1650)),
  `2027` = list(role_group = c(Crew = 650, Performers = 880, Writers = 1530), region = c(East = 1400, West = 1660)),
  `2028` = list(role_group = c(Crew = 700, Performers = 860, Writers = 1560), region = c(East = 1420, West = 1700))
)
stacked$wave_role <- paste(stacked$wave, stacked$role_group)
stacked$wave_region <- paste(stacked$wave, stacked$region)
pop <- function(margin, col) {
  x <- do.call(rbind, lapply(names(roll), function(w)
    data.frame(level = paste(w, names(roll[[w]][[margin]])), Freq = unname(roll[[w]][[margin]]))))
  setNames(x, c(col, "Freq"))
}
ctl <- list(maxit = 200, epsilon = 1e-12)

# survey 4.1.1's svyby(covmat = TRUE) fails on a raked design ("number of items to replace is
# not a multiple of replacement length": a subset of a calibrated design keeps every row, so the
# influence functions do not fit the domain's rows). The same linearisation is svyratio(covmat =
# TRUE) of y 1[cell] over 1[cell] on the whole raked design: domain means, their influence
# functions, the raking residuals and the member clusters, in one svyrecvar. On a design without
# calibration the script checks that it equals svyby(covmat = TRUE) + svycontrast.
cells <- function(d, var, by) {
  key <- do.call(paste, c(d[by], sep = "."))
  levels <- sort(unique(key))
  num <- den <- character(0)
  for (i in seq_along(levels)) {
    d[[paste0("num", i)]] <- d[[var]] * (key == levels[i])
    d[[paste0("den", i)]] <- as.numeric(key == levels[i])
    num <- c(num, paste0("num", i)); den <- c(den, paste0("den", i))
  }
  list(data = d, levels = levels, num = num, den = den)
}
domain_means <- function(design_of, var, by) {
  x <- cells(stacked, var, by)
  des <- design_of(x$data)
  r <- svyratio(as.formula(paste("~", paste(x$num, collapse = "+"))),
                as.formula(paste("~", paste(x$den, collapse = "+"))), des, covmat = TRUE)
  k <- length(x$levels)
  diag_idx <- (seq_len(k) - 1) * k + seq_len(k)
  est <- setNames(as.numeric(coef(r))[diag_idx], x$levels)
  v <- as.matrix(vcov(r))[diag_idx, diag_idx]
  dimnames(v) <- list(x$levels, x$levels)
  list(est = est, vcov = v)
}
contrast <- function(m, cvec) list(est = sum(cvec * m$est), se = sqrt(drop(t(cvec) %*% m$vcov %*% cvec)))
raked <- function(d) rake(svydesign(ids = ~member, weights = ~1, data = d), list(~wave_role, ~wave_region),
                          list(pop("role_group", "wave_role"), pop("region", "wave_region")), control = ctl)

# The check on an uncalibrated design: the svyratio route equals svyby(covmat = TRUE) + svycontrast.
plain <- function(d) svydesign(ids = ~member, weights = ~1, data = d)
m <- domain_means(plain, "lost", "wave")
b <- svyby(~lost, ~wave, plain(stacked), svymean, covmat = TRUE)
stopifnot(isTRUE(all.equal(unname(m$est), unname(coef(b)), tolerance = 1e-12)))
stopifnot(isTRUE(all.equal(unname(m$vcov), unname(as.matrix(vcov(b))), tolerance = 1e-10)))
ct <- svycontrast(b, c(-1, 1, 0))
stopifnot(isTRUE(all.equal(contrast(m, c(-1, 1, 0))$se, SE(ct)[[1]], tolerance = 1e-10)))

out <- list()
add <- function(case, wave_a, wave_b, group, est_a, est_b, diff, se, se_ind) {
  out[[length(out) + 1]] <<- list(case = case, wave_a = wave_a, wave_b = wave_b, group = group,
                                  estimate_a = est_a, estimate_b = est_b, difference = diff,
                                  se = se, se_independent = se_ind)
}
own_se <- function(var, wave, group = NA) {
  d <- svydesign(ids = ~1, weights = ~1, data = stacked[stacked$wave == wave, ])
  m <- roll[[wave]]
  d <- rake(d, list(~role_group, ~region),
            list(data.frame(role_group = names(m$role_group), Freq = unname(m$role_group)),
                 data.frame(region = names(m$region), Freq = unname(m$region))), control = ctl)
  f <- as.formula(paste0("~", var))
  if (is.na(group)) return(as.numeric(SE(svymean(f, d))))
  as.numeric(SE(svymean(f, subset(d, role_group == group))))
}
waves <- names(roll)
for (var in c("lost", "pay")) {
  m <- domain_means(raked, var, "wave")
  for (pair in list(c(1, 2), c(2, 3), c(1, 3))) {
    cvec <- rep(0, 3); cvec[pair] <- c(-1, 1)
    ct <- contrast(m, cvec)
    add(var, waves[pair[1]], waves[pair[2]], NA, m$est[[pair[1]]], m$est[[pair[2]]], ct$est,
        ct$se, sqrt(own_se(var, waves[pair[1]])^2 + own_se(var, waves[pair[2]])^2))
  }
  # Linear trend over the three years: the least-squares slope per year.
  years <- as.numeric(waves); cvec <- (years - mean(years)) / sum((years - mean(years))^2)
  ct <- contrast(m, cvec)
  add(paste0(var, "_trend"), waves[1], waves[3], NA, NA, NA, ct$est, ct$se, NA)
  out[[length(out) + 1]] <- list(case = paste0(var, "_vcov"), vcov = unname(m$vcov),
                                 estimate = unname(m$est))
}
# By role group: means per wave x role, contrasts within each role.
m <- domain_means(raked, "lost", c("wave", "role_group"))
for (g in sort(roles)) {
  for (pair in list(c(1, 2), c(2, 3))) {
    nm <- paste(waves[pair], g, sep = ".")
    cvec <- setNames(rep(0, length(m$est)), names(m$est)); cvec[nm] <- c(-1, 1)
    ct <- contrast(m, cvec)
    add("lost_by_role", waves[pair[1]], waves[pair[2]], g, m$est[[nm[1]]], m$est[[nm[2]]],
        ct$est, ct$se,
        sqrt(own_se("lost", waves[pair[1]], g)^2 + own_se("lost", waves[pair[2]], g)^2))
  }
}
roll_json <- lapply(roll, function(w) lapply(w, as.list))
write(toJSON(list(roll = roll_json, results = out), auto_unbox = TRUE, digits = NA, pretty = TRUE),
      "tests/golden/r_waves.json")
