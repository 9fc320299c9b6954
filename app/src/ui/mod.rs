//! Shared components: page layout, form fields, avatars and numbers.

pub mod avatar;
pub mod form;
pub mod layout;

/// An audience count as people read it: 950, 12.5k, 1.2M.
pub fn compact_number(n: u64) -> String {
    match n {
        0..=999 => n.to_string(),
        1_000..=999_999 => trim_decimal(n as f64 / 1_000.0, "k"),
        _ => trim_decimal(n as f64 / 1_000_000.0, "M"),
    }
}

fn trim_decimal(v: f64, unit: &str) -> String {
    if v >= 100.0 {
        format!("{v:.0}{unit}")
    } else {
        format!("{v:.1}{unit}").replace(".0", "")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn compact_numbers_read_naturally() {
        assert_eq!(super::compact_number(300), "300");
        assert_eq!(super::compact_number(4_200), "4.2k");
        assert_eq!(super::compact_number(18_000), "18k");
        assert_eq!(super::compact_number(300_000), "300k");
        assert_eq!(super::compact_number(1_260_000), "1.3M");
    }
}
