//! Storefront decisions, pure: commission rates and their protection, what a product form may
//! hold.

use crate::error::{AppError, Problem};

/// The highest commission a brand may offer: 80%.
pub const MAX_COMMISSION_BP: u32 = 8_000;
/// How long creators keep a rate after the brand lowers it.
pub const RATE_KEPT_SECS: i64 = 30 * 24 * 3600;
/// Choices (sizes, colours) per product, images per product.
pub const MAX_VARIANTS: usize = 12;
pub const MAX_IMAGES: usize = 8;
/// Product images one seller may keep over all their products: with `IMAGE_MAX_KIB`, at most
/// 2 GiB.
pub const IMAGES_PER_SELLER: i64 = 400;
/// Product images one seller may upload per hour.
#[cfg(feature = "ssr")]
pub const IMAGE_UPLOADS_PER_SELLER: crate::accounts::rules::RateLimit =
    crate::accounts::rules::RateLimit {
        limit: 60,
        window_secs: 60 * 60,
    };
/// The largest product image.
pub const IMAGE_MAX_KIB: u32 = 5 * 1024;
/// Units of one choice a seller may hold.
pub const MAX_STOCK: i64 = 1_000_000;

/// What a creator earns on a product now: the brand's rate, or the one they keep from before
/// it was lowered, whichever is higher (a raise applies at once).
pub fn effective_rate(current_bp: u32, kept: Option<(u32, i64)>, now: i64) -> u32 {
    match kept {
        Some((bp, until)) if until > now => bp.max(current_bp),
        _ => current_bp,
    }
}

/// What a promoter keeps when the brand changes a rate from `old_bp` (what they earned then)
/// to `new_bp`: the old rate for 30 days when it is lowered; nothing new when it is raised.
pub fn kept_after_change(earned_bp: u32, new_bp: u32, now: i64) -> Option<(u32, i64)> {
    (new_bp < earned_bp).then_some((earned_bp, now + RATE_KEPT_SECS))
}

/// The commission on `amount` at `bp`, rounded down to the cent.
pub fn commission(amount: i64, bp: u32) -> i64 {
    (i128::from(amount) * i128::from(bp) / 10_000) as i64
}

/// A commission rate typed as a percentage (`15`, `12.5 %`), within 0–80%.
pub fn parse_commission(field: &str, s: &str) -> Result<u32, AppError> {
    let bp = crate::market::types::parse_percentage(field, s)?
        .ok_or_else(|| AppError::invalid(field, Problem::Required))?;
    if bp > MAX_COMMISSION_BP {
        return Err(AppError::invalid(
            field,
            Problem::PercentageTooHigh {
                max_bp: MAX_COMMISSION_BP,
            },
        ));
    }
    Ok(bp)
}

/// A product's choices as the form sends them: rows of a name and a stock. Empty rows are
/// skipped; one row without a name is a product without choices.
pub fn parse_variants(names: &[String], stocks: &[String]) -> Result<Vec<(String, i64)>, AppError> {
    let mut variants: Vec<(String, i64)> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let name = name.trim();
        let stock = stocks.get(i).map_or("", |s| s.trim());
        if name.is_empty() && stock.is_empty() {
            continue;
        }
        let field = format!("variant_stock_{i}");
        let stock: i64 = match stock {
            "" => return Err(AppError::invalid(&field, Problem::Required)),
            s => s
                .parse()
                .ok()
                .filter(|n| (0..=MAX_STOCK).contains(n))
                .ok_or_else(|| AppError::invalid(&field, Problem::InvalidStock))?,
        };
        let name_field = format!("variant_name_{i}");
        if name.chars().count() > 40 {
            return Err(AppError::invalid(&name_field, Problem::TooLong { max: 40 }));
        }
        if variants.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            return Err(AppError::invalid(&name_field, Problem::Duplicate));
        }
        variants.push((name.to_owned(), stock));
    }
    match variants.as_slice() {
        [] => Err(AppError::invalid("variant_stock_0", Problem::Required)),
        [_] => Ok(variants),
        many if many.iter().any(|(n, _)| n.is_empty()) => Err(AppError::invalid(
            &format!(
                "variant_name_{}",
                variants.iter().position(|(n, _)| n.is_empty()).unwrap_or(0)
            ),
            Problem::Required,
        )),
        many if many.len() > MAX_VARIANTS => Err(AppError::invalid(
            "variant_name_0",
            Problem::TooMany {
                max: MAX_VARIANTS as u32,
            },
        )),
        _ => Ok(variants),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 24 * 3600;

    #[test]
    fn a_lowered_rate_is_kept_for_30_days_then_the_new_one_applies() {
        let kept = kept_after_change(1_500, 1_000, 0);
        assert_eq!(kept, Some((1_500, 30 * DAY)));
        assert_eq!(effective_rate(1_000, kept, 29 * DAY), 1_500);
        assert_eq!(effective_rate(1_000, kept, 30 * DAY), 1_000);
    }

    #[test]
    fn a_raise_applies_at_once_even_over_a_kept_rate() {
        assert_eq!(kept_after_change(1_000, 2_000, 0), None);
        assert_eq!(effective_rate(2_000, Some((1_500, 30 * DAY)), DAY), 2_000);
    }

    #[test]
    fn commission_rounds_down_to_the_cent() {
        assert_eq!(commission(2_999, 1_500), 449);
        assert_eq!(commission(10_000, 0), 0);
        // No overflow on the largest amounts.
        assert_eq!(commission(i64::MAX, 10_000), i64::MAX);
    }

    #[test]
    fn rates_over_80_percent_or_negative_are_refused() {
        assert_eq!(parse_commission("rate", "15").unwrap(), 1_500);
        assert_eq!(parse_commission("rate", "80 %").unwrap(), 8_000);
        assert!(parse_commission("rate", "80.01").is_err());
        assert!(parse_commission("rate", "-5").is_err());
        assert!(parse_commission("rate", "").is_err());
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn variants_parse_rows_and_refuse_negative_stock_and_duplicates() {
        assert_eq!(
            parse_variants(&strings(&["", ""]), &strings(&["12", ""])).unwrap(),
            vec![(String::new(), 12)]
        );
        assert_eq!(
            parse_variants(&strings(&["S", "M", ""]), &strings(&["3", "0", ""])).unwrap(),
            vec![("S".into(), 3), ("M".into(), 0)]
        );
        let field = |r: Result<_, AppError>| match r {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(parse_variants(&strings(&["S"]), &strings(&["-1"]))),
            "variant_stock_0"
        );
        assert_eq!(
            field(parse_variants(&strings(&["S", "s"]), &strings(&["1", "2"]))),
            "variant_name_1"
        );
        assert_eq!(
            field(parse_variants(&strings(&["S", ""]), &strings(&["1", "2"]))),
            "variant_name_1"
        );
        assert_eq!(
            field(parse_variants(&strings(&["", ""]), &strings(&["", ""]))),
            "variant_stock_0"
        );
    }
}
