//! Lists of ledger movements (wallet history, earnings) and the period filter above them.

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_router::hooks::use_query_map;

use crate::i18n::*;
use crate::ledger::types::{Money, Movement, TransferKind, TransferState};
use crate::ui::date::format_date_time;
use crate::ui::money::Amount;

/// What a kind of movement is called.
pub fn kind_label(i18n: I18nContext<Locale>, kind: TransferKind) -> String {
    match kind {
        TransferKind::TopUp => t_string!(i18n, kinds.top_up),
        TransferKind::ProcessorFee => t_string!(i18n, kinds.processor_fee),
        TransferKind::Refund => t_string!(i18n, kinds.refund),
        TransferKind::Payout => t_string!(i18n, kinds.payout),
        TransferKind::PayoutReturned => t_string!(i18n, kinds.payout_returned),
        TransferKind::Purchase => t_string!(i18n, kinds.purchase),
        TransferKind::Escrow => t_string!(i18n, kinds.escrow),
        TransferKind::Commission => t_string!(i18n, kinds.commission),
        TransferKind::Clawback => t_string!(i18n, kinds.clawback),
        TransferKind::Gift => t_string!(i18n, kinds.gift),
        TransferKind::Donation => t_string!(i18n, kinds.donation),
        TransferKind::StageSlot => t_string!(i18n, kinds.stage_slot),
    }
    .to_string()
}

/// What a line of someone's money history is, told from their side: the same ledger kind
/// reads "Purchase" to the buyer and "Sale" to the seller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    TopUp,
    CardFee,
    Refund,
    RefundGiven,
    Payout,
    PayoutReturned,
    Purchase,
    Sale,
    EscrowFunded,
    DealPaid,
    Commission,
    CommissionReturned,
    GiftSent,
    GiftReceived,
    DonationSent,
    DonationReceived,
    SlotBooked,
    SlotSold,
}

impl LineKind {
    /// What a movement of `kind` is to the person it came `incoming` to (or went out from).
    pub fn of(kind: TransferKind, incoming: bool) -> Self {
        use TransferKind as K;
        match (kind, incoming) {
            (K::TopUp, _) => Self::TopUp,
            (K::ProcessorFee, _) => Self::CardFee,
            (K::Refund | K::Clawback, true) => Self::Refund,
            (K::Refund, false) => Self::RefundGiven,
            (K::Payout, _) => Self::Payout,
            (K::PayoutReturned, _) => Self::PayoutReturned,
            // A buyer pays the shop and the creator who sent them in one price.
            (K::Purchase | K::Commission, false) => Self::Purchase,
            (K::Purchase, true) => Self::Sale,
            (K::Escrow, false) => Self::EscrowFunded,
            (K::Escrow, true) => Self::DealPaid,
            (K::Commission, true) => Self::Commission,
            (K::Clawback, false) => Self::CommissionReturned,
            (K::Gift, false) => Self::GiftSent,
            (K::Gift, true) => Self::GiftReceived,
            (K::Donation, false) => Self::DonationSent,
            (K::Donation, true) => Self::DonationReceived,
            (K::StageSlot, false) => Self::SlotBooked,
            (K::StageSlot, true) => Self::SlotSold,
        }
    }
}

/// One line of someone's money history: the movements of one purchase, one refund or one
/// payment, added up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub at: i64,
    pub kind: LineKind,
    /// Positive when money came in, negative when it went out.
    pub amount: Money,
    pub state: TransferState,
    pub cause: String,
}

