//! The wallet page (balance, top-up, history) and payment receipts.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{get_receipt, get_wallet, TopUp};
use super::rules::TOP_UP_PRESETS;
use super::types::{PaymentState, Receipt, Wallet};
use crate::i18n::*;
use crate::ledger::types::{Money, TransferKind};
use crate::ui::date::{format_date_time, parse_date};
use crate::ui::form::{action_error, Field, FormError, PageError};
use crate::ui::money::{format_money, Amount};
use crate::ui::movements::{kind_label, MovementList, PeriodFilter};

/// History filters offered above the list: (kind, label key).
const FILTERS: [Option<TransferKind>; 3] = [
    None,
    Some(TransferKind::TopUp),
    Some(TransferKind::Purchase),
];

#[component]
pub fn WalletPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let kind = move || param("kind");
    let wallet = Resource::new(
        move || (kind(), param("from"), param("to")),
        |(kind, from, to)| get_wallet(kind, from, to),
    );
    view! {
        <Title text=move || t_string!(i18n, wallet.title).to_string() />
        <div class="wallet">
            <h1>{t!(i18n, wallet.title)}</h1>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || wallet.get().map(|w| match w {
                    Ok(w) => view! { <WalletView w kind=kind() period=period_query(&param("from"), &param("to")) /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

/// `&from=…&to=…` for the days chosen, to keep them across the kind filters (only real
/// dates, which need no escaping).
fn period_query(from: &str, to: &str) -> String {
    [("from", from), ("to", to)]
        .iter()
        .filter(|(_, v)| parse_date(v).is_some())
        .map(|(k, v)| format!("&{k}={v}"))
        .collect()
}

#[component]
fn WalletView(w: Wallet, kind: String, period: String) -> impl IntoView {
    let i18n = use_i18n();
    let balance = w.balance;
    let held = (balance.held > 0).then(|| Money::new(balance.held, balance.currency));
    view! {
        <section class="card wallet-balance">
            <p class="eyebrow">{t!(i18n, wallet.available)}</p>
            <p class="balance" data-testid="balance"><Amount money=Money::new(balance.available(), balance.currency) /></p>
            {held.map(|h| view! { <p class="muted small">{t!(i18n, wallet.held)} " " <Amount money=h /></p> })}
        </section>
        {w.failed.first().cloned().map(|r| view! { <FailedNotice r /> })}
        <TopUpForms />
        <section class="card wallet-history">
            <header class="section-head">
                <h2>{t!(i18n, wallet.history)}</h2>
                <nav class="filters" aria-label=move || t_string!(i18n, wallet.filter).to_string()>
                    {FILTERS.map(|f| {
                        let value = f.map_or("", TransferKind::as_str);
                        let href = format!("/wallet?kind={value}{period}");
                        let current = kind == value;
                        view! {
                            <a href=href class=if current { "chip chip-current" } else { "chip" } aria-current=current.then_some("page")>
                                {move || match f {
                                    None => t_string!(i18n, wallet.all).to_string(),
                                    Some(k) => kind_label(i18n, k),
                                }}
                            </a>
                        }
                    })}
                </nav>
            </header>
            <PeriodFilter action="/wallet" keep=&["kind"] />
            <MovementList movements=w.history empty=Signal::derive(move || t_string!(i18n, wallet.empty).to_string()) />
        </section>
    }
}

#[component]
fn FailedNotice(r: Receipt) -> impl IntoView {
    let i18n = use_i18n();
    let amount = move || format_money(r.gross, i18n.get_locale());
    let reason = r.failure.clone().unwrap_or_default();
    view! {
        <p class="notice notice-error" role="alert">
            {t!(i18n, wallet.failed, amount)} " " {reason}
        </p>
    }
}

/// Two forms for one action: a preset in one click, or any amount typed in.
#[component]
fn TopUpForms() -> impl IntoView {
    let i18n = use_i18n();
    let top_up = ServerAction::<TopUp>::new();
    let errors = action_error(top_up);
    let pending = top_up.pending();
    Effect::new(move || {
        if let Some(Ok(url)) = top_up.value().get() {
            if let Err(e) = window().location().set_href(&url) {
                leptos::logging::error!("could not open the checkout: {e:?}");
            }
        }
    });
    view! {
        <section class="card wallet-top-up">
            <h2>{t!(i18n, wallet.top_up)}</h2>
            <p class="muted small">{t!(i18n, wallet.top_up_text)}</p>
            <ActionForm action=top_up attr:class="form">
                <fieldset class="chips presets">
                    <legend class="visually-hidden">{t!(i18n, wallet.amount)}</legend>
                    {TOP_UP_PRESETS.map(|minor| {
                        let money = Money::eur(minor);
                        let value = (minor / 100).to_string();
                        view! {
                            <label class="chip-check">
                                <input type="radio" name="amount" value=value checked=minor == 2_000 />
                                <span><Amount money /></span>
                            </label>
                        }
                    })}
                </fieldset>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=pending>{t!(i18n, wallet.pay)}</button>
                </div>
            </ActionForm>
            <ActionForm action=top_up attr:class="form custom-amount">
                <Field name="amount" label=Signal::derive(move || t_string!(i18n, wallet.other_amount).to_string()) errors
                    hint=Signal::derive(move || t_string!(i18n, wallet.limits).to_string()) />
                <FormError errors fields=&["amount"] />
                <div class="form-actions">
                    <button type="submit" class="btn btn-ghost" disabled=pending>{t!(i18n, wallet.pay_other)}</button>
                </div>
            </ActionForm>
            <p class="fee-note small">{t!(i18n, wallet.fee_note)}</p>
        </section>
    }
}

/// One payment: what was charged, what the processor kept, Tremplin's 0%, what arrived.
#[component]
pub fn ReceiptPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let receipt = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_receipt,
    );
    view! {
        <Title text=move || t_string!(i18n, receipt.title).to_string() />
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || receipt.get().map(|r| match r {
                Ok(r) => view! { <ReceiptView r /> }.into_any(),
                Err(error) => view! {
                    <section class="auth-card">
                        <PageError error />
                        <a href="/wallet">{t!(i18n, receipt.back)}</a>
                    </section>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ReceiptView(r: Receipt) -> impl IntoView {
    let i18n = use_i18n();
    let created = r.created_at;
    let state = r.state;
    let dash = || "—".to_owned();
    let money =
        move |m: Option<Money>| move || m.map_or_else(dash, |m| format_money(m, i18n.get_locale()));
    view! {
        <section class="auth-card receipt">
            <p class="eyebrow">{t!(i18n, receipt.title)}</p>
            <h1>{move || match state {
                PaymentState::Succeeded => t_string!(i18n, receipt.succeeded).to_string(),
                PaymentState::Failed => t_string!(i18n, receipt.failed).to_string(),
                PaymentState::Created => t_string!(i18n, receipt.processing).to_string(),
            }}</h1>
            <p class="muted small">{move || format_date_time(created, i18n.get_locale())} " · " <code>{r.id.clone()}</code></p>
            {r.failure.clone().map(|f| view! { <p class="notice notice-error">{f}</p> })}
            <dl class="receipt-lines">
                <dt>{t!(i18n, receipt.gross)}</dt>
                <dd data-testid="gross">{money(Some(r.gross))}</dd>
                <dt>{t!(i18n, receipt.processor_fee)}</dt>
                <dd data-testid="processor-fee">{money(r.processor_fee)}</dd>
                <dt>{t!(i18n, receipt.platform_fee)}</dt>
                <dd data-testid="platform-fee">{money(Some(r.platform_fee))} " (0 %)"</dd>
                <dt class="receipt-total">{t!(i18n, receipt.received)}</dt>
                <dd class="receipt-total" data-testid="received">{money(r.received)}</dd>
            </dl>
            <a href="/wallet" class="btn btn-primary btn-block">{t!(i18n, receipt.back)}</a>
        </section>
    }
}
