use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::files::{DeliveryFiles, FileList};
use super::reputation::Rating;
use super::{state_label, TermsFields};
use crate::deals::api::{get_deal, FundDealByCard, RateDeal, TakeDealStep, WriteInDeal};
use crate::deals::rules::MAX_REVISIONS;
use crate::deals::types::*;
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::date::{format_date, format_date_time};
use crate::ui::form::{action_error, FormError, PageError, TextArea};
use crate::ui::money::format_money;

/// One deal: its terms, its thread and what the viewer can do now.
#[component]
pub fn DealPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let step = ServerAction::<TakeDealStep>::new();
    let write = ServerAction::<WriteInDeal>::new();
    let rate = ServerAction::<RateDeal>::new();
    let uploads = RwSignal::new(0u32);
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let deal = Resource::new(
        move || {
            let versions = (
                step.version().get(),
                write.version().get(),
                rate.version().get(),
                uploads.get(),
            );
            (id(), versions)
        },
        |(id, _)| get_deal(id),
    );
    view! {
        <Title text=move || t_string!(i18n, deals.title).to_string() />
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || deal.get().map(|r| match r {
                Ok(d) => view! { <DealView d step write rate uploads /> }.into_any(),
                Err(AppError::NotFound) => view! { <crate::site::NotFound /> }.into_any(),
                Err(error) => view! { <PageError error /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn DealView(
    d: Deal,
    step: ServerAction<TakeDealStep>,
    write: ServerAction<WriteInDeal>,
    rate: ServerAction<RateDeal>,
    uploads: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let errors = action_error(step);
    let write_errors = action_error(write);
    let (amount, due, review_until) = (d.amount, d.due_at, d.review_until);
    let id = d.id.to_string();
    let brand = d.viewer == Party::Brand;
    let their_terms = d.proposed_by != d.viewer;
    let button = move |what: DealStepName, primary: bool| {
        let id = id.clone();
        view! {
            <ActionForm action=step>
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="step" value=what.0 />
                <button type="submit" class=if primary { "btn btn-primary" } else { "btn btn-ghost" } disabled=move || step.pending().get()>{what.1(i18n)}</button>
            </ActionForm>
        }
    };
    let idv = d.id.to_string();
    let steps = match (d.state, brand) {
        (DealState::Offered, _) => view! {
            {their_terms.then(|| button(ACCEPT, true))}
            {button(CANCEL, false)}
            <details class="why">
                <summary>{t!(i18n, deals.counter)}</summary>
                <ActionForm action=step attr:class="form">
                    <input type="hidden" name="id" value=idv.clone() />
                    <input type="hidden" name="step" value="counter" />
                    <TermsFields errors />
                    <button type="submit" class="btn btn-primary">{t!(i18n, deals.send_counter)}</button>
                </ActionForm>
            </details>
        }.into_any(),
        (DealState::Accepted, true) => view! {
            {button(FUND, true)}
            <FundByCard deal=d.id />
            {button(CANCEL, false)}
            <p class="small muted">{t!(i18n, deals.fund_hint)} " " <a href="/wallet">{t!(i18n, nav.wallet)}</a></p>
        }.into_any(),
        (DealState::Accepted, false) => view! { <p class="muted">{t!(i18n, deals.waiting_funds)}</p> {button(CANCEL, false)} }.into_any(),
        (DealState::Funded, false) => view! {
            <DeliveryFiles deal=d.id uploads />
            <ActionForm action=step attr:class="form">
                <input type="hidden" name="id" value=idv.clone() />
                <input type="hidden" name="step" value="deliver" />
                <TextArea name="body" label=Signal::derive(move || t_string!(i18n, deals.delivery).to_string()) errors maxlength=2000 />
                <button type="submit" class="btn btn-primary">{t!(i18n, deals.deliver)}</button>
            </ActionForm>
            {button(DISPUTE, false)}
        }.into_any(),
        (DealState::Funded, true) => view! { <p class="muted">{t!(i18n, deals.waiting_delivery)}</p> {button(DISPUTE, false)} }.into_any(),
        (DealState::Delivered, true) => {
            let left = MAX_REVISIONS.saturating_sub(d.revisions);
            view! {
                {button(APPROVE, true)}
                {(left > 0).then(|| button(REVISION, false))}
                {button(DISPUTE, false)}
                <p class="small muted">{t!(i18n, deals.revisions_left, left)}</p>
            }.into_any()
        }
        (DealState::Delivered, false) => view! { <p class="muted">{t!(i18n, deals.waiting_review)}</p> {button(DISPUTE, false)} }.into_any(),
        (DealState::Completed, _) => view! { <p class="notice notice-success">{t!(i18n, deals.done)}</p> }.into_any(),
        (DealState::Cancelled, _) => view! { <p class="notice">{t!(i18n, deals.cancelled_note)}</p> }.into_any(),
        (DealState::Disputed, _) => view! { <p class="notice notice-error">{t!(i18n, deals.disputed_note)}</p> }.into_any(),
    };
    view! {
        <article class="deal">
            <header class="card deal-head">
                <p class="muted">{d.campaign.clone().map_or_else(|| t_string!(i18n, deals.direct).to_string(), |(_, title)| title)}</p>
                <h1>{d.brand_name.clone()} " × " <a href=format!("/@{}", d.creator_handle)>{d.creator_name.clone()}</a></h1>
                <p><span class=format!("badge deal-{}", d.state.as_str()) data-testid="deal-state">{state_label(i18n, d.state)}</span></p>
                <dl class="found-facts">
                    <div><dt>{t!(i18n, deals.amount)}</dt><dd>{move || format_money(amount, i18n.get_locale())}</dd></div>
                    <div><dt>{t!(i18n, deals.due)}</dt><dd>{move || format_date(due, i18n.get_locale())}</dd></div>
                    <div><dt>{t!(i18n, deals.fee)}</dt><dd>"0 %"</dd></div>
                    {review_until.filter(|_| d.state == DealState::Delivered).map(|until| view! { <div><dt>{t!(i18n, deals.review_until)}</dt><dd>{move || format_date_time(until, i18n.get_locale())}</dd></div> })}
                </dl>
                <p class="bio">{d.deliverables.clone()}</p>
                {(!d.files.is_empty()).then(|| view! {
                    <h2 class="small-title">{t!(i18n, deals.files)}</h2>
                    <FileList files=d.files.clone() />
                })}
            </header>
            <section class="card deal-steps">
                <div class="deal-buttons">{steps}</div>
                <FormError errors fields=&["amount", "due_on", "deliverables", "body"] />
            </section>
            {(d.state == DealState::Completed).then(|| view! {
                <Rating deal=d.id given=d.rating_given received=d.rating_received rate />
            })}
            <section class="card">
                <h2>{t!(i18n, deals.thread)}</h2>
                <ol class="thread" data-testid="thread">
                    {d.messages.into_iter().map(|m| {
                        let at = m.created_at;
                        let terms = m.amount.map(|a| (a, m.due_at));
                        view! {
                            <li class=format!("thread-line thread-{}", m.kind)>
                                <p class="small muted">{m.author.clone().unwrap_or_else(|| "Tremplin".to_owned())} " · " {move || format_date_time(at, i18n.get_locale())} " · " {kind_label(i18n, &m.kind)}</p>
                                {terms.map(|(a, due)| view! { <p class="thread-terms">{move || format_money(a, i18n.get_locale())} {due.map(|due| view! { " · " {move || format_date(due, i18n.get_locale())} })}</p> })}
                                {(!m.body.is_empty()).then(|| view! { <p class="bio">{m.body.clone()}</p> })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
                <ActionForm action=write attr:class="form">
                    <input type="hidden" name="id" value=d.id.to_string() />
                    <TextArea name="body" id="field-message" label=Signal::derive(move || t_string!(i18n, deals.write).to_string()) errors=write_errors rows=2 maxlength=2000 required=true />
                    <button type="submit" class="btn btn-ghost">{t!(i18n, deals.send)}</button>
                </ActionForm>
            </section>
        </article>
    }
}

/// What a line of the thread is: `DealStep::as_str` of its step, `offer` or `message`.
fn kind_label(i18n: I18nContext<Locale>, kind: &str) -> AnyView {
    match kind {
        "offer" => t!(i18n, deals.kind_offer).into_any(),
        "counter" => t!(i18n, deals.kind_counter).into_any(),
        "accept" => t!(i18n, deals.kind_accept).into_any(),
        "cancel" => t!(i18n, deals.kind_cancel).into_any(),
        "fund" => t!(i18n, deals.kind_fund).into_any(),
        "deliver" => t!(i18n, deals.kind_deliver).into_any(),
        "approve" => t!(i18n, deals.kind_approve).into_any(),
        "ask_revision" => t!(i18n, deals.kind_revision).into_any(),
        "auto_release" => t!(i18n, deals.kind_auto_release).into_any(),
        "dispute" => t!(i18n, deals.kind_dispute).into_any(),
        "settle_release" => t!(i18n, deals.kind_settle_release).into_any(),
        "settle_refund" => t!(i18n, deals.kind_settle_refund).into_any(),
        _ => t!(i18n, deals.kind_message).into_any(),
    }
}

/// A step's wire name and its button label.
type DealStepName = (&'static str, fn(I18nContext<Locale>) -> String);
const ACCEPT: DealStepName = ("accept", |i| t_string!(i, deals.accept).to_string());
const CANCEL: DealStepName = ("cancel", |i| t_string!(i, deals.cancel).to_string());
const FUND: DealStepName = ("fund", |i| t_string!(i, deals.fund).to_string());
const APPROVE: DealStepName = ("approve", |i| t_string!(i, deals.approve).to_string());
const REVISION: DealStepName = ("ask_revision", |i| {
    t_string!(i, deals.ask_revision).to_string()
});
const DISPUTE: DealStepName = ("dispute", |i| t_string!(i, deals.dispute).to_string());

/// Funds the escrow by card: the browser goes to the processor's checkout and comes back here.
#[component]
fn FundByCard(deal: i64) -> impl IntoView {
    let i18n = use_i18n();
    let pay = ServerAction::<FundDealByCard>::new();
    let errors = action_error(pay);
    Effect::new(move || {
        if let Some(Ok(url)) = pay.value().get() {
            if let Err(e) = window().location().set_href(&url) {
                leptos::logging::error!("could not open the checkout: {e:?}");
            }
        }
    });
    view! {
        <ActionForm action=pay>
            <input type="hidden" name="id" value=deal.to_string() />
            <button type="submit" class="btn btn-ghost" disabled=move || pay.pending().get()>{t!(i18n, deals.fund_by_card)}</button>
        </ActionForm>
        <FormError errors fields=&[] />
    }
}
