//! Workbooks (`.xlsx`, `.xls`, `.ods`): one sheet read through calamine as a header and
//! numbered text records, so that the rest of ingest treats it like a CSV file.
//!
//! Cells become the text the pipeline already reads: strings as they are, integers without
//! `.0`, other numbers in shortest round-trip form, booleans `true`/`false`, dates and times
//! in the canonical `YYYY-MM-DD HH:MM:SS` (`YYYY-MM-DD` for a date, `HH:MM:SS` for a time of
//! day), durations as `HH:MM:SS` (hours may pass 24), and empty cells `None`.

use std::path::Path;

use calamine::{Data, ExcelDateTime, ExcelDateTimeType, Range, Reader, SheetType};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// One sheet as text: the header row and the records after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sheet {
    pub(crate) name: String,
    pub(crate) headers: Vec<String>,
    /// (record number, one cell per header). Records are the non-empty rows after the
    /// header, numbered from 1; fully empty rows are skipped and not counted, as blank lines
    /// in a CSV file are.
    pub(crate) records: Vec<(u64, Vec<Option<String>>)>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub(crate) enum WorkbookError {
    #[error("cannot read workbook {file}: {reason}")]
    Open { file: String, reason: String },
    #[error("{file} has no worksheets")]
    NoSheets { file: String },
    #[error(
        "sheet \"{wanted}\" not found in {file}; its sheets are: {}. Set [input] sheet = \"{suggestion}\"",
        found.join(", ")
    )]
    SheetNotFound {
        wanted: String,
        file: String,
        found: Vec<String>,
        suggestion: String,
    },
    #[error("cannot read sheet \"{sheet}\" of {file}: {reason}")]
    Sheet {
        file: String,
        sheet: String,
        reason: String,
    },
    /// Boxed: the details would make every `Result` of this module large.
    #[error(transparent)]
    Cell(Box<CellError>),
}

/// A cell that cannot become text: an error cell, or a date Excel cannot mean.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{file}, sheet \"{sheet}\", {place}, column \"{column}\" (cell {cell}): {reason}")]
pub(crate) struct CellError {
    pub(crate) file: String,
    pub(crate) sheet: String,
    /// `record N` or `header row`.
    pub(crate) place: String,
    pub(crate) column: String,
    /// The `A1`-style reference, e.g. `C5`.
    pub(crate) cell: String,
    pub(crate) reason: String,
}

/// Reads `sheet` of the workbook at `path`, or its first worksheet in workbook order (chart,
/// dialog and macro sheets hold no table and are passed over; hidden worksheets are not).
/// A sheet name matches exactly or, failing that, ignoring case, as Excel itself compares
/// sheet names. The header is the first non-empty row. A sheet with no non-empty row gives
/// no headers and no records, so the caller reports its missing columns as for an empty CSV.
pub(crate) fn read_sheet(path: &Path, sheet: Option<&str>) -> Result<Sheet, WorkbookError> {
    let file = path.display().to_string();
    let mut workbook = calamine::open_workbook_auto(path).map_err(|error| WorkbookError::Open {
        file: file.clone(),
        reason: error.to_string(),
    })?;
    let worksheets: Vec<String> = (workbook.sheets_metadata().iter())
        .filter(|sheet| sheet.typ == SheetType::WorkSheet)
        .map(|sheet| sheet.name.clone())
        .collect();
    let name = match sheet {
        Some(wanted) => find_sheet(wanted, &workbook.sheet_names(), &worksheets, &file)?,
        None => (worksheets.first().cloned())
            .ok_or_else(|| WorkbookError::NoSheets { file: file.clone() })?,
    };
    let range = workbook
        .worksheet_range(&name)
        .map_err(|error| WorkbookError::Sheet {
            file: file.clone(),
            sheet: name.clone(),
            reason: error.to_string(),
        })?;
    read_range(&range, name, &file)
}

