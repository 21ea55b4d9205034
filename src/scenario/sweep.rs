//! The sweep part of the scenario language: which fields vary over which values (lists,
//! stepped ranges, log ranges) and the design that combines them (full factorial, zipped
//! lists, Latin hypercube), parsed from `--vary`/`--design` or a scenario's `sweep` section.
//! The points and jobs they make are `experiment::sweep`'s.

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SweepError {
    #[error("--vary {arg}: {message}")]
    Vary { arg: String, message: String },
    #[error("--design {arg}: {message}")]
    Design { arg: String, message: String },
    #[error("--shard {arg}: {message}")]
    Shard { arg: String, message: String },
    #[error("{0}")]
    Spec(String),
}

/// A numeric range a Latin hypercube samples from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
    /// Both ends and the step are whole numbers: samples are rounded.
    pub integer: bool,
    /// Given as START..END without a step: only designs that sample ranges take it.
    pub stepless: bool,
}

/// One varied field: its path, the text it was given as, and its values (as the text a
/// `--set` override takes).
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    pub path: String,
    pub spec: String,
    pub values: Vec<String>,
    pub range: Option<Range>,
}

impl Vary {
    /// Parses `PATH=VALUES`: a comma-separated list (`6,10,14`, `true,false`), a stepped range
    /// `START..END:STEP` (both ends included), a log range `START..END:logN` (N values,
    /// evenly spaced on a log scale, both ends included), or a continuous range `START..END`
    /// (for the designs that sample ranges: `lhs:N`, `morris:R`, `sobol:N`).
    pub fn parse(arg: &str) -> Result<Vary, SweepError> {
        let err = |message: String| SweepError::Vary {
            arg: arg.to_string(),
            message,
        };
        let (path, spec) = arg
            .split_once('=')
            .map(|(p, s)| (p.trim(), s.trim()))
            .filter(|(p, s)| !p.is_empty() && !s.is_empty())
            .ok_or_else(|| {
                err("expected PATH=VALUES, e.g. support.capacity=6,10,14 or \
                     events[0].hazard=0.001..0.004:0.001"
                    .into())
            })?;
        let (values, range) = parse_values(spec).map_err(err)?;
        Ok(Vary {
            path: path.to_string(),
            spec: spec.to_string(),
            values,
            range,
        })
    }
}

/// Decimal places written in a number's text (`0.001` has 3, `1e-3` is treated as 3).
fn decimals(text: &str) -> usize {
    let t = text.trim();
    if let Some((_, e)) = t.split_once(['e', 'E']) {
        let exp: i64 = e.parse().unwrap_or(0);
        let mant = t.split(['e', 'E']).next().unwrap_or("");
        let d = mant.split_once('.').map_or(0, |(_, f)| f.len()) as i64;
        return (d - exp).max(0) as usize;
    }
    t.split_once('.').map_or(0, |(_, f)| f.len())
}

fn number(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| format!("`{}` is not a finite number", text.trim()))
}

/// The shortest text of `x` rounded to 9 significant digits (no float noise such as
/// 0.30000000000000004 in values written into scenarios and tables).
pub fn tidy_number(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = 9 - 1 - x.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits.clamp(-300, 300));
    let r = (x * scale).round() / scale;
    format!("{r}")
}

/// Most values one varied field may take (a typo such as a step of 1e-9 is refused).
pub const MAX_VALUES: usize = 100_000;

