//! Live-event decisions, pure: the stage-slot state machine, what a slot charges when it ends,
//! the limits of what a host may offer, and when a fan may still cancel.

use super::types::{EventState, SlotState, SlotStep};
use crate::error::AppError;

/// The limits of what a host may offer.
pub const MAX_SLOTS: u32 = 100;
pub const SLOT_SECS: std::ops::RangeInclusive<u32> = 30..=1_800;
pub const MAX_SLOTS_PER_FAN: u32 = 10;
pub const MAX_CANCEL_CUTOFF_SECS: u32 = 7 * 24 * 3_600;
pub const NO_SHOW_SECS: std::ops::RangeInclusive<u32> = 15..=900;
pub const PLANNED_SECS: std::ops::RangeInclusive<u32> = 5 * 60..=12 * 3_600;
pub const MAX_DONATION_MESSAGE: u32 = 500;
/// A free extra minute on stage, at most this many times per slot.
pub const EXTENSION_SECS: u32 = 60;
pub const MAX_EXTENSIONS: u32 = 3;
/// An event still live this long after its planned end is ended by the clock, settling every
/// slot, so that no fan's money stays held by a host who forgot to press "end".
pub const OVERTIME_SECS: i64 = 6 * 3_600;

/// An event's cover image, at most this large.
pub const COVER_MAX_KIB: u32 = 5 * 1024;
/// Products a host may pin to an event: a short row, not a second shop.
pub const MAX_PINNED: usize = 4;

/// Who takes a step on a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Host,
    /// The fan who booked the slot.
    Fan,
    /// The workers' clock.
    Clock,
}

/// The state `step` by `by` leads a slot to from `from`, while its event is `event`; anything
/// else is refused with a clear error, never ignored.
pub fn next(
    from: SlotState,
    step: SlotStep,
    by: Actor,
    event: EventState,
) -> Result<SlotState, AppError> {
    use SlotState::*;
    use SlotStep as S;
    let live = event == EventState::Live;
    let host = by == Actor::Host;
    match (from, step) {
        (Queued, S::Call) if host && live => Ok(Backstage),
        (Backstage, S::Ready) if by == Actor::Fan && live => Ok(Ready),
        (Ready, S::OnStage) if host && live => Ok(OnStage),
        (OnStage, S::Extend) if host && live => Ok(OnStage),
        (OnStage, S::Finish) if host => Ok(Done),
        // Skipping a fan on stage takes them off without charge (a host who cuts a guest
        // short for their own reasons does not keep the money).
        (Queued | Backstage | Ready | OnStage, S::Skip) if host => Ok(Skipped),
        (Queued, S::Cancel) if by == Actor::Fan && event == EventState::Scheduled => Ok(Cancelled),
        (OnStage, S::TimeUp) if by == Actor::Clock => Ok(Done),
        (Backstage, S::NoShow) if by == Actor::Clock => Ok(NoShow),
        // An event that ends settles the slot on stage as done and refunds the rest.
        (OnStage, S::EventOver) if by == Actor::Clock => Ok(Done),
        (Queued | Backstage | Ready, S::EventOver) if by == Actor::Clock => Ok(Unplayed),
        (_, S::TimeUp | S::NoShow | S::EventOver) if by != Actor::Clock => Err(AppError::Forbidden),
        (_, S::Call | S::OnStage | S::Extend | S::Finish | S::Skip) if !host => {
            Err(AppError::Forbidden)
        }
        (_, S::Ready | S::Cancel) if by != Actor::Fan => Err(AppError::Forbidden),
        (Queued | Backstage | Ready | OnStage, S::Call | S::Ready | S::OnStage | S::Extend)
            if !live =>
        {
            Err(AppError::Conflict(format!(
                "the event is {}, not live",
                event.as_str()
            )))
        }
        _ => Err(AppError::Conflict(format!(
            "{step:?} is not possible on a stage slot that is {}",
            from.as_str()
        ))),
    }
}

/// What a slot that ends in `to` charges the fan, out of its `price`, after `on_stage` of its
/// `secs` seconds: the whole price when its time ran out, the share of the time they had when
/// the host or the end of the event cut it short, nothing when it never went on (the hold is
/// voided). Never more than the price.
pub fn charge(to: SlotState, step: SlotStep, price: i64, secs: u32, on_stage: i64) -> i64 {
    match (to, step) {
        (SlotState::Done, SlotStep::TimeUp) => price,
        (SlotState::Done, _) => {
            let had = on_stage.clamp(0, i64::from(secs.max(1)));
            (i128::from(price) * i128::from(had) / i128::from(secs.max(1))) as i64
        }
        _ => 0,
    }
}

