//! Deal pages: the inbox with the party's dashboard (`/deals`), one deal with its thread and the
//! steps open to the viewer (`/deals/:id`), the forms that open a deal (a brand's offer at
//! `/deals/new?handle=…`, a creator's application on the campaign page), reputations on public
//! pages, and the operators' disputes desk.

mod deal;
mod disputes;
mod files;
mod inbox;
mod open;
mod reputation;

pub use deal::DealPage;
pub use disputes::DisputesPage;
pub use inbox::DealsPage;
pub use open::{ApplyForm, NewDealPage};
pub use reputation::ReputationCard;

use leptos::prelude::*;
use leptos_i18n::I18nContext;

use super::types::DealState;
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::form::{Field, TextArea};

/// A deal's state in words.
pub fn state_name(i18n: I18nContext<Locale>, s: DealState) -> String {
    match s {
        DealState::Offered => t_string!(i18n, deals.offered),
        DealState::Accepted => t_string!(i18n, deals.accepted),
        DealState::Funded => t_string!(i18n, deals.funded),
        DealState::Delivered => t_string!(i18n, deals.delivered),
        DealState::Completed => t_string!(i18n, deals.completed),
        DealState::Cancelled => t_string!(i18n, deals.cancelled),
        DealState::Disputed => t_string!(i18n, deals.disputed),
    }
    .to_string()
}

/// [`state_name`] in a view, following the reader's language.
pub fn state_label(i18n: I18nContext<Locale>, s: DealState) -> impl IntoView {
    move || state_name(i18n, s)
}

/// The fields of an offer: price, what is to be made, due date.
#[component]
pub(super) fn TermsFields(errors: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="form-grid">
            <Field name="amount" label=Signal::derive(move || t_string!(i18n, deals.amount).to_string()) errors inputmode="decimal" prefix="€" required=true />
            <Field name="due_on" kind="date" label=Signal::derive(move || t_string!(i18n, deals.due_on).to_string()) errors required=true />
        </div>
        <TextArea name="deliverables" label=Signal::derive(move || t_string!(i18n, deals.deliverables).to_string()) errors rows=2 maxlength=1000 required=true />
    }
}
