//! Lists of ledger movements (wallet history, earnings) and the period filter above them.

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::i18n::*;
use crate::ledger::types::{Movement, TransferKind, TransferState};
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

/// Movements, newest first, or `empty` when there are none.
#[component]
pub fn MovementList(movements: Vec<Movement>, empty: Signal<String>) -> impl IntoView {
    if movements.is_empty() {
        return view! { <p class="muted">{empty}</p> }.into_any();
    }
    view! {
        <ul class="history">
            {movements.into_iter().map(|m| view! { <MovementLine m /> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn MovementLine(m: Movement) -> impl IntoView {
    let i18n = use_i18n();
    let (at, kind, state) = (m.at, m.kind, m.state);
    let incoming = m.amount.minor >= 0;
    let receipt = m.cause.strip_prefix("payment:").map(str::to_owned);
    view! {
        <li class="history-line">
            <div>
                <p class="history-kind">{move || kind_label(i18n, kind)}</p>
                <p class="muted small">{move || format_date_time(at, i18n.get_locale())}
                    {(state != TransferState::Posted).then(|| view! {
                        " · " <span class="badge">{move || match state {
                            TransferState::Pending => t_string!(i18n, wallet.pending).to_string(),
                            _ => t_string!(i18n, wallet.voided).to_string(),
                        }}</span>
                    })}
                </p>
            </div>
            <div class="history-amount">
                <span class=if incoming { "amount-in" } else { "amount-out" }>
                    {if incoming { "+" } else { "" }}<Amount money=m.amount />
                </span>
                {receipt.map(|id| view! {
                    <A href=format!("/wallet/receipts/{id}") attr:class="small">{t!(i18n, wallet.receipt)}</A>
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
                <A href=action attr:class="small">{t!(i18n, period.all_time)}</A>
            })}
        </form>
    }
}