fn parse_values(spec: &str) -> Result<(Vec<String>, Option<Range>), String> {
    let structured = spec.contains(['(', '[', '"']);
    let range = if structured {
        None
    } else {
        spec.split_once("..")
    };
    let Some((a, rest)) = range else {
        let values: Vec<String> = split_top(spec)
            .into_iter()
            .map(|v| v.trim().to_string())
            .collect();
        if values.iter().any(String::is_empty) {
            return Err("empty value in the list".into());
        }
        return Ok((values, None));
    };
    let Some((b, step)) = rest.split_once(':') else {
        // START..END without a step: a continuous range, for the designs that sample ranges
        // (lhs:N, morris:R, sobol:N); its values are its two ends (grid and zip refuse it).
        let (lo, hi) = (number(a)?, number(rest)?);
        if hi <= lo {
            return Err(format!(
                "the range ends ({hi}) at or below its start ({lo})"
            ));
        }
        let integer = decimals(a) == 0 && decimals(rest) == 0 && lo.fract() == 0.0;
        let range = Range {
            lo,
            hi,
            log: false,
            integer,
            stepless: true,
        };
        return Ok((
            vec![a.trim().to_string(), rest.trim().to_string()],
            Some(range),
        ));
    };
    let (lo, hi) = (number(a)?, number(b)?);
    if hi < lo {
        return Err(format!("the range ends ({hi}) below its start ({lo})"));
    }
    if let Some(n) = step.trim().strip_prefix("log") {
        let n: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("`{step}`: expected logN with N a whole number, e.g. log5"))?;
        if !(2..=MAX_VALUES).contains(&n) {
            return Err(format!("logN needs 2 <= N <= {MAX_VALUES}, got {n}"));
        }
        if lo <= 0.0 {
            return Err(format!("a log range must start above 0, got {lo}"));
        }
        let (l0, l1) = (lo.ln(), hi.ln());
        let values = (0..n)
            .map(|k| {
                let x = if k + 1 == n {
                    hi
                } else {
                    (l0 + (l1 - l0) * k as f64 / (n - 1) as f64).exp()
                };
                tidy_number(x)
            })
            .collect();
        let range = Range {
            lo,
            hi,
            log: true,
            integer: false,
            stepless: false,
        };
        return Ok((values, Some(range)));
    }
    let st = number(step)?;
    if st <= 0.0 {
        return Err(format!("the step must be above 0, got {st}"));
    }
    let count = ((hi - lo) / st + 1e-9).floor() as usize + 1;
    if count > MAX_VALUES {
        return Err(format!(
            "{count} values is more than {MAX_VALUES}; use a larger step"
        ));
    }
    let places = decimals(a).max(decimals(b)).max(decimals(step));
    let integer = places == 0 && lo.fract() == 0.0 && st.fract() == 0.0;
    let values = (0..count)
        .map(|k| {
            let x = lo + st * k as f64;
            if integer {
                format!("{}", x.round() as i64)
            } else {
                format!("{x:.places$}")
            }
        })
        .collect();
    let range = Range {
        lo,
        hi,
        log: false,
        integer,
        stepless: false,
    };
    Ok((values, Some(range)))
}

