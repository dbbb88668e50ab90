//! Asking the person at the terminal before anything is sent to the modem.

use std::io::{self, BufRead, IsTerminal, Write};

/// Whether a person can answer: standard input is a terminal.
pub fn can_ask() -> bool {
    io::stdin().is_terminal()
}

/// Asks `question` on stderr and reads the answer from stdin; only `y` or `yes` (any
/// case) confirms, anything else (an empty line, the end of input) declines.
pub fn ask(question: &str) -> io::Result<bool> {
    ask_on(question, &mut io::stdin().lock(), &mut io::stderr())
}

fn ask_on(question: &str, input: &mut impl BufRead, prompt: &mut impl Write) -> io::Result<bool> {
    write!(prompt, "{question} [y/N] ")?;
    prompt.flush()?;
    let mut answer = String::new();
    input.read_line(&mut answer)?;
    Ok(matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(typed: &str) -> bool {
        let mut prompt = Vec::new();
        let confirmed = ask_on("Flash?", &mut typed.as_bytes(), &mut prompt).unwrap();
        assert_eq!(prompt, b"Flash? [y/N] ");
        confirmed
    }

    #[test]
    fn only_yes_confirms_and_the_default_is_no() {
        assert!(answer("y\n"));
        assert!(answer(" YES \n"));
        assert!(!answer("\n"));
        assert!(!answer(""), "the end of input declines");
        assert!(!answer("n\n"));
        assert!(!answer("yep\n"));
    }
}
