//! Aligned text tables: the first column left-aligned (what was measured), the numbers
//! right-aligned so their units line up.

use std::fmt;

/// A table of text cells.
#[derive(Debug, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headings.
    pub fn new(header: &[&str]) -> Self {
        Table { header: header.iter().map(|h| h.to_string()).collect(), rows: Vec::new() }
    }

    /// Adds a row; missing cells are blank.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let columns = self.rows.iter().map(Vec::len).chain([self.header.len()]).max().unwrap_or(0);
        let cell = |row: &[String], i: usize| row.get(i).map_or(String::new(), Clone::clone);
        let widths: Vec<usize> = (0..columns)
            .map(|i| {
                let cells = self.rows.iter().map(|r| cell(r, i)).chain([cell(&self.header, i)]);
                cells.map(|c| c.chars().count()).max().unwrap_or(0)
            })
            .collect();
        let line = |f: &mut fmt::Formatter<'_>, row: &[String]| {
            let mut text = String::new();
            for (i, width) in widths.iter().enumerate() {
                let c = cell(row, i);
                let pad = " ".repeat(width - c.chars().count());
                match i {
                    0 => text.push_str(&format!("{c}{pad}")),
                    _ => text.push_str(&format!("  {pad}{c}")),
                }
            }
            writeln!(f, "{}", text.trim_end())
        };
        line(f, &self.header)?;
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        line(f, &rule)?;
        self.rows.iter().try_for_each(|r| line(f, r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_with_numbers_to_the_right() {
        let mut table = Table::new(&["what", "MB/s"]);
        table.row(vec!["file".into(), "1234.5".into()]);
        table.row(vec!["memory, µs".into(), "9.0".into()]);
        assert_eq!(
            table.to_string(),
            "what          MB/s\n----------  ------\nfile        1234.5\nmemory, µs     9.0\n"
        );
    }
}