/// Until when a fan may cancel a booking for an event starting at `starts_at`.
pub fn cancel_until(starts_at: i64, cutoff_secs: u32) -> i64 {
    starts_at - i64::from(cutoff_secs)
}

/// Whether fans may still book slots for an event that is `state`.
pub fn bookable(state: EventState) -> bool {
    matches!(state, EventState::Scheduled | EventState::Live)
}

/// Whether the fan may cancel their slot, `slot` of an event that is `event`, at `now`: the
/// step the state machine allows, before the slot's own cut-off.
pub fn may_cancel(slot: SlotState, event: EventState, cancel_until: i64, now: i64) -> bool {
    next(slot, SlotStep::Cancel, Actor::Fan, event).is_ok() && now <= cancel_until
}

/// What an event's page offers a viewer about booking a stage slot: exactly what booking would
/// accept, so that no button leads to a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingOffer {
    /// No slots to book: the event is over or offers none, or the viewer hosts it.
    Nothing,
    /// A slot can be booked.
    Book,
    /// Every slot is taken (by others: the viewer holds none).
    SoldOut,
    /// Every slot is taken and the viewer holds some of them.
    AllTakenWithYours,
    /// The viewer holds as many slots as one fan may (`max`).
    HoldingMost { max: u32 },
}

/// What the page offers a viewer who `hosting` or holds `held` open slots, with `left` of
/// `count` slots free at an event that is `state`, where one fan may hold `per_fan`.
pub fn booking_offer(
    state: EventState,
    hosting: bool,
    count: u32,
    left: u32,
    held: u32,
    per_fan: u32,
) -> BookingOffer {
    if hosting || count == 0 || !bookable(state) {
        BookingOffer::Nothing
    } else if left == 0 && held > 0 {
        BookingOffer::AllTakenWithYours
    } else if left == 0 {
        BookingOffer::SoldOut
    } else if held >= per_fan {
        BookingOffer::HoldingMost { max: per_fan }
    } else {
        BookingOffer::Book
    }
}

