//! Order decisions, pure: the state machine, and how a refund shares out between the seller
//! and the creator's commission.

use super::types::{OrderState, OrderStep};
use crate::error::AppError;

/// How long a checkout holds its stock for a payment, unless configured
/// (`TREMPLIN_CHECKOUT_MINUTES`).
pub const RESERVATION_SECS: i64 = 15 * 60;
/// How long after delivery a buyer may return, and the commission waits, unless configured
/// (`TREMPLIN_RETURN_DAYS`).
pub const RETURN_WINDOW_SECS: i64 = 14 * 24 * 3600;
/// How long a click on an affiliate link attributes sales to its creator.
pub const ATTRIBUTION_SECS: i64 = 30 * 24 * 3600;
/// Units of one choice in one cart, and lines in one cart.
pub const MAX_QUANTITY: u32 = 99;
pub const MAX_LINES: usize = 50;

/// The state `step` leads to from `from`, or why not.
pub fn next(from: OrderState, step: OrderStep) -> Result<OrderState, AppError> {
    use OrderState::*;
    use OrderStep::*;
    match (from, step) {
        (Pending, Pay) => Ok(Paid),
        (Pending, Expire) => Ok(Expired),
        (Paid, Ship) => Ok(Shipped),
        (Shipped, Deliver) => Ok(Delivered),
        (Paid | Shipped | Delivered, RefundPart) => Ok(from),
        (Paid | Shipped | Delivered, RefundAll) => Ok(Refunded),
        (from, step) => Err(AppError::Conflict(format!(
            "{step:?} is not possible on an order that is {}",
            from.as_str()
        ))),
    }
}

/// The part of the commission a refund of `amount` takes back, when `refunded` of `total` was
/// refunded before: the commission shrinks in proportion to what is kept, rounded so that
/// refunding everything, in any number of parts, takes back exactly all of it.
pub fn clawback(commission: i64, total: i64, refunded: i64, amount: i64) -> i64 {
    let share = |refunded: i64| {
        (i128::from(commission) * i128::from(refunded) / i128::from(total.max(1))) as i64
    };
    share(refunded + amount) - share(refunded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_order_goes_paid_shipped_delivered_and_nothing_skips_a_step() {
        use OrderState::*;
        use OrderStep::*;
        assert_eq!(next(Pending, Pay).unwrap(), Paid);
        assert_eq!(next(Paid, Ship).unwrap(), Shipped);
        assert_eq!(next(Shipped, Deliver).unwrap(), Delivered);
        assert!(next(Paid, Deliver).is_err());
        assert!(next(Pending, Ship).is_err());
        assert!(next(Pending, RefundAll).is_err());
        assert!(next(Expired, Pay).is_err());
        assert!(next(Refunded, RefundPart).is_err());
        assert_eq!(next(Delivered, RefundAll).unwrap(), Refunded);
    }

    #[test]
    fn a_full_refund_takes_back_the_whole_commission() {
        assert_eq!(clawback(450, 3_000, 0, 3_000), 450);
        assert_eq!(clawback(450, 3_000, 0, 1_000), 150);
        assert_eq!(clawback(0, 3_000, 0, 3_000), 0);
    }

    proptest! {
        #[test]
        fn refunds_in_parts_take_back_exactly_the_commission(
            total in 1i64..1_000_000,
            rate in 0i64..=8_000,
            cuts in proptest::collection::vec(1i64..1_000_000, 0..6),
        ) {
            let commission = total * rate / 10_000;
            let mut points: Vec<i64> = cuts.into_iter().map(|c| c % total).collect();
            points.push(total);
            points.sort();
            let (mut refunded, mut clawed) = (0, 0);
            for p in points {
                let part = clawback(commission, total, refunded, p - refunded);
                prop_assert!(part >= 0 && part <= p - refunded);
                clawed += part;
                refunded = p;
            }
            prop_assert_eq!(clawed, commission);
        }
    }
}
