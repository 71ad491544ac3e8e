# Golden values from R's survey package for replicate-weight designs (tests/design/test_replicate.py).
# Run from the project root:  Rscript tests/golden/r_replicate.R ../shared/reference/r-survey-api
# Writes tests/golden/r_replicate.json and the replicate weights it used,
# tests/golden/r_replicate_<data>.csv (one column per replicate, rows in the api file's order).
# CI never runs R: it reads the committed files.
suppressMessages({library(survey); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
ref <- if (length(args)) args[1] else "../shared/reference/r-survey-api"
rd <- function(name) {
  d <- read.csv(file.path(ref, paste0(name, ".csv")), stringsAsFactors = FALSE)
  for (f in c("stype", "sch.wide", "comp.imp", "both", "awards", "yr.rnd"))
    if (f %in% names(d)) d[[f]] <- factor(d[[f]])
  d
}
apistrat <- rd("apistrat"); apiclus1 <- rd("apiclus1"); apiclus2 <- rd("apiclus2")
# apiclus2's 40 districts paired in order into 20 strata of two PSUs, for BRR and Fay.
apiclus2$pair <- (match(apiclus2$dnum, sort(unique(apiclus2$dnum))) - 1) %/% 2
set.seed(20261206)
dclus1 <- svydesign(id = ~dnum, weights = ~pw, fpc = ~fpc, data = apiclus1)
dstrat <- svydesign(id = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = apistrat)
dpair <- svydesign(id = ~dnum, strata = ~pair, weights = ~pw, data = apiclus2)

# Replicate weights from R's own conversions, written out as full (combined) weights.
full <- function(rd) { m <- weights(rd, "analysis"); matrix(as.numeric(unclass(m)), nrow = NROW(m)) }
conv <- list(
  jk1 = list(rep = as.svrepdesign(dclus1, type = "JK1", compress = FALSE), data = "apiclus1"),
  jkn = list(rep = as.svrepdesign(dpair, type = "JKn", compress = FALSE), data = "apiclus2"),
  boot = list(rep = as.svrepdesign(dstrat, type = "bootstrap", replicates = 50, compress = FALSE),
              data = "apistrat"),
  brr = list(rep = as.svrepdesign(dpair, type = "BRR", compress = FALSE), data = "apiclus2"),
  fay = list(rep = as.svrepdesign(dpair, type = "Fay", fay.rho = 0.3, compress = FALSE),
             data = "apiclus2")
)
files <- list()
for (nm in names(conv)) {
  m <- full(conv[[nm]]$rep)
  colnames(m) <- paste0(nm, "_", seq_len(ncol(m)))
  dn <- conv[[nm]]$data
  files[[dn]] <- if (is.null(files[[dn]])) as.data.frame(m) else cbind(files[[dn]], m)
}
for (dn in names(files))
  write.csv(as.data.frame(lapply(files[[dn]], function(x) sprintf("%.17g", x))), sprintf("tests/golden/r_replicate_%s.csv", dn),
            row.names = FALSE, quote = FALSE)
dat <- list(apiclus1 = cbind(apiclus1, files$apiclus1), apistrat = cbind(apistrat, files$apistrat),
            apiclus2 = cbind(apiclus2, files$apiclus2))

# svrepdesign for each type, from the written weights (combined.weights = TRUE).
specs <- list(
  jk1 = list(data = "apiclus1", weights = "pw", repweights = "jk1_", type = "jk1"),
  jk1_mse = list(data = "apiclus1", weights = "pw", repweights = "jk1_", type = "jk1",
                 scale = conv$jk1$rep$scale, mse = TRUE),
  jkn = list(data = "apiclus2", weights = "pw", repweights = "jkn_", type = "jkn",
             rscales = conv$jkn$rep$rscales),
  bootstrap = list(data = "apistrat", weights = "pw", repweights = "boot_", type = "bootstrap"),
  brr = list(data = "apiclus2", weights = "pw", repweights = "brr_", type = "brr"),
  fay = list(data = "apiclus2", weights = "pw", repweights = "fay_", type = "fay", rho = 0.3),
  sdr = list(data = "apistrat", weights = "pw", repweights = "boot_", type = "sdr"),
  acs = list(data = "apistrat", weights = "pw", repweights = "boot_", type = "acs")
)
rtype <- c(jk1 = "JK1", jkn = "JKn", bootstrap = "bootstrap", brr = "BRR", fay = "Fay",
           sdr = "successive-difference", acs = "ACS")
designs <- lapply(specs, function(s) {
  a <- list(data = dat[[s$data]], weights = ~pw, repweights = paste0("^", s$repweights, "[0-9]+$"),
            type = rtype[[s$type]], combined.weights = TRUE)
  for (k in c("scale", "rscales", "rho", "mse")) if (!is.null(s[[k]])) a[[k]] <- s[[k]]
  suppressWarnings(do.call(svrepdesign, a))
})
# Conversions of linearisation designs (Python's design.as_replicate), compared by value.
pop_types <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop_schwide <- data.frame(sch.wide = c("No", "Yes"), Freq = c(1072, 5122))
tight <- list(maxit = 200, epsilon = 1e-13, verbose = FALSE)
designs$as_jk1 <- conv$jk1$rep
designs$as_jkn <- conv$jkn$rep
designs$as_brr <- conv$brr$rep
designs$as_jk1_raked <- rake(conv$jk1$rep, list(~stype, ~sch.wide), list(pop_types, pop_schwide),
                             control = tight)
designs$as_jk1_ps <- postStratify(conv$jk1$rep, ~stype, pop_types)
designs$as_jk1_cal <- calibrate(conv$jk1$rep, ~stype + api99,
                                c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018,
                                  api99 = 3914069), compress = FALSE)
specs$as_jk1 <- list(data = "apiclus1", psu = "dnum", weights = "pw", fpc = "fpc", as = "jk1")
designs$as_jkn_fpc <- as.svrepdesign(dstrat, type = "JKn")
specs$as_jkn <- list(data = "apiclus2", strata = "pair", psu = "dnum", weights = "pw", as = "jkn")
specs$as_jkn_fpc <- list(data = "apistrat", strata = "stype", weights = "pw", fpc = "fpc", as = "jkn")
specs$as_brr <- list(data = "apiclus2", strata = "pair", psu = "dnum", weights = "pw", as = "brr")
specs$as_jk1_raked <- c(specs$as_jk1, list(rake = "stype, sch.wide"))
specs$as_jk1_ps <- c(specs$as_jk1, list(poststratify = "stype"))
specs$as_jk1_cal <- c(specs$as_jk1, list(calibrate = "stype, api99"))

out <- list()
add <- function(case, design, stat, var, est, se, ci = c(NA, NA), by = NA, level = NA,
                df = NA, extra = list()) {
  out[[length(out) + 1]] <<- c(list(case = case, design = design, stat = stat, var = var,
                                    by = by, level = level, estimate = as.numeric(est),
                                    se = as.numeric(se), ci_low = as.numeric(ci[1]),
                                    ci_high = as.numeric(ci[2]), df = df), extra)
}
rows <- function(case, dname, stat, var, s, level = NA) {
  ci <- confint(s)
  for (i in seq_along(coef(s)))
    add(case, dname, stat, var, coef(s)[i], SE(s)[i], ci[i, ],
        level = if (is.na(level[1])) NA else level[i])
}
glm_ctl <- glm.control(epsilon = 1e-14, maxit = 100)
# svyolr on replicates, step by step as survey's svyolr.svyrep.design does it (polr on the
# sampling weights, then on each replicate's from that start, then svrVar), but with every
# fit converged: svyolr passes control= to the full-sample fit only, and polr's default
# tolerance leaves errors of up to 1% in jackknife SEs (each replicate moves little).
olr_reps <- function(formula, d) {
  environment(formula) <- environment()
  df <- model.frame(d)
  ctl <- list(reltol = 1e-15, maxit = 5000)
  .olr.pw <- weights(d, "sampling")  # not "pw": polr looks in the data first
  full <- MASS::polr(formula, data = df, weights = .olr.pw, control = ctl)
  start <- c(full$coefficients, full$zeta)
  betas <- apply(weights(d, "analysis"), 2, function(w) {
    environment(formula) <- environment()
    m <- MASS::polr(formula, data = df, weights = w, start = start, control = ctl)
    c(m$coefficients, m$zeta)
  })
  list(coef = start, var = svrVar(t(betas), d$scale, d$rscales, mse = d$mse, coef = start),
       df = degf(d) - length(full$coefficients))
}
for (dname in names(designs)) {
  d <- designs[[dname]]
  rows("mean", dname, "mean", "api00", svymean(~api00, d))
  s <- svymean(~api00, d, deff = TRUE)
  add("deff_mean", dname, "mean", "api00", coef(s), SE(s), extra = list(deff = deff(s)[[1]]))
  s <- svytotal(~enroll, d, deff = TRUE, na.rm = TRUE)
  add("deff_total", dname, "total", "enroll", coef(s), SE(s), extra = list(deff = deff(s)[[1]]))
  rows("total", dname, "total", "enroll", svytotal(~enroll, d, na.rm = TRUE))
  rows("mean_na", dname, "mean", "acs.k3", svymean(~acs.k3, d, na.rm = TRUE))
  rows("levels", dname, "mean", "stype", svymean(~stype, d), level = levels(d$variables$stype))
  rows("level_totals", dname, "total", "stype", svytotal(~stype, d), level = levels(d$variables$stype))
  r <- svyratio(~api.stu, ~enroll, d, na.rm = TRUE)
  add("ratio", dname, "ratio", "api.stu/enroll", coef(r), SE(r), confint(r))
  for (m in c("logit", "beta", "asin", "mean")) {
    p <- svyciprop(~I(sch.wide == "Yes"), d, method = m)
    add(paste0("ciprop_", m), dname, "proportion", "sch.wide", coef(p), SE(p), attr(p, "ci"),
        level = "Yes", df = degf(d))
  }
  by <- "awards"
  b <- svyby(~api00, ~awards, d, svymean)
  for (i in seq_len(nrow(b)))
    add("mean_by", dname, "mean", "api00", coef(b)[i], SE(b)[i], confint(b)[i, ], by = by,
        level = as.character(b$awards[i]))
  b <- svyby(~enroll, ~awards, d, svytotal, na.rm = TRUE)
  for (i in seq_len(nrow(b)))
    add("total_by", dname, "total", "enroll", coef(b)[i], SE(b)[i], confint(b)[i, ], by = by,
        level = as.character(b$awards[i]))
  b <- svyby(~api.stu, ~awards, d, svyratio, denominator = ~enroll, na.rm = TRUE)
  for (i in seq_len(nrow(b)))
    add("ratio_by", dname, "ratio", "api.stu/enroll", coef(b)[i], SE(b)[i], by = by,
        level = as.character(b$awards[i]))
  b <- svyby(~I(sch.wide == "Yes"), ~awards, d, svyciprop, vartype = "ci")
  s <- svyby(~I(sch.wide == "Yes"), ~awards, d, svyciprop, vartype = "se")
  for (i in seq_len(nrow(b))) {
    sub <- d[d$variables$awards == b$awards[i], ]
    add("ciprop_logit_by", dname, "proportion", "sch.wide", coef(b)[i], SE(s)[i],
        c(b$ci_l[i], b$ci_u[i]), by = by, level = as.character(b$awards[i]), df = degf(sub))
  }
  q <- svyquantile(~api00, d, quantiles = c(0.25, 0.5, 0.9), ci = TRUE)$api00
  for (i in seq_len(nrow(q)))
    add("quantile", dname, "quantile", "api00", q[i, "quantile"], q[i, 4],
        q[i, c("ci.2.5", "ci.97.5")], level = c(0.25, 0.5, 0.9)[i], df = degf(d))
  b <- svyby(~api00, ~awards, d, svyquantile, quantiles = 0.5, ci = TRUE)
  for (i in seq_len(nrow(b)))
    add("quantile_by", dname, "quantile", "api00", coef(b)[i], SE(b)[i], by = by,
        level = as.character(b$awards[i]))
  s2 <- svychisq(~sch.wide + awards, d)
  add("chisq", dname, "crosstab", "sch.wide x awards", s2$statistic[[1]], NA,
      extra = list(ndf = s2$parameter[["ndf"]], ddf = s2$parameter[["ddf"]], p_value = s2$p.value))
  fits <- list(
    gaussian = svyglm(api00 ~ ell + meals + stype, d, control = glm_ctl),
    binomial = svyglm(I(sch.wide == "Yes") ~ ell + meals, d, family = quasibinomial(),
                      control = glm_ctl),
    domain = svyglm(api00 ~ ell + meals, subset(d, stype == "E"), control = glm_ctl))
  d$variables$mealcat <- factor(1 + (d$variables$meals > 25) + (d$variables$meals > 50) +
                                  (d$variables$meals > 75))
  o <- olr_reps(mealcat ~ ell + stype, d)
  for (i in seq_along(o$coef))
    add("svyolr", dname, "svyolr", "mealcat ~ ell + stype", o$coef[i], sqrt(diag(o$var))[i],
        level = names(o$coef)[i], df = o$df)
  for (g in names(fits)) {
    m <- fits[[g]]
    for (i in seq_along(coef(m)))
      add(paste0("svyglm_", g), dname, "svyglm", deparse(formula(m)), coef(m)[i], SE(m)[i],
          level = names(coef(m))[i], df = m$df.residual)
  }
}

# --- BRR and Fay conversions for numbers of strata that need each kind of Hadamard matrix ------
# apistrat's 200 schools dealt into 2n PSUs (row i into PSU 2n - ((i - 1) mod 2n)) and paired
# into n strata numbered 0..n-1: R orders strata by label as text ("10" before "2") and puts
# first the PSU that comes first in the data (here the higher-numbered one). n = 6, 14: Sylvester
# (8, 16); 10, 17: Paley (12, 20); 21, 38: Paley doubled (24, 40); 33: Plackett-Burman (36);
# 25: R's order-28 matrix from Sloane's library, which survey_tools does not build (32 instead).
brr_n <- c(6, 10, 14, 17, 21, 25, 33, 38)
bout <- list()
addB <- function(case, dname, est, se, level = NA) bout[[length(bout) + 1]] <<-
  list(design = dname, case = case, level = level, estimate = as.numeric(est), se = as.numeric(se))
bdesigns <- list()
for (n in brr_n) {
  d <- apistrat
  d$psu <- 2 * n - ((seq_len(nrow(d)) - 1) %% (2 * n))
  d$pair <- (d$psu - 1) %/% 2
  lin <- svydesign(id = ~psu, strata = ~pair, weights = ~pw, data = d)
  bdesigns[[sprintf("brr_%d", n)]] <- as.svrepdesign(lin, type = "BRR")
  if (n %in% c(17, 33))
    bdesigns[[sprintf("fay_%d", n)]] <- as.svrepdesign(lin, type = "Fay", fay.rho = 0.5)
}
for (dname in names(bdesigns)) {
  d <- bdesigns[[dname]]
  s <- svymean(~api00, d); addB("mean", dname, coef(s), SE(s))
  s <- svytotal(~enroll, d, na.rm = TRUE); addB("total", dname, coef(s), SE(s))
  r <- svyratio(~api.stu, ~enroll, d, na.rm = TRUE); addB("ratio", dname, coef(r), SE(r))
  p <- svyciprop(~I(sch.wide == "Yes"), d, method = "logit")
  addB("proportion", dname, coef(p), SE(p), level = "Yes")
  q <- svyquantile(~api00, d, quantiles = 0.5, ci = TRUE)$api00
  addB("median", dname, q[1, "quantile"], q[1, 4])
  b <- svyby(~api00, ~awards, d, svymean)
  for (i in seq_len(nrow(b))) addB("mean_by", dname, coef(b)[i], SE(b)[i], as.character(b$awards[i]))
}
brr_sizes <- list(n = brr_n, designs = lapply(bdesigns, function(d)
  list(replicates = ncol(d$repweights$weights), scale = d$scale, degf = degf(d))),
  results = bout)
hadamard_n <- c(1, 3, 6, 10, 14, 17, 21, 25, 33, 38, 45, 50, 60, 70, 100)
hadamards <- setNames(lapply(hadamard_n, function(n) apply(hadamard(n), 1, paste, collapse = "")),
                      hadamard_n)

writeLines(toJSON(list(r_version = R.version.string,
                       survey_version = as.character(packageVersion("survey")),
                       designs = specs, scales = lapply(designs, function(d) d$scale),
                       rscales = lapply(designs, function(d) d$rscales),
                       degf = lapply(designs, degf), results = out,
                       brr_sizes = brr_sizes, hadamard = hadamards),
                  digits = NA, auto_unbox = TRUE, na = "null", pretty = TRUE),
           "tests/golden/r_replicate.json")

# --- An ACS-style public-use extract: PWGTP and PWGTP1..80 (successive differences) ---------
# No small real PUMS extract with its replicate weights was found under a licence we could
# commit, so this one is synthetic in the PUMS layout: replicate factors 1 +/- 2^(-1/2) and 1
# from two Hadamard rows per person (as the Census Bureau's SDR method assigns them), and
# the Census Bureau's variance formula, 4/80 sum (X_r - X)^2 (R: type = "ACS", mse = TRUE).
set.seed(2026)
n <- 400
H <- survey::hadamard(80)[1:80, 1:80]
row1 <- sample(80, n, replace = TRUE); row2 <- ((row1 + sample(1:78, n, replace = TRUE)) %% 80) + 1
fac <- 1 + 2^(-1.5) * t(H[, row1]) - 2^(-1.5) * t(H[, row2])
acs <- data.frame(SERIALNO = sprintf("2023HU%07d", 1:n), SPORDER = 1L,
                  PUMA = sample(c("00101", "00102", "00103"), n, replace = TRUE),
                  AGEP = sample(18:80, n, replace = TRUE), SEX = sample(1:2, n, replace = TRUE),
                  PWGTP = sample(20:250, n, replace = TRUE))
acs$WAGP <- ifelse(runif(n) < 0.2, 0, round(exp(rnorm(n, 10.5 + 0.1 * (acs$SEX == 1), 0.8)), -2))
rep <- round(acs$PWGTP * fac)
colnames(rep) <- paste0("PWGTP", 1:80)
acs <- cbind(acs, rep)
write.csv(acs, "tests/golden/r_replicate_acs.csv", row.names = FALSE, quote = FALSE)
acs$SEX <- factor(acs$SEX)
da <- svrepdesign(data = acs, weights = ~PWGTP, repweights = "PWGTP[0-9]+", type = "ACS",
                  mse = TRUE)
aout <- list()
addA <- function(case, est, se, level = NA) aout[[length(aout) + 1]] <<-
  list(case = case, level = level, estimate = as.numeric(est), se = as.numeric(se))
s <- svymean(~AGEP, da); addA("mean", coef(s), SE(s))
s <- svytotal(~SEX, da); for (i in 1:2) addA("total", coef(s)[i], SE(s)[i], levels(acs$SEX)[i])
b <- svyby(~WAGP, ~SEX, da, svymean)
for (i in 1:2) addA("mean_by", coef(b)[i], SE(b)[i], as.character(b$SEX[i]))
q <- svyquantile(~WAGP, da, 0.5, ci = TRUE)$WAGP
addA("median", q[1, "quantile"], q[1, 4])
writeLines(toJSON(list(r_version = R.version.string, scale = da$scale, degf = degf(da),
                       results = aout), digits = NA, auto_unbox = TRUE, pretty = TRUE),
           "tests/golden/r_replicate_acs.json")