/// Whether an event starting at `starts_at` with a cut-off of `cutoff_secs` would let its fans
/// cancel at all, scheduled at `now`: a cut-off already past promises what it cannot keep.
pub fn cutoff_open(starts_at: i64, cutoff_secs: u32, now: i64) -> bool {
    cutoff_secs == 0 || cancel_until(starts_at, cutoff_secs) >= now
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use EventState::*;
    use SlotState::*;

    #[test]
    fn a_slot_goes_backstage_ready_on_stage_and_done() {
        assert_eq!(
            next(Queued, SlotStep::Call, Actor::Host, Live).unwrap(),
            Backstage
        );
        assert_eq!(
            next(Backstage, SlotStep::Ready, Actor::Fan, Live).unwrap(),
            Ready
        );
        assert_eq!(
            next(Ready, SlotStep::OnStage, Actor::Host, Live).unwrap(),
            OnStage
        );
        assert_eq!(
            next(OnStage, SlotStep::Extend, Actor::Host, Live).unwrap(),
            OnStage
        );
        assert_eq!(
            next(OnStage, SlotStep::TimeUp, Actor::Clock, Live).unwrap(),
            Done
        );
    }

    #[test]
    fn nobody_takes_another_ones_step() {
        assert_eq!(
            next(Queued, SlotStep::Call, Actor::Fan, Live),
            Err(AppError::Forbidden)
        );
        assert_eq!(
            next(Backstage, SlotStep::Ready, Actor::Host, Live),
            Err(AppError::Forbidden)
        );
        assert_eq!(
            next(Queued, SlotStep::Cancel, Actor::Host, Scheduled),
            Err(AppError::Forbidden)
        );
        assert!(next(OnStage, SlotStep::TimeUp, Actor::Host, Live).is_err());
    }

    #[test]
    fn nothing_goes_on_before_the_event_is_live() {
        assert!(matches!(
            next(Queued, SlotStep::Call, Actor::Host, Scheduled),
            Err(AppError::Conflict(_))
        ));
        assert!(next(Ready, SlotStep::OnStage, Actor::Host, Ended).is_err());
    }

    #[test]
    fn a_fan_cancels_only_a_queued_slot_before_the_start() {
        assert_eq!(
            next(Queued, SlotStep::Cancel, Actor::Fan, Scheduled).unwrap(),
            SlotState::Cancelled
        );
        assert!(next(Queued, SlotStep::Cancel, Actor::Fan, Live).is_err());
        assert!(next(Backstage, SlotStep::Cancel, Actor::Fan, Scheduled).is_err());
    }

    #[test]
    fn the_page_offers_cancelling_only_when_cancelling_works() {
        assert!(may_cancel(Queued, Scheduled, 100, 100));
        assert!(!may_cancel(Queued, Scheduled, 100, 101));
        assert!(!may_cancel(Queued, Live, 100, 50));
        assert!(!may_cancel(Backstage, Live, 100, 50));
        assert!(!may_cancel(SlotState::Cancelled, Scheduled, 100, 50));
    }

    #[test]
    fn the_page_offers_booking_only_when_booking_works() {
        use BookingOffer::*;
        assert_eq!(booking_offer(Scheduled, false, 5, 2, 0, 1), Book);
        assert_eq!(booking_offer(Live, false, 5, 2, 1, 2), Book);
        assert_eq!(
            booking_offer(Scheduled, false, 5, 2, 1, 1),
            HoldingMost { max: 1 }
        );
        assert_eq!(booking_offer(Scheduled, false, 5, 0, 0, 1), SoldOut);
        assert_eq!(
            booking_offer(Scheduled, false, 5, 0, 1, 1),
            AllTakenWithYours
        );
        assert_eq!(booking_offer(Scheduled, true, 5, 2, 0, 1), Nothing);
        assert_eq!(booking_offer(Ended, false, 5, 2, 0, 1), Nothing);
        assert_eq!(booking_offer(Scheduled, false, 0, 0, 0, 1), Nothing);
    }

    #[test]
    fn a_cut_off_already_past_is_no_promise() {
        assert!(cutoff_open(10_000, 3_600, 0));
        assert!(cutoff_open(10_000, 3_600, 6_400));
        assert!(!cutoff_open(10_000, 3_600, 6_401));
        assert!(!cutoff_open(10_000, 3_600, 7_000));
        // No cut-off: fans may cancel until the start.
        assert!(cutoff_open(10_000, 0, 9_999));
    }

    #[test]
    fn the_end_of_the_event_settles_every_open_slot() {
        for &from in SlotState::ALL {
            let to = next(from, SlotStep::EventOver, Actor::Clock, Live);
            match from {
                OnStage => assert_eq!(to.unwrap(), Done),
                Queued | Backstage | Ready => assert_eq!(to.unwrap(), Unplayed),
                _ => assert!(to.is_err(), "{from:?} was already settled"),
            }
        }
    }

    #[test]
    fn a_slot_cut_short_charges_the_time_it_had() {
        assert_eq!(charge(Done, SlotStep::TimeUp, 1_500, 120, 10), 1_500);
        assert_eq!(charge(Done, SlotStep::Finish, 1_500, 120, 60), 750);
        assert_eq!(charge(Done, SlotStep::EventOver, 1_500, 120, 0), 0);
        assert_eq!(charge(Done, SlotStep::Finish, 1_500, 120, 500), 1_500);
        assert_eq!(charge(Skipped, SlotStep::Skip, 1_500, 120, 0), 0);
        assert_eq!(charge(Unplayed, SlotStep::EventOver, 1_500, 120, 0), 0);
    }

    fn any_step() -> impl Strategy<Value = SlotStep> {
        prop::sample::select(vec![
            SlotStep::Call,
            SlotStep::Ready,
            SlotStep::OnStage,
            SlotStep::Extend,
            SlotStep::Finish,
            SlotStep::Skip,
            SlotStep::Cancel,
            SlotStep::TimeUp,
            SlotStep::NoShow,
            SlotStep::EventOver,
        ])
    }

    proptest! {
        /// Whatever happens, a settled slot never changes again, and a slot charges at most its
        /// price and only when it is done.
        #[test]
        fn settled_slots_stay_settled_and_charge_at_most_their_price(
            steps in prop::collection::vec((any_step(), 0..3u8), 0..30),
            price in 0..1_000_000i64,
            secs in 30..1_800u32,
            on_stage in -10..4_000i64,
        ) {
            let mut state = Queued;
            for (step, who) in steps {
                let by = [Actor::Host, Actor::Fan, Actor::Clock][who as usize];
                if let Ok(to) = next(state, step, by, Live) {
                    prop_assert!(state.is_open(), "{state:?} changed to {to:?}");
                    let charged = charge(to, step, price, secs, on_stage);
                    prop_assert!((0..=price).contains(&charged));
                    if to != Done {
                        prop_assert_eq!(charged, 0);
                    }
                    state = to;
                }
            }
        }
    }
}
