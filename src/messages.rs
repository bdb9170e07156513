//! What cxkpi says on standard error besides the final error: one-line notices, and data text
//! made safe to print.

use std::io::{self, Write};

/// `text` safe to print on one line of a terminal: control characters (escape sequences,
/// carriage returns, newlines) are shown escaped, as `\u{1b}` or `\n`.
pub(crate) fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A one-line notice on standard error (never fails: stderr may be closed).
pub(crate) fn warn(message: &str) {
    let _ = writeln!(io::stderr(), "cxkpi: {message}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_control_characters_only() {
        assert_eq!(printable("9\u{1b}[2J\r\nX é"), "9\\u{1b}[2J\\r\\nX é");
    }
}