/// The sheet called `wanted`, or the error listing every sheet (in workbook order) with the
/// config line to write: a sheet whose name contains the wanted one, or the reverse, ignoring
/// case; else the first worksheet.
fn find_sheet(
    wanted: &str,
    all_sheets: &[String],
    worksheets: &[String],
    file: &str,
) -> Result<String, WorkbookError> {
    if let Some(exact) = all_sheets.iter().find(|name| *name == wanted) {
        return Ok(exact.clone());
    }
    let lower = wanted.to_lowercase();
    if let Some(caseless) = all_sheets.iter().find(|name| name.to_lowercase() == lower) {
        return Ok(caseless.clone());
    }
    let similar = worksheets.iter().find(|name| {
        let name = name.to_lowercase();
        name.contains(&lower) || lower.contains(&name)
    });
    let Some(suggestion) = similar.or(worksheets.first()) else {
        return Err(WorkbookError::NoSheets {
            file: file.to_owned(),
        });
    };
    Err(WorkbookError::SheetNotFound {
        wanted: wanted.to_owned(),
        file: file.to_owned(),
        found: all_sheets.to_vec(),
        suggestion: suggestion.clone(),
    })
}

/// Where a cell sits, for error messages.
struct CellPlace<'a> {
    file: &'a str,
    sheet: &'a str,
    /// `None` for the header row.
    record: Option<u64>,
    column: String,
    /// Zero-based absolute row and column in the sheet.
    row: u32,
    column_index: u32,
}

impl CellPlace<'_> {
    fn error(&self, reason: String) -> WorkbookError {
        WorkbookError::Cell(Box::new(CellError {
            file: self.file.to_owned(),
            sheet: self.sheet.to_owned(),
            place: match self.record {
                Some(record) => format!("record {record}"),
                None => "header row".to_owned(),
            },
            column: self.column.clone(),
            cell: cell_reference(self.row, self.column_index),
            reason,
        }))
    }
}

fn read_range(range: &Range<Data>, name: String, file: &str) -> Result<Sheet, WorkbookError> {
    let Some((first_row, first_column)) = range.start() else {
        return Ok(Sheet {
            name,
            headers: Vec::new(),
            records: Vec::new(),
        });
    };
    let mut rows = (range.rows().enumerate())
        .map(|(offset, cells)| (first_row + offset as u32, cells))
        .filter(|(_, cells)| !cells.iter().all(is_blank));
    let Some((header_row, header_cells)) = rows.next() else {
        return Ok(Sheet {
            name,
            headers: Vec::new(),
            records: Vec::new(),
        });
    };
    let data_rows: Vec<(u32, &[Data])> = rows.collect();
    // Trailing columns empty in the header and in every record are formatting, not data.
    let width = (0..header_cells.len())
        .rev()
        .find(|&column| {
            !is_blank(&header_cells[column])
                || data_rows
                    .iter()
                    .any(|(_, cells)| cells.get(column).is_some_and(|cell| !is_blank(cell)))
        })
        .map_or(0, |last| last + 1);

    let place = |record: Option<u64>, row: u32, column: usize, header: &str| CellPlace {
        file,
        sheet: &name,
        record,
        column: header.to_owned(),
        row,
        column_index: first_column + column as u32,
    };
    let mut headers = Vec::with_capacity(width);
    for (column, cell) in header_cells[..width].iter().enumerate() {
        let letter = column_letters(first_column + column as u32);
        let text = cell_text(cell)
            .map_err(|reason| place(None, header_row, column, &letter).error(reason))?;
        headers.push(text.unwrap_or_default());
    }
    let mut records = Vec::with_capacity(data_rows.len());
    for (number, (row, cells)) in (1u64..).zip(data_rows) {
        let mut record = Vec::with_capacity(width);
        for (column, header) in headers.iter().enumerate() {
            let text = match cells.get(column) {
                Some(cell) => cell_text(cell)
                    .map_err(|reason| place(Some(number), row, column, header).error(reason))?,
                None => None,
            };
            record.push(text);
        }
        records.push((number, record));
    }
    Ok(Sheet {
        name,
        headers,
        records,
    })
}

/// An empty cell, or an empty string (what some writers store for a cleared cell).
fn is_blank(cell: &Data) -> bool {
    match cell {
        Data::Empty => true,
        Data::String(text) => text.is_empty(),
        _ => false,
    }
}