/// The lines a person reads for their `movements` (newest first): a buyer's purchase with the
/// creator's commission in it is one purchase of the whole price, and a refund is one refund of
/// the whole amount, however the ledger split them (a commission still held is voided and held
/// again for what remains, rather than paid back).
pub fn lines(movements: &[Movement]) -> Vec<Line> {
    let refunds: std::collections::HashSet<(&str, i64)> = movements
        .iter()
        .filter(|m| m.kind == TransferKind::Refund && m.amount.minor > 0)
        .map(|m| (m.cause.as_str(), m.at))
        .collect();
    let mut parts: Vec<Line> = Vec::new();
    for m in movements {
        let incoming = m.amount.minor >= 0;
        let paid_commission = m.kind == TransferKind::Commission && !incoming;
        let kind = if paid_commission && refunds.contains(&(m.cause.as_str(), m.at)) {
            // Held again after a partial refund, in its transaction: it lessens that refund.
            LineKind::Refund
        } else {
            LineKind::of(m.kind, incoming)
        };
        let state = if paid_commission {
            // The buyer paid it with the purchase; what happens to it later is the refund's.
            TransferState::Posted
        } else {
            m.state
        };
        if paid_commission && m.state == TransferState::Voided {
            if let Some(at) = m.resolved_at {
                parts.push(Line {
                    at,
                    kind: LineKind::Refund,
                    amount: Money::new(-m.amount.minor, m.amount.currency),
                    state: TransferState::Posted,
                    cause: m.cause.clone(),
                });
            }
        }
        parts.push(Line {
            at: m.at,
            kind,
            amount: m.amount,
            state,
            cause: m.cause.clone(),
        });
    }
    // Newest first, each purchase or refund once.
    parts.sort_by_key(|p| std::cmp::Reverse(p.at));
    let mut lines: Vec<Line> = Vec::new();
    for part in parts {
        let same = |l: &Line| {
            l.at == part.at
                && l.kind == part.kind
                && l.cause == part.cause
                && l.state == part.state
                && matches!(part.kind, LineKind::Purchase | LineKind::Refund)
        };
        match lines.iter_mut().find(|l| same(l)) {
            Some(line) => line.amount.minor += part.amount.minor,
            None => lines.push(part),
        }
    }
    lines
}

/// Movements, newest first, told as lines from the reader's side, or `empty` when there are
/// none.
#[component]
pub fn MovementList(movements: Vec<Movement>, empty: Signal<String>) -> impl IntoView {
    if movements.is_empty() {
        return view! { <p class="muted">{empty}</p> }.into_any();
    }
    view! {
        <ul class="history">
            {lines(&movements).into_iter().map(|line| view! { <MovementLine line /> }).collect_view()}
        </ul>
    }
    .into_any()
}

/// What a line is called to the person reading it.
pub fn line_label(i18n: I18nContext<Locale>, kind: LineKind) -> String {
    use LineKind as L;
    match kind {
        L::TopUp => t_string!(i18n, lines.top_up),
        L::CardFee => t_string!(i18n, lines.card_fee),
        L::Refund => t_string!(i18n, lines.refund),
        L::RefundGiven => t_string!(i18n, lines.refund_given),
        L::Payout => t_string!(i18n, lines.payout),
        L::PayoutReturned => t_string!(i18n, lines.payout_returned),
        L::Purchase => t_string!(i18n, lines.purchase),
        L::Sale => t_string!(i18n, lines.sale),
        L::EscrowFunded => t_string!(i18n, lines.escrow_funded),
        L::DealPaid => t_string!(i18n, lines.deal_paid),
        L::Commission => t_string!(i18n, lines.commission),
        L::CommissionReturned => t_string!(i18n, lines.commission_returned),
        L::GiftSent => t_string!(i18n, lines.gift_sent),
        L::GiftReceived => t_string!(i18n, lines.gift_received),
        L::DonationSent => t_string!(i18n, lines.donation_sent),
        L::DonationReceived => t_string!(i18n, lines.donation_received),
        L::SlotBooked => t_string!(i18n, lines.slot_booked),
        L::SlotSold => t_string!(i18n, lines.slot_sold),
    }
    .to_string()
}

