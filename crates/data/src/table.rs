//! CSV text → a table of typed columns, as pandas' `read_csv` + `describe` would give: the
//! delimiter (`,` `;` tab) and the header row are detected unless given, quotes, a UTF-8 BOM and
//! CRLF line ends are handled (by the `csv` crate), each column gets a kind (number, integer,
//! boolean, category, text) and its statistics. Missing cells are pandas' default NA strings.
//! Every error names the row (1-based, as a spreadsheet counts the file's lines) and the column.
use crate::{data_bail, Result};
use std::collections::HashMap;

/// The largest CSV accepted, in bytes: a bigger file would not fit the engine's memory as
/// tensors anyway, and a page should say so rather than freeze.
pub const MAX_CSV_BYTES: usize = 256 << 20;

/// A column with at most this many distinct values (and fewer than half the rows distinct) is a
/// category; with more it is free text.
pub const MAX_CATEGORIES: usize = 50;

/// Cells that mean "missing", as pandas reads them by default.
const NA: &[&str] = &["", "NA", "N/A", "n/a", "NaN", "nan", "-NaN", "-nan", "NULL", "null", "None", "#N/A", "#NA", "<NA>", "?"];

#[derive(Debug, Clone, Default)]
pub struct CsvOptions {
    /// The field separator; detected among `,` `;` and tab when `None`.
    pub delimiter: Option<u8>,
    /// Whether the first row names the columns; detected when `None` (a first row with a
    /// number where the rows below have numbers is data, not a header).
    pub header: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Number,
    Integer,
    Boolean,
    Category,
    Text,
}

impl ColumnKind {
    pub fn name(self) -> &'static str {
        match self {
            ColumnKind::Number => "number",
            ColumnKind::Integer => "integer",
            ColumnKind::Boolean => "boolean",
            ColumnKind::Category => "category",
            ColumnKind::Text => "text",
        }
    }
    pub fn is_numeric(self) -> bool {
        matches!(self, ColumnKind::Number | ColumnKind::Integer | ColumnKind::Boolean)
    }
}

/// A column's values: numbers (booleans as 0/1) or strings, `None` where missing.
#[derive(Debug, Clone, PartialEq)]
pub enum Values {
    Numeric(Vec<Option<f64>>),
    Strings(Vec<Option<String>>),
}

/// What `describe()` shows of a column. Mean, std (sample, as pandas), min and max are for
/// numeric kinds; `top` lists the most frequent values (most frequent first, ties in order of
/// appearance) with their counts.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnStats {
    pub count: usize,
    pub missing: usize,
    pub unique: usize,
    pub mean: Option<f64>,
    pub std: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub top: Vec<(String, usize)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub kind: ColumnKind,
    pub values: Values,
    pub stats: ColumnStats,
    /// Cells that keep a mostly numeric column from being numeric, as "line 7: \"abc\"" (at
    /// most five): what a person needs to fix the file or to choose the column's kind.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub num_rows: usize,
    /// The separator used (given or detected).
    pub delimiter: u8,
    pub has_header: bool,
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// Read CSV bytes (UTF-8, with or without a BOM) into a table.
pub fn read_csv(bytes: &[u8], opts: &CsvOptions) -> Result<Table> {
    read_csv_with_progress(bytes, opts, &mut |_| {})
}

/// `read_csv`, calling `progress` with the fraction done (0 to 1) every few thousand records
/// and once per column, so a page can show how far a big file is.
pub fn read_csv_with_progress(bytes: &[u8], opts: &CsvOptions, progress: &mut dyn FnMut(f64)) -> Result<Table> {
    if bytes.len() > MAX_CSV_BYTES {
        data_bail!("CSV: the file is {:.1} MiB; the most that can be read is {} MiB", bytes.len() as f64 / 1048576.0, MAX_CSV_BYTES >> 20);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        data_bail!("CSV: the file is empty");
    }
    let delimiter = match opts.delimiter {
        Some(d) => d,
        None => detect_delimiter(bytes),
    };
    let (rows, lines) = parse_rows(bytes, delimiter, progress)?;
    let has_header = match opts.header {
        Some(h) => h,
        None => detect_header(&rows),
    };
    let skip = has_header as usize;
    let (names, body, lines) = if has_header {
        (header_names(&rows[0])?, &rows[skip..], &lines[skip..])
    } else {
        ((1..=rows[0].len()).map(|i| format!("column_{i}")).collect(), &rows[..], &lines[..])
    };
    if body.is_empty() {
        data_bail!("CSV: the file has a header ({} columns) but no rows of data", names.len());
    }
    let mut columns = Vec::with_capacity(names.len());
    for (j, name) in names.into_iter().enumerate() {
        let cells: Vec<&str> = body.iter().map(|r| r[j].as_str()).collect();
        columns.push(make_column(name, &cells, lines));
        progress(PARSE_SHARE + (1.0 - PARSE_SHARE) * (j + 1) as f64 / rows[0].len() as f64);
    }
    Ok(Table { columns, num_rows: body.len(), delimiter, has_header })
}