/// The text of one cell (see the module documentation); `Err` holds the reason for an error
/// cell or a date Excel cannot mean.
fn cell_text(cell: &Data) -> Result<Option<String>, String> {
    Ok(match cell {
        Data::Empty => None,
        Data::String(text) if text.is_empty() => None,
        Data::String(text) => Some(text.clone()),
        Data::Int(integer) => Some(integer.to_string()),
        Data::Float(number) => Some(number_text(*number)),
        Data::Bool(flag) => Some(flag.to_string()),
        Data::DateTime(serial) if serial.is_duration() => Some(duration_text(serial.as_f64())?),
        Data::DateTime(serial) => Some(serial_date_text(serial)?),
        Data::DateTimeIso(text) => Some(iso_date_text(text)),
        Data::DurationIso(text) => Some(iso_duration_text(text)),
        Data::Error(error) => return Err(format!("the cell holds the error {error}")),
    })
}

/// The largest integer an `f64` holds exactly: beyond it a whole float is printed as a
/// float, not passed off as an exact integer.
const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0;

/// Whole numbers without `.0` (xlsx stores every number as a float); others in Rust's
/// shortest round-trip form.
fn number_text(number: f64) -> String {
    if number.fract() == 0.0 && number.abs() <= EXACT_INTEGER_LIMIT {
        // `-0.0` prints as `0`.
        format!("{}", number as i64)
    } else {
        format!("{number}")
    }
}

/// A date/time cell's serial as canonical text. A serial below 1 is a time of day
/// (`HH:MM:SS`); a whole serial is a date (`YYYY-MM-DD`; a date-time at exactly midnight
/// reads the same, and means the same instant); else `YYYY-MM-DD HH:MM:SS`. Milliseconds,
/// Excel's precision, are kept as `.fff` when not zero.
fn serial_date_text(serial: &ExcelDateTime) -> Result<String, String> {
    let value = serial.as_f64();
    // calamine keeps the date system private; a cell equal to its 1900-system twin is 1900.
    let is_1904 = *serial != ExcelDateTime::new(value, ExcelDateTimeType::DateTime, false);
    let last_day = if is_1904 { 2_957_003.0 } else { 2_958_465.0 };
    // calamine clamps out-of-range serials to its bounds; Excel shows them as ####.
    if !value.is_finite() || value < 0.0 || value >= last_day + 1.0 {
        return Err(format!("{value} is not a date Excel can show"));
    }
    let (year, month, day, hour, minute, second, millisecond) = serial.to_ymd_hms_milli();
    let time = NaiveTime::from_hms_milli_opt(
        hour.into(),
        minute.into(),
        second.into(),
        millisecond.into(),
    )
    .ok_or_else(|| format!("{value} is not a time of day"))?;
    if value < 1.0 {
        return Ok(time_text(time));
    }
    let date = NaiveDate::from_ymd_opt(year.into(), month.into(), day.into()).ok_or_else(|| {
        format!("{value} is {year}-{month:02}-{day:02}, a day that does not exist (Excel's 1900 leap-year bug)")
    })?;
    if time == NaiveTime::MIN {
        return Ok(date.format("%Y-%m-%d").to_string());
    }
    Ok(date_time_text(date.and_time(time)))
}

fn time_text(time: NaiveTime) -> String {
    if time.format("%f").to_string() == "000000000" {
        time.format("%H:%M:%S").to_string()
    } else {
        time.format("%H:%M:%S%.3f").to_string()
    }
}

fn date_time_text(value: NaiveDateTime) -> String {
    format!("{} {}", value.format("%Y-%m-%d"), time_text(value.time()))
}

const SECONDS_PER_DAY: f64 = 86_400.0;