#[component]
fn MovementLine(line: Line) -> impl IntoView {
    let i18n = use_i18n();
    let (at, kind, state) = (line.at, line.kind, line.state);
    let incoming = line.amount.minor >= 0;
    let receipt = line.cause.strip_prefix("payment:").map(str::to_owned);
    // Money held is the payer's still-blocked sum or the payee's income to come; a voided hold
    // moved nothing, so it is neither green nor counted.
    let class = match (state, incoming) {
        (TransferState::Voided, _) => "amount-void",
        (_, true) => "amount-in",
        (_, false) => "amount-out",
    };
    view! {
        <li class="history-line">
            <div>
                <p class="history-kind">{move || line_label(i18n, kind)}</p>
                <p class="muted small">{move || format_date_time(at, i18n.get_locale())}
                    {(state != TransferState::Posted).then(|| view! {
                        " · " <span class="badge">{move || match (state, incoming) {
                            (TransferState::Pending, true) => t_string!(i18n, lines.to_come).to_string(),
                            (TransferState::Pending, false) => t_string!(i18n, lines.held).to_string(),
                            _ => t_string!(i18n, lines.not_charged).to_string(),
                        }}</span>
                    })}
                </p>
            </div>
            <div class="history-amount">
                <span class=class>
                    {if incoming { "+" } else { "" }}<Amount money=line.amount />
                </span>
                {receipt.map(|id| view! {
                    <a href=format!("/wallet/receipts/{id}") class="small">{t!(i18n, wallet.receipt)}</a>
                })}
            </div>
        </li>
    }
}