/// All records as strings, with the line each starts on; ragged rows and bytes that are not
/// UTF-8 are errors naming the line.
/// The part of `progress` that parsing records takes (the rest is typing the columns).
const PARSE_SHARE: f64 = 0.8;

fn parse_rows(bytes: &[u8], delimiter: u8, progress: &mut dyn FnMut(f64)) -> Result<(Vec<Vec<String>>, Vec<u64>)> {
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(bytes);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut lines: Vec<u64> = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => data_bail!("CSV: {}", e),
        }
        let line = record.position().map_or(rows.len() as u64 + 1, |p| p.line());
        if rows.len() % 8192 == 8191 {
            progress(PARSE_SHARE * reader.position().byte() as f64 / bytes.len().max(1) as f64);
        }
        // A blank line (one empty field) is skipped, as pandas does.
        if record.len() == 1 && record[0].iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        if let Some(first) = rows.first() {
            if record.len() != first.len() {
                data_bail!("CSV: line {line} has {} fields, the first line has {} (a missing or extra delimiter, or an unclosed quote?)", record.len(), first.len());
            }
        }
        let mut row = Vec::with_capacity(record.len());
        for (j, field) in record.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(s) => row.push(s.trim().to_string()),
                Err(e) => data_bail!("CSV: line {line}, column {}: not UTF-8 text (byte {} of the field); save the file as UTF-8", j + 1, e.valid_up_to() + 1),
            }
        }
        rows.push(row);
        lines.push(line);
    }
    if rows.is_empty() {
        data_bail!("CSV: the file is empty");
    }
    // Quotes inside quoted fields are doubled, so an odd count, with the last field running over
    // several lines, means a quote was never closed (the reader took the rest of the file).
    let swallowed_lines = rows.last().is_some_and(|r| r.iter().any(|f| f.contains('\n')));
    if swallowed_lines && bytes.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
        data_bail!("CSV: a quote opened in the record on line {} is never closed", lines.last().copied().unwrap_or(1));
    }
    Ok((rows, lines))
}

/// The candidate that splits the first lines into the same number (> 1) of fields most often.
fn detect_delimiter(bytes: &[u8]) -> u8 {
    let sample: Vec<&[u8]> = bytes.split(|&b| b == b'\n').filter(|l| !l.iter().all(|b| b.is_ascii_whitespace())).take(20).collect();
    let mut best = (b',', 0usize, 0usize);
    for d in [b',', b';', b'\t'] {
        // Fields per line, ignoring quoted delimiters.
        let counts: Vec<usize> = sample
            .iter()
            .map(|line| {
                let mut quoted = false;
                1 + line.iter().filter(|&&b| {
                    if b == b'"' {
                        quoted = !quoted;
                    }
                    b == d && !quoted
                }).count()
            })
            .collect();
        let Some(&first) = counts.first() else { continue };
        let agree = counts.iter().filter(|&&c| c == first).count();
        if first > 1 && (agree, first) > (best.1, best.2) {
            best = (d, agree, first);
        }
    }
    best.0
}

fn is_na(s: &str) -> bool {
    NA.contains(&s)
}

fn parse_number(s: &str) -> Option<f64> {
    let v: f64 = s.parse().ok()?;
    // "inf" and "nan" parse in Rust but are not numbers a spreadsheet writes; a value beyond
    // float32's range would become infinity in a tensor (the fuzzer found one).
    (v.abs() <= f32::MAX as f64).then_some(v)
}

/// Why a cell of a mostly numeric column is not a number.
fn not_a_number(cell: &str) -> &'static str {
    match cell.parse::<f64>() {
        Ok(v) if v.is_finite() => "is beyond the float32 range (±3.4e38)",
        _ => "is not a number",
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "true" | "yes" => Some(true),
        "false" | "no" => Some(false),
        _ => None,
    }
}

