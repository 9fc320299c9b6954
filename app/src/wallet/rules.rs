//! Wallet limits, and the card processor's fee.

use crate::ledger::types::Currency;

/// Top-up amounts offered as one click, in cents.
pub const TOP_UP_PRESETS: [i64; 4] = [1_000, 2_000, 5_000, 10_000];
/// The smallest and largest top-up, in cents: below 5 € the processor's fixed fee weighs too
/// much; above 1,000 € a fan should talk to us first.
pub const TOP_UP_MIN: i64 = 500;
/// Top-ups one person may start per hour: each opens a checkout at the processor, and card
/// testing (many small charges with stolen numbers) is what an unlimited form invites.
#[cfg(feature = "ssr")]
pub const TOP_UPS_PER_USER: crate::accounts::rules::RateLimit = crate::accounts::rules::RateLimit {
    limit: 20,
    window_secs: 60 * 60,
};
pub const TOP_UP_MAX: i64 = 100_000;

/// The processor's fee: a share of the amount plus a fixed part. The share is below 100% by
/// construction: at 100% no charge would leave anything, and [`FeeSchedule::gross_for`] would
/// search for one forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeeSchedule {
    /// Hundredths of a percent: 150 is 1.5%.
    basis_points: i64,
    fixed_minor: i64,
}

impl FeeSchedule {
    pub const DEFAULT: Self = Self {
        basis_points: 150,
        fixed_minor: 25,
    };

    /// A share of `basis_points` hundredths of a percent plus `fixed_minor`; `None` unless the
    /// share is from 0 to below 100% and the fixed part not negative.
    pub const fn new(basis_points: i64, fixed_minor: i64) -> Option<Self> {
        if basis_points < 0 || basis_points >= 10_000 || fixed_minor < 0 {
            return None;
        }
        Some(Self {
            basis_points,
            fixed_minor,
        })
    }

    /// Reads `1.5%+0.25` (a percentage below 100, then a fixed amount in major units).
    pub fn parse(s: &str) -> Option<Self> {
        let (percent, fixed) = s.split_once("%+")?;
        let basis_points = crate::ledger::rules::parse_amount(percent, Currency::Eur, 0, 10_000)
            .ok()?
            .minor;
        let fixed_minor = crate::ledger::rules::parse_amount(fixed, Currency::Eur, 0, 10_000)
            .ok()?
            .minor;
        Self::new(basis_points, fixed_minor)
    }

    /// The fee on `amount`, rounded half up, never more than the amount.
    pub fn fee(self, amount: i64) -> i64 {
        let share = (amount * self.basis_points + 5_000) / 10_000;
        (share + self.fixed_minor).min(amount)
    }

    /// The smallest charge that leaves at least `net` once this fee is taken.
    pub fn gross_for(self, net: i64) -> i64 {
        if net <= 0 {
            return 0;
        }
        let rate = 10_000 - self.basis_points;
        // A close guess, then up or down by the cent to the exact answer.
        let mut gross = ((net + self.fixed_minor) * 10_000 + rate - 1) / rate;
        while gross - self.fee(gross) < net {
            gross += 1;
        }
        while gross > net && gross - 1 - self.fee(gross - 1) >= net {
            gross -= 1;
        }
        gross
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fees_round_half_up_and_never_exceed_the_amount() {
        let fee = FeeSchedule::DEFAULT;
        assert_eq!(fee.fee(2_000), 55, "1.5% of 20 € is 0.30 €, plus 0.25 €");
        assert_eq!(fee.fee(1_001), 40, "15.015 cents round to 15");
        assert_eq!(fee.fee(10), 10);
        assert_eq!(
            FeeSchedule::parse("2.9%+0.30"),
            Some(FeeSchedule {
                basis_points: 290,
                fixed_minor: 30
            })
        );
        assert_eq!(
            FeeSchedule::parse("0%+0"),
            Some(FeeSchedule {
                basis_points: 0,
                fixed_minor: 0
            })
        );
        assert_eq!(FeeSchedule::parse("lots"), None);
    }

    #[test]
    fn a_fee_of_everything_is_refused_and_a_fee_just_below_still_grosses_up() {
        assert_eq!(FeeSchedule::parse("100%+0"), None);
        assert_eq!(FeeSchedule::parse("100%+0.25"), None);
        assert_eq!(FeeSchedule::new(10_000, 0), None);
        assert_eq!(FeeSchedule::new(-1, 0), None);
        assert_eq!(FeeSchedule::new(150, -1), None);
        let steep = FeeSchedule::parse("99.99%+0.25").unwrap();
        for net in [1, 500, 100_000] {
            let gross = steep.gross_for(net);
            assert!(gross - steep.fee(gross) >= net, "{net}");
        }
    }

    #[test]
    fn a_gross_charge_leaves_exactly_what_is_needed_after_the_fee() {
        let fee = FeeSchedule::DEFAULT;
        for net in [1, 99, 500, 1_945, 12_345, 100_000] {
            let gross = fee.gross_for(net);
            assert!(gross - fee.fee(gross) >= net, "{net}");
            assert!(
                gross - 1 - fee.fee(gross - 1) < net,
                "{net}: the smallest such charge"
            );
        }
        assert_eq!(fee.gross_for(1_945), 2_000);
        assert_eq!(fee.gross_for(0), 0);
    }
}