/// A plain GET form choosing the days shown (both included), keeping the page's other query
/// parameters; it works without JavaScript, and the router picks it up when hydrated.
#[component]
pub fn PeriodFilter(
    /// The page's path.
    action: &'static str,
    /// Other query parameters to keep, such as the kind filter.
    #[prop(optional)]
    keep: &'static [&'static str],
) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let value = move |name: &str| query.read().get(name).unwrap_or_default();
    let has_period = move || !value("from").is_empty() || !value("to").is_empty();
    view! {
        <form method="get" action=action class="period">
            {keep.iter().map(|name| {
                let name = *name;
                move || {
                    let v = value(name);
                    (!v.is_empty()).then(|| view! { <input type="hidden" name=name value=v /> })
                }
            }).collect_view()}
            <label>
                <span>{t!(i18n, period.from)}</span>
                <input type="date" name="from" prop:value=move || value("from") />
            </label>
            <label>
                <span>{t!(i18n, period.to)}</span>
                <input type="date" name="to" prop:value=move || value("to") />
            </label>
            <button type="submit" class="btn btn-ghost btn-sm">{t!(i18n, period.show)}</button>
            {move || has_period().then(|| view! {
                <a href=action class="small">{t!(i18n, period.all_time)}</a>
            })}
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::types::Currency;
    use LineKind as L;
    use TransferKind as K;

    fn moved(at: i64, kind: K, minor: i64, state: TransferState, cause: &str) -> Movement {
        Movement {
            at,
            kind,
            amount: Money::new(minor, Currency::Eur),
            state,
            cause: cause.into(),
            resolved_at: None,
        }
    }

    #[test]
    fn each_kind_reads_from_the_side_of_whoever_reads_it() {
        // A fan.
        assert_eq!(LineKind::of(K::TopUp, true), L::TopUp);
        assert_eq!(LineKind::of(K::Purchase, false), L::Purchase);
        assert_eq!(LineKind::of(K::Commission, false), L::Purchase);
        assert_eq!(LineKind::of(K::Refund, true), L::Refund);
        assert_eq!(LineKind::of(K::Clawback, true), L::Refund);
        assert_eq!(LineKind::of(K::Gift, false), L::GiftSent);
        assert_eq!(LineKind::of(K::Donation, false), L::DonationSent);
        assert_eq!(LineKind::of(K::StageSlot, false), L::SlotBooked);
        assert_eq!(LineKind::of(K::ProcessorFee, false), L::CardFee);
        // A creator.
        assert_eq!(LineKind::of(K::Purchase, true), L::Sale);
        assert_eq!(LineKind::of(K::Commission, true), L::Commission);
        assert_eq!(LineKind::of(K::Clawback, false), L::CommissionReturned);
        assert_eq!(LineKind::of(K::Refund, false), L::RefundGiven);
        assert_eq!(LineKind::of(K::Gift, true), L::GiftReceived);
        assert_eq!(LineKind::of(K::Donation, true), L::DonationReceived);
        assert_eq!(LineKind::of(K::StageSlot, true), L::SlotSold);
        assert_eq!(LineKind::of(K::Escrow, true), L::DealPaid);
        assert_eq!(LineKind::of(K::Payout, false), L::Payout);
        assert_eq!(LineKind::of(K::PayoutReturned, true), L::PayoutReturned);
        // A brand.
        assert_eq!(LineKind::of(K::Escrow, false), L::EscrowFunded);
    }

    #[test]
    fn a_purchase_with_its_commission_is_one_line_of_the_whole_price() {
        let history = [
            moved(10, K::Commission, -225, TransferState::Pending, "order:A"),
            moved(10, K::Purchase, -1_275, TransferState::Posted, "order:A"),
            moved(5, K::TopUp, 5_000, TransferState::Posted, "payment:x"),
        ];
        let told = lines(&history);
        assert_eq!(told.len(), 2);
        assert_eq!((told[0].kind, told[0].amount.minor), (L::Purchase, -1_500));
        assert_eq!(told[0].state, TransferState::Posted);
        assert_eq!((told[1].kind, told[1].amount.minor), (L::TopUp, 5_000));
    }

    #[test]
    fn a_refund_is_one_line_of_the_whole_amount_however_the_commission_stood() {
        // Refunded in full while the commission was held: the hold is voided.
        let mut held = moved(10, K::Commission, -225, TransferState::Voided, "order:A");
        held.resolved_at = Some(20);
        let history = [
            moved(20, K::Refund, 1_275, TransferState::Posted, "order:A"),
            held,
            moved(10, K::Purchase, -1_275, TransferState::Posted, "order:A"),
        ];
        let told = lines(&history);
        assert_eq!(told.len(), 2, "{told:?}");
        assert_eq!((told[0].kind, told[0].amount.minor), (L::Refund, 1_500));
        assert_eq!((told[1].kind, told[1].amount.minor), (L::Purchase, -1_500));

        // Refunded in part: the hold is voided and held again for what remains.
        let mut held = moved(10, K::Commission, -300, TransferState::Voided, "order:B");
        held.resolved_at = Some(20);
        let history = [
            moved(20, K::Refund, 850, TransferState::Posted, "order:B"),
            moved(20, K::Commission, -150, TransferState::Pending, "order:B"),
            held,
            moved(10, K::Purchase, -1_700, TransferState::Posted, "order:B"),
        ];
        let told = lines(&history);
        assert_eq!((told[0].kind, told[0].amount.minor), (L::Refund, 1_000));
        assert_eq!((told[1].kind, told[1].amount.minor), (L::Purchase, -2_000));

        // After the commission was released: the seller and the creator each pay back part.
        let history = [
            moved(30, K::Clawback, 300, TransferState::Posted, "order:C"),
            moved(30, K::Refund, 1_700, TransferState::Posted, "order:C"),
        ];
        assert_eq!(lines_of(&history), vec![(L::Refund, 2_000)]);
    }

    #[test]
    fn a_commission_whose_purchase_is_off_the_page_is_still_a_purchase() {
        let history = [moved(
            10,
            K::Commission,
            -225,
            TransferState::Pending,
            "order:A",
        )];
        assert_eq!(lines_of(&history), vec![(L::Purchase, -225)]);
    }

    #[test]
    fn gifts_and_slots_stay_one_line_each() {
        let history = [
            moved(10, K::Gift, -500, TransferState::Posted, "event:1"),
            moved(10, K::Gift, -500, TransferState::Posted, "event:1"),
            moved(9, K::StageSlot, -1_500, TransferState::Voided, "event:1"),
        ];
        let told = lines(&history);
        assert_eq!(told.len(), 3);
        assert_eq!(told[2].state, TransferState::Voided);
    }

    fn lines_of(history: &[Movement]) -> Vec<(LineKind, i64)> {
        lines(history)
            .iter()
            .map(|l| (l.kind, l.amount.minor))
            .collect()
    }
}
