//! Hiding the numbers that identify a person or a SIM card in text that goes to support:
//! IMEI (`+CGSN`, `ATI`), IMSI (`+CIMI`), ICCID (`^ICCID`, `+CCID`) and phone numbers
//! (`+CNUM`), specs/at-commands.md §4.
//!
//! The rule works on the text alone, so it also catches a number in an AT echo, in a
//! quoted `+CGSN: "…"` reply or inside an error message, wherever it sits:
//!
//! - **Any run of 11 or more digits** is an identity number: an IMEI has 14 to 16 digits
//!   (with the check digit or the software version), an IMSI at most 15, an ICCID 18 to
//!   20, an international phone number 11 to 15. Nothing else this tool writes has that
//!   many digits in a row: sizes are grouped (`1,000,000`), versions are dotted
//!   (`22.333.01.00.00`), addresses are 8 hex digits.
//! - **Except inside a digest**: a run of 32 or more hex characters with a letter in it
//!   (a SHA-256, an MD5) is kept whole, so the verification report stays checkable.
//!   ICCIDs are at most 20 characters long, even with their `F` padding.
//! - **Numbers on a `+CNUM` line** are phone numbers of any length: every run of four
//!   or more digits there is hidden whole, quoted or not (a quote in the alpha tag must
//!   not shift what counts as quoted). The three-digit type field (129, 145, 161) stays.
//!
//! What is kept, so support can still tell models and networks apart: the length (each
//! hidden digit becomes `x`) and the first digits of long numbers: 8 of a 14–16 digit
//! number (an IMEI's TAC, which names the model; for an IMSI the country and network
//! code and two or three more, leaving at least seven hidden), 6 of an 17–20 digit
//! number (an ICCID's industry, country and issuer), none of anything shorter and none
//! on a `+CNUM` line (phone numbers).

/// Runs of at least this many digits are identity numbers.
pub const MIN_IDENTITY_DIGITS: usize = 11;

/// On a `+CNUM` line, runs of at least this many digits are phone numbers.
const MIN_PHONE_DIGITS: usize = 4;

/// A hex token at least this long with a letter in it is a digest, kept as it is.
const MIN_DIGEST_LEN: usize = 32;

/// `text` with every identity number hidden (see the module's rule).
pub fn redact(text: &str) -> String {
    let phone_line = is_cnum_line(text);
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_hexdigit() {
            // Copy everything up to the next hex character (whole UTF-8 sequences).
            let next = bytes[i..].iter().position(u8::is_ascii_hexdigit).map_or(bytes.len(), |n| i + n);
            out.push_str(&text[i..next]);
            i = next;
            continue;
        }
        let end = bytes[i..].iter().position(|b| !b.is_ascii_hexdigit()).map_or(bytes.len(), |n| i + n);
        let token = &text[i..end];
        if token.len() >= MIN_DIGEST_LEN && token.bytes().any(|b| b.is_ascii_alphabetic()) {
            out.push_str(token);
        } else {
            hide_digit_runs(token, phone_line, &mut out);
        }
        i = end;
    }
    out
}

/// Copies a hex token, hiding its runs of [`MIN_IDENTITY_DIGITS`] or more digits (of
/// [`MIN_PHONE_DIGITS`] or more, whole, on a `phone_line`).
fn hide_digit_runs(token: &str, phone_line: bool, out: &mut String) {
    let mut rest = token;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            let letters = rest.bytes().take_while(|b| !b.is_ascii_digit()).count();
            out.push_str(&rest[..letters]);
            rest = &rest[letters..];
            continue;
        }
        let run = &rest[..digits];
        if phone_line && digits >= MIN_PHONE_DIGITS {
            out.push_str(&hidden(run, 0));
        } else if digits >= MIN_IDENTITY_DIGITS {
            out.push_str(&hidden(run, kept_digits(digits)));
        } else {
            out.push_str(run);
        }
        rest = &rest[digits..];
    }
}

/// How many leading digits of an identity number stay readable.
fn kept_digits(len: usize) -> usize {
    match len {
        14..=16 => 8,
        17.. => 6,
        _ => 0,
    }
}

/// The first `keep` characters of `number`, then one `x` per hidden character.
fn hidden(number: &str, keep: usize) -> String {
    number.char_indices().map(|(i, c)| if i < keep { c } else { 'x' }).collect()
}

/// A `+CNUM` reply line (or its echo): its numbers are phone numbers.
fn is_cnum_line(text: &str) -> bool {
    text.to_ascii_uppercase().contains("CNUM")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_imei_keeps_its_tac_and_its_length() {
        assert_eq!(redact("861000000123453"), "86100000xxxxxxx");
        assert_eq!(redact("+CGSN: \"861000000123453\""), "+CGSN: \"86100000xxxxxxx\"");
        assert_eq!(redact("IMEI: 86100000012345"), "IMEI: 86100000xxxxxx", "14 digits, without the check digit");
    }

    #[test]
    fn an_iccid_keeps_its_issuer_even_with_padding() {
        assert_eq!(redact("^ICCID: 89860012345678901234"), "^ICCID: 898600xxxxxxxxxxxxxx");
        assert_eq!(redact("+CCID: 8944500102198304826F"), "+CCID: 894450xxxxxxxxxxxxxF");
    }

    #[test]
    fn phone_numbers_on_a_cnum_line_are_hidden_whatever_their_length() {
        assert_eq!(redact("+CNUM: \"Me\",\"+491701234567\",145"), "+CNUM: \"Me\",\"+xxxxxxxxxxxx\",145");
        assert_eq!(redact("+CNUM: ,\"0612345\",129"), "+CNUM: ,\"xxxxxxx\",129");
        assert_eq!(redact("+CNUM: \"\"\",\"0612\",129"), "+CNUM: \"\"\",\"xxxx\",129", "a quote in the tag");
    }

    #[test]
    fn versions_sizes_addresses_and_digests_stay() {
        for kept in [
            "Writing 22.333.01.00.00 (1,000,000 bytes) at 0x50000000",
            "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "sha256 0123456789012345678901234567890123456789012345678901234567890abc",
            "AT+CGSN",
            "+CSQ: 17,99",
        ] {
            assert_eq!(redact(kept), kept);
        }
    }
}
