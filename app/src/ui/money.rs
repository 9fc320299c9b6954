//! Money as people of each language write it: `€1,234.50` in English, `1 234,50 €` in French.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Locale};
use crate::ledger::types::{Currency, Money};

/// The decimal separator of `locale`.
fn decimal_separator(locale: Locale) -> char {
    match locale {
        Locale::en => '.',
        Locale::fr => ',',
    }
}

/// `12.50` (`12,50` in French): an amount as typed into a field, without symbol or grouping.
pub fn format_amount_input(money: Money, locale: Locale) -> String {
    let per_major = money.currency.minor_per_major().unsigned_abs();
    let magnitude = money.minor.unsigned_abs();
    let sign = if money.minor < 0 { "-" } else { "" };
    let decimal = decimal_separator(locale);
    format!(
        "{sign}{}{decimal}{:02}",
        magnitude / per_major,
        magnitude % per_major
    )
}

fn symbol(currency: Currency) -> &'static str {
    match currency {
        Currency::Eur => "€",
    }
}

/// `€1.2k` or `1,2 k €`: whole units in short, for charts where space is scarce.
pub fn format_money_short(money: Money, locale: Locale) -> String {
    let major = money.minor.max(0) as u64 / money.currency.minor_per_major() as u64;
    let number = crate::ui::compact_number(major, locale);
    let symbol = symbol(money.currency);
    match locale {
        Locale::en => format!("{symbol}{number}"),
        Locale::fr => format!("{number}\u{a0}{symbol}"),
    }
}

/// Formats `money` with its currency symbol, two decimals and grouped thousands.
pub fn format_money(money: Money, locale: Locale) -> String {
    let symbol = symbol(money.currency);
    let per_major = money.currency.minor_per_major();
    let magnitude = money.minor.unsigned_abs();
    let (major, minor) = (magnitude / per_major as u64, magnitude % per_major as u64);
    let sign = if money.minor < 0 { "-" } else { "" };
    let decimal = decimal_separator(locale);
    let group = match locale {
        Locale::en => ",",
        // Narrow no-break spaces: the amount never wraps inside itself.
        Locale::fr => "\u{202f}",
    };
    let digits = major.to_string();
    let mut grouped = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push_str(group);
        }
        grouped.push(d);
    }
    match locale {
        Locale::en => format!("{sign}{symbol}{grouped}{decimal}{minor:02}"),
        Locale::fr => format!("{sign}{grouped}{decimal}{minor:02}\u{a0}{symbol}"),
    }
}

/// An amount in the reader's language.
#[component]
pub fn Amount(money: Money) -> impl IntoView {
    let i18n = use_i18n();
    view! { <span class="amount">{move || format_money(money, i18n.get_locale())}</span> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_amounts_put_the_symbol_where_each_language_does() {
        assert_eq!(format_money_short(Money::eur(125_099), Locale::en), "€1.3k");
        assert_eq!(
            format_money_short(Money::eur(125_099), Locale::fr),
            "1,3\u{202f}k\u{a0}€"
        );
        assert_eq!(format_money_short(Money::eur(9_000), Locale::en), "€90");
    }

    #[test]
    fn amounts_for_fields_use_the_decimal_separator_only() {
        assert_eq!(
            format_amount_input(Money::eur(123_450), Locale::en),
            "1234.50"
        );
        assert_eq!(
            format_amount_input(Money::eur(123_450), Locale::fr),
            "1234,50"
        );
        assert_eq!(
            format_amount_input(Money::eur(-2_505), Locale::en),
            "-25.05"
        );
    }

    #[test]
    fn amounts_read_naturally_in_each_language() {
        for (minor, en, fr) in [
            (1_500, "€15.00", "15,00\u{a0}€"),
            (5, "€0.05", "0,05\u{a0}€"),
            (
                123_456_789,
                "€1,234,567.89",
                "1\u{202f}234\u{202f}567,89\u{a0}€",
            ),
            (-2_550, "-€25.50", "-25,50\u{a0}€"),
            (0, "€0.00", "0,00\u{a0}€"),
        ] {
            assert_eq!(format_money(Money::eur(minor), Locale::en), en);
            assert_eq!(format_money(Money::eur(minor), Locale::fr), fr);
        }
    }
}