/// A duration cell (a serial in days) as `HH:MM:SS`, hours not wrapped at 24, to the
/// nearest second; negative durations keep their sign.
fn duration_text(days: f64) -> Result<String, String> {
    let seconds = (days * SECONDS_PER_DAY).round();
    if !seconds.is_finite() || seconds.abs() > i64::MAX as f64 / 2.0 {
        return Err(format!("{days} is not a duration"));
    }
    let seconds = seconds as i64;
    let sign = if seconds < 0 { "-" } else { "" };
    let seconds = seconds.unsigned_abs();
    Ok(format!(
        "{sign}{:02}:{:02}:{:02}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    ))
}

/// An ODS date value (`2023-03-15`, `2023-03-15T20:52:00`, maybe with a fraction) as
/// canonical text; anything else is passed on as it is, for validation to judge.
fn iso_date_text(text: &str) -> String {
    if let Ok(value) = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
        return date_time_text(value);
    }
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return date.format("%Y-%m-%d").to_string();
    }
    text.to_owned()
}

/// An ODS time value (ISO 8601 `PT20H52M00S`, which ODS uses both for a time of day and a
/// duration) as `HH:MM:SS`; anything else is passed on as it is.
fn iso_duration_text(text: &str) -> String {
    parse_iso_duration_seconds(text)
        .and_then(|seconds| duration_text(seconds / SECONDS_PER_DAY).ok())
        .unwrap_or_else(|| text.to_owned())
}

/// Seconds of an ISO 8601 duration with day, hour, minute and second parts (`-P1DT2H3M4.5S`).
fn parse_iso_duration_seconds(text: &str) -> Option<f64> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let rest = rest.strip_prefix('P')?;
    let (day_part, time_part) = match rest.split_once('T') {
        Some((days, time)) => (days, time),
        None => (rest, ""),
    };
    let mut seconds = 0.0;
    let mut components = 0;
    // Each unit at most once and in order (`PT2H3M`, not `PT3M2H` or `PT2H2H`).
    let mut add_parts = |part: &str, units: &[(char, f64)]| -> Option<()> {
        let mut remaining = units;
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                number.push(c);
                continue;
            }
            let position = remaining.iter().position(|(unit, _)| *unit == c)?;
            seconds += number.parse::<f64>().ok()? * remaining[position].1;
            remaining = &remaining[position + 1..];
            components += 1;
            number.clear();
        }
        number.is_empty().then_some(())
    };
    add_parts(day_part, &[('D', SECONDS_PER_DAY)])?;
    add_parts(time_part, &[('H', 3600.0), ('M', 60.0), ('S', 1.0)])?;
    if components == 0 {
        return None;
    }
    Some(if negative { -seconds } else { seconds })
}

/// `A1`-style reference of a zero-based row and column.
fn cell_reference(row: u32, column: u32) -> String {
    format!("{}{}", column_letters(column), u64::from(row) + 1)
}

