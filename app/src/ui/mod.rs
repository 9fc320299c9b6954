//! Shared components: page layout, form fields, avatars, pictures and numbers.

pub mod avatar;
pub mod chart;
pub mod date;
pub mod flash;
pub mod form;
pub mod icon;
pub mod layout;
pub mod money;
pub mod movements;
pub mod picture;
pub mod raw_text;
pub mod share;
pub mod upload;
pub mod zone;

use crate::i18n::Locale;

/// An audience count as people of `locale` read it: 950, 12.5k, 1.3M in English; 950,
/// 12,5 k, 1,3 M in French.
pub fn compact_number(n: u64, locale: Locale) -> String {
    let (decimal, space) = match locale {
        Locale::en => ('.', ""),
        // A narrow no-break space keeps "12,5 k" on one line.
        Locale::fr => (',', "\u{202f}"),
    };
    if n < 1_000 {
        return n.to_string();
    }
    // Rounded to one decimal in integer arithmetic; 999,960 is read 1M, not 1000k.
    let (unit, suffix) = if (n + 50) / 100 < 10_000 {
        (1_000, "k")
    } else {
        (1_000_000, "M")
    };
    let tenths = (n * 10 + unit / 2) / unit;
    let number = if tenths >= 1_000 || tenths.is_multiple_of(10) {
        ((n + unit / 2) / unit).to_string()
    } else {
        format!("{}{decimal}{}", tenths / 10, tenths % 10)
    };
    format!("{number}{space}{suffix}")
}

/// Whether `n` takes the singular in `locale`: only 1 in English, 0 and 1 in French.
pub fn is_singular(n: u64, locale: Locale) -> bool {
    match locale {
        Locale::en => n == 1,
        Locale::fr => n <= 1,
    }
}

#[cfg(test)]
mod tests {
    use super::{compact_number, is_singular};
    use crate::i18n::Locale;

    #[test]
    fn compact_numbers_read_naturally_in_english() {
        for (n, text) in [
            (0, "0"),
            (300, "300"),
            (999, "999"),
            (1_000, "1k"),
            (4_200, "4.2k"),
            (12_549, "12.5k"),
            (18_000, "18k"),
            (99_960, "100k"),
            (300_000, "300k"),
            (999_499, "999k"),
            (999_960, "1M"),
            (1_260_000, "1.3M"),
            (250_000_000, "250M"),
        ] {
            assert_eq!(compact_number(n, Locale::en), text, "{n}");
        }
    }

    #[test]
    fn compact_numbers_use_french_separators() {
        assert_eq!(compact_number(950, Locale::fr), "950");
        assert_eq!(compact_number(12_500, Locale::fr), "12,5\u{202f}k");
        assert_eq!(compact_number(1_260_000, Locale::fr), "1,3\u{202f}M");
    }

    #[test]
    fn zero_is_singular_in_french_only() {
        assert!(!is_singular(0, Locale::en) && is_singular(0, Locale::fr));
        assert!(is_singular(1, Locale::en) && is_singular(1, Locale::fr));
        assert!(!is_singular(2, Locale::en) && !is_singular(2, Locale::fr));
    }
}