/// Splits a list at the commas outside brackets and quotes, so structured values such as
/// `Some((step: 26, fraction: 0.1))` stay whole.
fn split_top(spec: &str) -> Vec<&str> {
    let (mut depth, mut quoted, mut start) = (0i32, false, 0);
    let mut out = Vec::new();
    for (k, c) in spec.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '(' | '[' | '{' if !quoted => depth += 1,
            ')' | ']' | '}' if !quoted => depth -= 1,
            ',' if !quoted && depth == 0 => {
                out.push(&spec[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    out.push(&spec[start..]);
    out
}

/// Whether a `--design` argument names a design file (`FILE.csv`) rather than a design.
pub fn is_design_file(arg: &str) -> bool {
    arg.trim().to_ascii_lowercase().ends_with(".csv")
}

/// Most points a design file may hold (as many as one varied field may take).
pub const MAX_DESIGN_ROWS: usize = MAX_VALUES;

/// A design made elsewhere (SALib, the EMA Workbench, R, a spreadsheet): a CSV file whose
/// header names the varied fields by their scenario paths and whose rows are the points,
/// each value as `--set` takes it. Returned as lists of equal length, one per column, for
/// the `zip` design: point k is row k. Refuses an empty or ragged file, a path named twice,
/// an empty value and a value that would not read back as itself from a `--vary` list.
pub fn design_file(path: &std::path::Path) -> Result<Vec<Vary>, SweepError> {
    let err = |message: String| SweepError::Design {
        arg: path.display().to_string(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read it: {e}")))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| err(format!("its header: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    if header.is_empty() || header.iter().all(String::is_empty) {
        return Err(err(
            "the header (the first line) must name the varied fields by their \
                        scenario paths, e.g. support.capacity,events[0].hazard"
                .into(),
        ));
    }
    for (k, name) in header.iter().enumerate() {
        if name.is_empty() {
            return Err(err(format!("column {} of the header is empty", k + 1)));
        }
        if header[..k].contains(name) {
            return Err(err(format!("{name} is named twice in the header")));
        }
    }
    let mut columns: Vec<Vec<String>> = vec![Vec::new(); header.len()];
    for (row, record) in reader.records().enumerate() {
        let line = row + 2;
        let record = record.map_err(|e| err(format!("line {line}: {e}")))?;
        if columns[0].len() == MAX_DESIGN_ROWS {
            return Err(err(format!("more than {MAX_DESIGN_ROWS} points")));
        }
        for (k, value) in record.iter().enumerate() {
            if value.is_empty() {
                return Err(err(format!("line {line}: no value for {}", header[k])));
            }
            columns[k].push(value.to_string());
        }
    }
    if columns[0].is_empty() {
        return Err(err("no points: the file has a header and no rows".into()));
    }
    header
        .into_iter()
        .zip(columns)
        .map(|(path, values)| {
            let spec = values.join(",");
            let back = parse_values(&spec).ok().map(|(v, _)| v);
            if back.as_ref() != Some(&values) {
                let bad = values
                    .iter()
                    .position(|v| parse_values(v).map(|(b, _)| b) != Ok(vec![v.clone()]))
                    .unwrap_or(0);
                return Err(err(format!(
                    "line {}: the value `{}` of {path} cannot be one value of a list (a comma \
                     outside brackets, or `..`)",
                    bad + 2,
                    values[bad]
                )));
            }
            Ok(Vary {
                path,
                spec,
                values,
                range: None,
            })
        })
        .collect()
}

/// How varied fields combine into points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// Full factorial: every combination (the last `--vary` changes fastest).
    Grid,
    /// The k-th values of every list together (lists of equal length).
    Zip,
    /// Latin hypercube with N samples: each field's range cut into N strata, each stratum
    /// used once; ranges are sampled within the stratum, lists pick their stratum's value.
    Lhs(u32),
    /// Morris's elementary effects: `trajectories` one-at-a-time trajectories on a grid of
    /// `levels` levels per field (Campolongo et al. 2007's improved spread), for `sensitivity`.
    Morris { trajectories: u32, levels: u32 },
    /// Saltelli's scheme for Sobol' indices: `n` base points from a Sobol' sequence, n (k + 2)
    /// points in all for k fields, for `sensitivity`.
    Sobol(u32),
}

impl Design {
    pub fn parse(arg: &str) -> Result<Design, SweepError> {
        let err = |message: &str| SweepError::Design {
            arg: arg.to_string(),
            message: message.to_string(),
        };
        match arg.trim() {
            "grid" => Ok(Design::Grid),
            "zip" => Ok(Design::Zip),
            other => {
                if let Some(n) = other.strip_prefix("lhs:") {
                    return match n.trim().parse::<u32>() {
                        Ok(n) if n >= 1 => Ok(Design::Lhs(n)),
                        _ => Err(err("expected lhs:N with N a whole number of at least 1")),
                    };
                }
                if let Some(rest) = other.strip_prefix("morris:") {
                    let mut parts = rest.split(':').map(|x| x.trim().parse::<u32>());
                    return match (parts.next(), parts.next(), parts.next()) {
                        (Some(Ok(r)), None, None) if r >= 2 => Ok(Design::Morris {
                            trajectories: r,
                            levels: 4,
                        }),
                        (Some(Ok(r)), Some(Ok(p)), None) if r >= 2 && p >= 2 && p % 2 == 0 => {
                            Ok(Design::Morris {
                                trajectories: r,
                                levels: p,
                            })
                        }
                        _ => Err(err(
                            "expected morris:R or morris:R:P with R >= 2 trajectories \
                                      and P an even number of levels (default 4)",
                        )),
                    };
                }
                if let Some(n) = other.strip_prefix("sobol:") {
                    return match n.trim().parse::<u32>() {
                        Ok(n) if n >= 2 && n.is_power_of_two() => Ok(Design::Sobol(n)),
                        _ => Err(err("expected sobol:N with N a power of two of at least 2 \
                                      (base points; N (k + 2) points in all for k fields)")),
                    };
                }
                Err(err(
                    "expected grid, zip, lhs:N, morris:R[:P], sobol:N or a design file FILE.csv",
                ))
            }
        }
    }

    pub fn label(&self) -> String {
        match self {
            Design::Grid => "grid".into(),
            Design::Zip => "zip".into(),
            Design::Lhs(n) => format!("lhs:{n}"),
            Design::Morris {
                trajectories,
                levels,
            } => format!("morris:{trajectories}:{levels}"),
            Design::Sobol(n) => format!("sobol:{n}"),
        }
    }

    /// A design for `sensitivity`: its points are laid out for an estimator (Morris's
    /// trajectories, Saltelli's blocks), which reads the outputs in the design's order.
    pub fn is_sensitivity(&self) -> bool {
        matches!(self, Design::Morris { .. } | Design::Sobol(_))
    }
}