/// Spreadsheet column letters of a zero-based column: 0 → A, 25 → Z, 26 → AA.
fn column_letters(column: u32) -> String {
    let mut letters = Vec::new();
    let mut rest = u64::from(column) + 1;
    while rest > 0 {
        let digit = ((rest - 1) % 26) as u8;
        letters.push(char::from(b'A' + digit));
        rest = (rest - 1) / 26;
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime as WriterDate, Format, Workbook};
    use std::path::PathBuf;

    /// A file path under the target directory's temp area, unique per test.
    fn scratch_path(name: &str) -> PathBuf {
        let directory = std::env::temp_dir().join(format!("sniff-workbook-{}", std::process::id()));
        std::fs::create_dir_all(&directory).expect("create the test directory");
        directory.join(name)
    }

    fn text(value: &str) -> Option<String> {
        Some(value.to_owned())
    }

    /// Summary (text), Chart-like notes, then Data with its header on row 3 and a blank row
    /// between records 2 and 3.
    fn write_tickets_workbook(path: &Path) {
        let mut workbook = Workbook::new();
        let date_format = Format::new().set_num_format("yyyy-mm-dd");
        let datetime_format = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
        let time_format = Format::new().set_num_format("hh:mm:ss");
        let duration_format = Format::new().set_num_format("[h]:mm:ss");

        let summary = workbook.add_worksheet().set_name("Summary").expect("name");
        summary.write_string(0, 0, "Tickets, March").expect("write");
        summary
            .write_string(1, 0, "see the Data sheet")
            .expect("write");

        let data = workbook.add_worksheet().set_name("Data").expect("name");
        for (column, header) in [
            "Ticket ID",
            "Created at",
            "Day",
            "Talk",
            "At",
            "CSAT",
            "Reopened",
            "Note",
        ]
        .iter()
        .enumerate()
        {
            data.write_string(2, column as u16, *header).expect("write");
        }
        let created = WriterDate::parse_from_str("2023-04-13 20:52:00").expect("date");
        let day = WriterDate::parse_from_str("2023-03-15").expect("date");
        let at = WriterDate::parse_from_str("08:30:15").expect("time");
        // Record 1: everything filled.
        data.write_number(3, 0, 101).expect("write");
        data.write_datetime_with_format(3, 1, &created, &datetime_format)
            .expect("write");
        data.write_datetime_with_format(3, 2, &day, &date_format)
            .expect("write");
        // 26 h 3 min as days: a duration past 24 hours, which `[h]` formats show whole.
        data.write_number_with_format(3, 3, (26.0 + 3.0 / 60.0) / 24.0, &duration_format)
            .expect("write");
        data.write_datetime_with_format(3, 4, &at, &time_format)
            .expect("write");
        data.write_number(3, 5, 4.5).expect("write");
        data.write_boolean(3, 6, true).expect("write");
        data.write_string(3, 7, "  spaced  ").expect("write");
        // Record 2: an empty CSAT cell (formatted but blank) and a false.
        data.write_string(4, 0, "A-102").expect("write");
        data.write_blank(4, 5, &date_format).expect("write");
        data.write_boolean(4, 6, false).expect("write");
        // Row 6 is blank; record 3 is row 7.
        data.write_number(6, 0, 103).expect("write");
        data.write_number(6, 5, 3).expect("write");

        let notes = workbook.add_worksheet().set_name("Raw data").expect("name");
        notes.write_string(0, 0, "id").expect("write");
        workbook.save(path).expect("save the test workbook");
    }

    #[test]
    fn reads_a_named_sheet_with_its_header_below_empty_rows() {
        let path = scratch_path("tickets.xlsx");
        write_tickets_workbook(&path);
        let sheet = read_sheet(&path, Some("Data")).expect("read");
        assert_eq!(sheet.name, "Data");
        assert_eq!(
            sheet.headers,
            [
                "Ticket ID",
                "Created at",
                "Day",
                "Talk",
                "At",
                "CSAT",
                "Reopened",
                "Note"
            ]
        );
        assert_eq!(sheet.records.len(), 3);
        assert_eq!(
            sheet.records[0],
            (
                1,
                vec![
                    text("101"),
                    text("2023-04-13 20:52:00"),
                    text("2023-03-15"),
                    text("26:03:00"),
                    text("08:30:15"),
                    text("4.5"),
                    text("true"),
                    text("  spaced  "),
                ]
            )
        );
        let (number, record) = &sheet.records[1];
        assert_eq!(*number, 2);
        assert_eq!(record[0], text("A-102"));
        // A formatted blank cell is missing, like a cell never written.
        assert_eq!(record[5], None);
        assert_eq!(record[6], text("false"));
        assert_eq!(record[1], None);
        // The blank row in between is skipped and not counted.
        assert_eq!(sheet.records[2].0, 3);
        assert_eq!(sheet.records[2].1[0], text("103"));
        assert_eq!(sheet.records[2].1[5], text("3"));
    }

    #[test]
    fn without_a_name_the_first_sheet_is_read() {
        let path = scratch_path("first.xlsx");
        write_tickets_workbook(&path);
        let sheet = read_sheet(&path, None).expect("read");
        assert_eq!(sheet.name, "Summary");
        assert_eq!(sheet.headers, ["Tickets, March"]);
        assert_eq!(sheet.records, vec![(1, vec![text("see the Data sheet")])]);
    }

    #[test]
    fn sheet_names_match_ignoring_case() {
        let path = scratch_path("caseless.xlsx");
        write_tickets_workbook(&path);
        assert_eq!(read_sheet(&path, Some("data")).expect("read").name, "Data");
    }

    #[test]
    fn a_missing_sheet_lists_the_sheets_and_the_line_to_write() {
        let path = scratch_path("missing.xlsx");
        write_tickets_workbook(&path);
        let error = read_sheet(&path, Some("Tickets")).expect_err("no such sheet");
        assert_eq!(
            error.to_string(),
            format!(
                "sheet \"Tickets\" not found in {}; its sheets are: Summary, Data, Raw data. \
                 Set [input] sheet = \"Summary\"",
                path.display()
            )
        );
        let error = read_sheet(&path, Some("raw")).expect_err("no such sheet");
        assert!(
            error
                .to_string()
                .ends_with("Set [input] sheet = \"Raw data\""),
            "{error}"
        );
    }

    #[test]
    fn chart_sheets_are_listed_but_never_read_as_the_first_sheet() {
        use rust_xlsxwriter::{Chart, ChartType};
        let path = scratch_path("charted.xlsx");
        let mut workbook = Workbook::new();
        let mut chart = Chart::new(ChartType::Column);
        chart.add_series().set_values("'Raw data'!$B$2:$B$3");
        workbook
            .add_worksheet()
            .set_name("Summary")
            .expect("name")
            .write_string(0, 0, "totals")
            .expect("write");
        workbook
            .add_chartsheet()
            .set_name("Chart")
            .expect("name")
            .insert_chart(0, 0, &chart)
            .expect("chart");
        let raw = workbook.add_worksheet().set_name("Raw data").expect("name");
        raw.write_string(0, 0, "id").expect("write");
        raw.write_string(0, 1, "csat").expect("write");
        raw.write_number(1, 0, 1).expect("write");
        raw.write_number(1, 1, 5).expect("write");
        workbook.save(&path).expect("save");

        let error = read_sheet(&path, Some("Data")).expect_err("no such sheet");
        assert_eq!(
            error.to_string(),
            format!(
                "sheet \"Data\" not found in {}; its sheets are: Summary, Chart, Raw data. \
                 Set [input] sheet = \"Raw data\"",
                path.display()
            )
        );
        let sheet = read_sheet(&path, Some("Raw data")).expect("read");
        assert_eq!(sheet.headers, ["id", "csat"]);
        assert_eq!(sheet.records, vec![(1, vec![text("1"), text("5")])]);
    }

    #[test]
    fn empty_rows_and_columns_inside_the_used_range_are_skipped() {
        // Formatted-but-empty cells make calamine's range start above and end right of the
        // table; the header is still the first non-empty row.
        let range = Range::from_sparse(vec![
            calamine::Cell::new((0, 0), Data::Empty),
            calamine::Cell::new((1, 3), Data::String(String::new())),
            calamine::Cell::new((2, 0), Data::String("id".to_owned())),
            calamine::Cell::new((2, 1), Data::String("note".to_owned())),
            calamine::Cell::new((3, 0), Data::Float(1.0)),
            calamine::Cell::new((5, 0), Data::Float(2.0)),
            calamine::Cell::new((5, 1), Data::String("x".to_owned())),
            calamine::Cell::new((6, 3), Data::Empty),
        ]);
        let sheet = read_range(&range, "Data".to_owned(), "t.xlsx").expect("read");
        assert_eq!(sheet.headers, ["id", "note"]);
        assert_eq!(
            sheet.records,
            vec![(1, vec![text("1"), None]), (2, vec![text("2"), text("x")]),]
        );
    }

    #[test]
    fn an_error_cell_in_the_header_names_the_header_row() {
        let range = Range::from_sparse(vec![
            calamine::Cell::new((0, 0), Data::String("id".to_owned())),
            calamine::Cell::new((0, 1), Data::Error(calamine::CellErrorType::Ref)),
        ]);
        let error = read_range(&range, "Data".to_owned(), "t.xlsx").expect_err("error cell");
        assert_eq!(
            error.to_string(),
            "t.xlsx, sheet \"Data\", header row, column \"B\" (cell B1): \
             the cell holds the error #REF!"
        );
    }

    #[test]
    fn a_sheet_without_values_has_no_headers_and_no_records() {
        let blank = Range::from_sparse(vec![calamine::Cell::new((3, 3), Data::Empty)]);
        let sheet = read_range(&blank, "Data".to_owned(), "t.xlsx").expect("read");
        assert!(sheet.headers.is_empty() && sheet.records.is_empty());
        let nothing: Range<Data> = Range::empty();
        let sheet = read_range(&nothing, "Data".to_owned(), "t.xlsx").expect("read");
        assert!(sheet.headers.is_empty() && sheet.records.is_empty());
    }

    #[test]
    fn numbers_print_as_people_wrote_them() {
        assert_eq!(number_text(42.0), "42");
        assert_eq!(number_text(-0.0), "0");
        assert_eq!(number_text(4.5), "4.5");
        assert_eq!(number_text(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(number_text(1e20), "100000000000000000000");
        assert_eq!(cell_text(&Data::Int(-7)), Ok(text("-7")));
    }

    #[test]
    fn error_cells_name_file_sheet_record_and_column() {
        let range = Range::from_sparse(vec![
            calamine::Cell::new((1, 1), Data::String("Ticket ID".to_owned())),
            calamine::Cell::new((1, 2), Data::String("CSAT".to_owned())),
            calamine::Cell::new((2, 1), Data::Int(1)),
            calamine::Cell::new((4, 1), Data::Int(2)),
            calamine::Cell::new((4, 2), Data::Error(calamine::CellErrorType::Div0)),
        ]);
        let error = read_range(&range, "Data".to_owned(), "tickets.xlsx").expect_err("error cell");
        assert_eq!(
            error.to_string(),
            "tickets.xlsx, sheet \"Data\", record 2, column \"CSAT\" (cell C5): \
             the cell holds the error #DIV/0!"
        );
    }

    #[test]
    fn excel_dates_that_cannot_be_are_errors() {
        let leap_bug = ExcelDateTime::new(60.0, ExcelDateTimeType::DateTime, false);
        assert!(serial_date_text(&leap_bug).is_err());
        let negative = ExcelDateTime::new(-1.0, ExcelDateTimeType::DateTime, false);
        assert!(serial_date_text(&negative).is_err());
        let too_late = ExcelDateTime::new(3e6, ExcelDateTimeType::DateTime, false);
        assert!(serial_date_text(&too_late).is_err());
        let day_61 = ExcelDateTime::new(61.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(serial_date_text(&day_61), Ok("1900-03-01".to_owned()));
        let epoch_1904 = ExcelDateTime::new(0.5, ExcelDateTimeType::DateTime, true);
        assert_eq!(serial_date_text(&epoch_1904), Ok("12:00:00".to_owned()));
        let in_1904 = ExcelDateTime::new(43538.75, ExcelDateTimeType::DateTime, true);
        assert_eq!(
            serial_date_text(&in_1904),
            Ok("2023-03-15 18:00:00".to_owned())
        );
        let with_milliseconds =
            ExcelDateTime::new(45000.0 + 1.25 / 86400.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(
            serial_date_text(&with_milliseconds),
            Ok("2023-03-15 00:00:01.250".to_owned())
        );
    }

    #[test]
    fn ods_dates_and_times_become_canonical_text() {
        assert_eq!(iso_date_text("2023-03-15T20:52:00"), "2023-03-15 20:52:00");
        assert_eq!(iso_date_text("2023-03-15"), "2023-03-15");
        assert_eq!(
            iso_date_text("2023-03-15T20:52:00.5"),
            "2023-03-15 20:52:00.500"
        );
        assert_eq!(iso_date_text("soon"), "soon");
        assert_eq!(iso_duration_text("PT20H52M00S"), "20:52:00");
        assert_eq!(iso_duration_text("PT26H3M0S"), "26:03:00");
        assert_eq!(iso_duration_text("P1DT2H"), "26:00:00");
        assert_eq!(iso_duration_text("-PT0H0M30S"), "-00:00:30");
        assert_eq!(iso_duration_text("PTxS"), "PTxS");
        assert_eq!(iso_duration_text("PT2H2H"), "PT2H2H");
        assert_eq!(iso_duration_text("PT3M2H"), "PT3M2H");
        assert_eq!(iso_duration_text("P"), "P");
        assert_eq!(iso_duration_text("PT"), "PT");
    }

    #[test]
    fn a_file_that_is_not_a_workbook_is_an_open_error() {
        let path = scratch_path("not-a-workbook.xlsx");
        std::fs::write(&path, "ticket_id\n1\n").expect("write");
        let error = read_sheet(&path, None).expect_err("not a workbook");
        assert!(matches!(error, WorkbookError::Open { .. }), "{error:?}");
        assert!(error.to_string().contains("not-a-workbook.xlsx"), "{error}");
    }

    /// A minimal OpenDocument spreadsheet: a "Notes" sheet, then "Data" with its header on
    /// row 2 and a blank row between its two records.
    fn write_ods(path: &Path) {
        use std::io::Write as _;
        const CONTENT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
<office:body><office:spreadsheet>
<table:table table:name="Notes"><table:table-row><table:table-cell office:value-type="string"><text:p>hello</text:p></table:table-cell></table:table-row></table:table>
<table:table table:name="Data">
<table:table-row><table:table-cell table:number-columns-repeated="5"/></table:table-row>
<table:table-row>
<table:table-cell office:value-type="string"><text:p>id</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>created</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>talk</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>csat</text:p></table:table-cell>
<table:table-cell office:value-type="string"><text:p>reopened</text:p></table:table-cell>
</table:table-row>
<table:table-row>
<table:table-cell office:value-type="float" office:value="7"><text:p>7</text:p></table:table-cell>
<table:table-cell office:value-type="date" office:date-value="2023-04-13T20:52:00"><text:p>13/04/2023 20:52</text:p></table:table-cell>
<table:table-cell office:value-type="time" office:time-value="PT00H02H23S"><text:p>x</text:p></table:table-cell>
<table:table-cell office:value-type="float" office:value="4.5"><text:p>4.5</text:p></table:table-cell>
<table:table-cell office:value-type="boolean" office:boolean-value="true"><text:p>TRUE</text:p></table:table-cell>
</table:table-row>
<table:table-row><table:table-cell table:number-columns-repeated="5"/></table:table-row>
<table:table-row>
<table:table-cell office:value-type="float" office:value="8"><text:p>8</text:p></table:table-cell>
<table:table-cell office:value-type="date" office:date-value="2023-04-14"><text:p>14/04/2023</text:p></table:table-cell>
<table:table-cell office:value-type="time" office:time-value="PT00H02M23S"><text:p>0:02:23</text:p></table:table-cell>
<table:table-cell/>
<table:table-cell office:value-type="boolean" office:boolean-value="false"><text:p>FALSE</text:p></table:table-cell>
</table:table-row>
</table:table>
</office:spreadsheet></office:body></office:document-content>"#;
        const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"#;
        let file = std::fs::File::create(path).expect("create the test workbook");
        let mut archive = zip::ZipWriter::new(file);
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, body) in [
            ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
            ("META-INF/manifest.xml", MANIFEST),
            // calamine wants no whitespace between cells, as office suites write them.
            ("content.xml", &CONTENT.replace('\n', "")),
        ] {
            archive.start_file(name, stored).expect("zip entry");
            archive.write_all(body.as_bytes()).expect("zip write");
        }
        archive.finish().expect("zip finish");
    }

    #[test]
    fn reads_an_ods_sheet() {
        let path = scratch_path("tickets.ods");
        write_ods(&path);
        let sheet = read_sheet(&path, Some("Data")).expect("read");
        assert_eq!(sheet.headers, ["id", "created", "talk", "csat", "reopened"]);
        assert_eq!(
            sheet.records,
            vec![
                (
                    1,
                    vec![
                        text("7"),
                        text("2023-04-13 20:52:00"),
                        // Not ISO 8601: passed on as it is, for validation to judge.
                        text("PT00H02H23S"),
                        text("4.5"),
                        text("true"),
                    ]
                ),
                (
                    2,
                    vec![
                        text("8"),
                        text("2023-04-14"),
                        text("00:02:23"),
                        None,
                        text("false"),
                    ]
                ),
            ]
        );
        assert_eq!(read_sheet(&path, None).expect("read").name, "Notes");
    }

    #[test]
    fn column_letters_past_z() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
        assert_eq!(cell_reference(4, 2), "C5");
    }
}