/// A first row is a header unless it has a number in a column whose other rows are numbers.
fn detect_header(rows: &[Vec<String>]) -> bool {
    if rows.len() < 2 {
        return true;
    }
    let numeric_below = |j: usize| rows[1..].iter().any(|r| parse_number(&r[j]).is_some());
    !rows[0].iter().enumerate().any(|(j, cell)| parse_number(cell).is_some() && numeric_below(j))
}

fn header_names(row: &[String]) -> Result<Vec<String>> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut names = Vec::with_capacity(row.len());
    for (j, name) in row.iter().enumerate() {
        let name = if name.is_empty() { format!("column_{}", j + 1) } else { name.clone() };
        if let Some(first) = seen.get(&name) {
            data_bail!("CSV: columns {} and {} are both named {:?}; rename one", first + 1, j + 1, name);
        }
        seen.insert(name.clone(), j);
        names.push(name);
    }
    Ok(names)
}

/// The column's kind from its non-missing cells, its values and its statistics; `lines[i]` is
/// the file line of `cells[i]`.
fn make_column(name: String, cells: &[&str], lines: &[u64]) -> Column {
    let present: Vec<&str> = cells.iter().copied().filter(|c| !is_na(c)).collect();
    let counts = distinct(&present);
    let all = |f: &dyn Fn(&str) -> bool| !present.is_empty() && present.iter().all(|c| f(c));
    let kind = if all(&|c| c.parse::<i64>().is_ok()) {
        ColumnKind::Integer
    } else if all(&|c| parse_number(c).is_some()) {
        ColumnKind::Number
    } else if all(&|c| parse_bool(c).is_some()) {
        ColumnKind::Boolean
    } else {
        let unique = counts.len();
        if unique <= MAX_CATEGORIES && unique * 2 <= present.len().max(2) { ColumnKind::Category } else { ColumnKind::Text }
    };
    let values = match kind {
        ColumnKind::Integer | ColumnKind::Number => Values::Numeric(cells.iter().map(|c| if is_na(c) { None } else { parse_number(c) }).collect()),
        ColumnKind::Boolean => Values::Numeric(cells.iter().map(|c| parse_bool(c).map(|b| b as u8 as f64)).collect()),
        _ => Values::Strings(cells.iter().map(|c| (!is_na(c)).then(|| c.to_string())).collect()),
    };
    let stats = stats_of(&values, present.len(), counts);
    // Nine in ten cells numbers, the rest not: most likely typos or placeholders to fix.
    let numbers = present.iter().filter(|c| parse_number(c).is_some()).count();
    let problems = if !kind.is_numeric() && numbers * 10 >= present.len() * 9 && numbers > 0 {
        cells.iter().zip(lines).filter(|(c, _)| !is_na(c) && parse_number(c).is_none()).take(5).map(|(c, l)| format!("line {l}: {c:?} {}", not_a_number(c))).collect()
    } else {
        Vec::new()
    };
    Column { name, kind, values, stats, problems }
}

/// Distinct values with their counts, in order of first appearance.
fn distinct<'a>(present: &[&'a str]) -> Vec<(&'a str, usize)> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut out: Vec<(&str, usize)> = Vec::new();
    for &c in present {
        match index.get(c) {
            Some(&i) => out[i].1 += 1,
            None => {
                index.insert(c, out.len());
                out.push((c, 1));
            }
        }
    }
    out
}

/// `counts`: the distinct present values with their counts (`distinct`).
fn stats_of(values: &Values, present: usize, mut counts: Vec<(&str, usize)>) -> ColumnStats {
    let total = match values {
        Values::Numeric(v) => v.len(),
        Values::Strings(v) => v.len(),
    };
    let unique = counts.len();
    counts.sort_by(|a, b| b.1.cmp(&a.1)); // stable: ties keep their first-appearance order
    let top = counts.iter().take(5).map(|&(v, n)| (v.to_string(), n)).collect();
    let mut s = ColumnStats { count: present, missing: total - present, unique, mean: None, std: None, min: None, max: None, top };
    if let Values::Numeric(v) = values {
        let xs: Vec<f64> = v.iter().flatten().copied().collect();
        if !xs.is_empty() {
            let n = xs.len() as f64;
            let mean = xs.iter().sum::<f64>() / n;
            s.mean = Some(mean);
            s.std = (xs.len() > 1).then(|| (xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0)).sqrt());
            s.min = xs.iter().copied().reduce(f64::min);
            s.max = xs.iter().copied().reduce(f64::max);
        }
    }
    s
}
