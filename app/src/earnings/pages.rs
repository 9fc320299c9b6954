//! The earnings statement with payout requests, and the operators' payout desk.

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{get_statement, operator_payouts, RequestPayout, SendPayout, SettlePayout};
use super::rules::iban_groups;
use super::types::{
    EventIncome, Payout, PayoutForOperator, PayoutForm, PayoutState, Source, Statement,
};
use crate::i18n::*;
use crate::ledger::types::Money;
use crate::ui::date::{format_date, format_date_time};
use crate::ui::form::{action_error, list_view, Field, FormError, PageError};
use crate::ui::money::{format_amount_input, format_money, Amount};
use crate::ui::movements::{MovementList, PeriodFilter};

#[component]
pub fn StatementPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).unwrap_or_default();
    let request = ServerAction::<RequestPayout>::new();
    let statement = Resource::new(
        move || (param("from"), param("to"), request.version().get()),
        |(from, to, _)| get_statement(from, to),
    );
    view! {
        <Title text=move || t_string!(i18n, earnings.title).to_string() />
        <div class="wallet earnings">
            <h1>{t!(i18n, earnings.title)}</h1>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || statement.get().map(|s| match s {
                    Ok(s) => view! { <StatementView s request /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
fn StatementView(s: Statement, request: ServerAction<RequestPayout>) -> impl IntoView {
    let i18n = use_i18n();
    let available = Money::new(s.balance.available(), s.balance.currency);
    let in_flight = (s.in_flight.minor > 0).then_some(s.in_flight);
    let held = s.held;
    view! {
        <section class="card wallet-balance">
            <p class="eyebrow">{t!(i18n, earnings.available)}</p>
            <p class="balance" data-testid="earnings"><Amount money=available /></p>
            {in_flight.map(|m| view! { <p class="muted small">{t!(i18n, earnings.in_flight)} " " <Amount money=m /></p> })}
        </section>
        <section class="card">
            <header class="section-head">
                <h2>{t!(i18n, earnings.by_source)}</h2>
                <PeriodFilter action="/earnings" />
            </header>
            <table class="statement" data-testid="income">
                <tbody>
                    {s.income.into_iter().map(|line| {
                        let source = line.source;
                        let count = line.count;
                        view! {
                            <tr class:muted=line.count == 0>
                                <th scope="row">{move || source_label(i18n, source)}</th>
                                <td class="count">{move || match count {
                                    0 => ().into_any(),
                                    1 => t!(i18n, earnings.payment).into_any(),
                                    count => t!(i18n, earnings.payments, count).into_any(),
                                }}</td>
                                <td class="num"><Amount money=line.amount /></td>
                            </tr>
                            {(source == Source::Commissions).then_some(held).flatten().map(|h| {
                                let from = h.first_available_at;
                                view! {
                                    <tr class="muted" data-testid="held-commissions">
                                        <td colspan="2" class="small">{match from {
                                            Some(from) => t!(i18n, earnings.held_from, date = move || format_date(from, i18n.get_locale())).into_any(),
                                            None => t!(i18n, earnings.held_until_delivered).into_any(),
                                        }}</td>
                                        <td class="num small"><Amount money=h.amount /></td>
                                    </tr>
                                }
                            })}
                        }
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row">{t!(i18n, earnings.total)}</th>
                        <td></td>
                        <td class="num" data-testid="income-total"><Amount money=s.total /></td>
                    </tr>
                </tfoot>
            </table>
            <p class="fee-note small">{t!(i18n, earnings.zero_fee)}</p>
        </section>
        {(!s.events.is_empty()).then(|| view! { <EventsTable events=s.events /> })}
        <PayoutRequestForm request form=s.form available />
        <section class="card">
            <h2>{t!(i18n, earnings.payouts)}</h2>
            {if s.payouts.is_empty() {
                view! { <p class="muted">{t!(i18n, earnings.no_payouts)}</p> }.into_any()
            } else {
                view! {
                    <ul class="history" data-testid="payouts">
                        {s.payouts.into_iter().map(|p| view! { <PayoutLine p /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        <section class="card wallet-history">
            <h2>{t!(i18n, earnings.movements)}</h2>
            <MovementList movements=s.movements empty=Signal::derive(move || t_string!(i18n, earnings.empty).to_string()) />
        </section>
    }
}

#[component]
fn PayoutRequestForm(
    request: ServerAction<RequestPayout>,
    form: PayoutForm,
    available: Money,
) -> impl IntoView {
    let i18n = use_i18n();
    let PayoutForm {
        minimum,
        test_mode,
        key,
        email_confirmed,
    } = form;
    let errors = action_error(request);
    let done = move || request.value().get().is_some_and(|r| r.is_ok());
    let min = move || format_money(minimum, i18n.get_locale());
    let enough = available.minor >= minimum.minor;
    view! {
        <section class="card">
            <h2>{t!(i18n, earnings.request)}</h2>
            <p class="muted small">{t!(i18n, earnings.request_text, min)}</p>
            {move || done().then(|| view! { <p class="notice notice-success" role="status">{t!(i18n, earnings.requested)}</p> })}
            {if !email_confirmed {
                // Said before anything is typed: the server would refuse the request anyway.
                view! {
                    <p class="notice" data-testid="payout-needs-email">
                        {crate::ui::form::problem_text(i18n, crate::error::Problem::EmailUnconfirmed)}
                    </p>
                }.into_any()
            } else if enough {
                view! {
                    <ActionForm action=request attr:class="form">
                        <input type="hidden" name="key" value=key />
                        <Field name="amount" label=Signal::derive(move || t_string!(i18n, earnings.amount).to_string()) errors
                            value=format_amount_input(available, i18n.get_locale_untracked()) inputmode="decimal" required=true />
                        <Field name="iban" label=Signal::derive(move || t_string!(i18n, earnings.iban).to_string()) errors
                            autocomplete="off" required=true
                            hint=Signal::derive(move || if test_mode { t_string!(i18n, earnings.test_iban).to_string() } else { String::new() }) />
                        <Field name="holder" label=Signal::derive(move || t_string!(i18n, earnings.holder).to_string()) errors
                            autocomplete="name" required=true />
                        <FormError errors fields=&["amount", "iban", "holder"] />
                        <div class="form-actions">
                            <button type="submit" class="btn btn-primary" disabled=request.pending()>{t!(i18n, earnings.submit)}</button>
                        </div>
                    </ActionForm>
                }.into_any()
            } else {
                view! { <p class="notice">{t!(i18n, earnings.below_minimum, min)}</p> }.into_any()
            }}
        </section>
    }
}

#[component]
fn PayoutLine(p: Payout) -> impl IntoView {
    let i18n = use_i18n();
    let (at, state) = (p.created_at, p.state);
    view! {
        <li class="history-line">
            <div>
                <p class="history-kind">{p.iban_hint.clone()} " · " {p.holder.clone()}</p>
                <p class="muted small">{move || format_date_time(at, i18n.get_locale())}</p>
                {p.failure.clone().filter(|_| state == PayoutState::Failed).map(|f| view! { <p class="small field-error">{f}</p> })}
            </div>
            <div class="history-amount">
                <Amount money=p.amount />
                <StateBadge state />
            </div>
        </li>
    }
}

#[component]
fn StateBadge(state: PayoutState) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span class=format!("badge badge-{}", state.as_str()) data-testid="payout-state">
            {move || state_label(i18n, state)}
        </span>
    }
}

/// What each live event brought: gifts, donations and stage slots, with its total.
#[component]
fn EventsTable(events: Vec<EventIncome>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <h2>{t!(i18n, earnings.by_event)}</h2>
            <div class="table-scroll">
                <table class="statement statement-events" data-testid="event-income">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, earnings.event)}</th>
                            <th scope="col" class="num">{move || source_label(i18n, Source::Gifts)}</th>
                            <th scope="col" class="num">{move || source_label(i18n, Source::Donations)}</th>
                            <th scope="col" class="num">{move || source_label(i18n, Source::StageSlots)}</th>
                            <th scope="col" class="num">{t!(i18n, earnings.total)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {events.into_iter().map(|e| {
                            let starts_at = e.starts_at;
                            view! {
                                <tr>
                                    <th scope="row">
                                        <a href=format!("/live/{}", e.id)>{e.title.clone()}</a>
                                        <span class="muted small">" · " {move || format_date_time(starts_at, i18n.get_locale())}</span>
                                    </th>
                                    <td class="num"><Amount money=e.gifts /></td>
                                    <td class="num"><Amount money=e.donations /></td>
                                    <td class="num"><Amount money=e.stage_slots /></td>
                                    <td class="num"><strong><Amount money=e.total /></strong></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

fn source_label(i18n: I18nContext<Locale>, source: Source) -> String {
    match source {
        Source::Deals => t_string!(i18n, earnings.deals),
        Source::ShopSales => t_string!(i18n, earnings.shop_sales),
        Source::Commissions => t_string!(i18n, earnings.commissions),
        Source::Gifts => t_string!(i18n, earnings.gifts),
        Source::Donations => t_string!(i18n, earnings.donations),
        Source::StageSlots => t_string!(i18n, earnings.stage_slots),
    }
    .to_string()
}

fn state_label(i18n: I18nContext<Locale>, state: PayoutState) -> String {
    match state {
        PayoutState::Requested => t_string!(i18n, payout_states.requested),
        PayoutState::Processing => t_string!(i18n, payout_states.processing),
        PayoutState::Paid => t_string!(i18n, payout_states.paid),
        PayoutState::Failed => t_string!(i18n, payout_states.failed),
    }
    .to_string()
}

/// Operators: every payout, by state, with what can be done to it.
#[component]
pub fn OperatorPayoutsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let state = move || {
        query
            .read()
            .get("state")
            .unwrap_or_else(|| "requested".into())
    };
    let send = ServerAction::<SendPayout>::new();
    let settle = ServerAction::<SettlePayout>::new();
    let payouts = Resource::new(
        move || (state(), send.version().get(), settle.version().get()),
        |(state, ..)| operator_payouts(state),
    );
    let send_error = action_error(send);
    let settle_error = action_error(settle);
    view! {
        <Title text=move || t_string!(i18n, operator.title).to_string() />
        <div class="operator">
            <header class="section-head">
                <h1>{t!(i18n, operator.title)}</h1>
                <nav class="filters" aria-label=move || t_string!(i18n, wallet.filter).to_string()>
                    {PayoutState::ALL.map(|s| view! {
                        <a href=format!("/operator/payouts?state={}", s.as_str())
                            class=move || if state() == s.as_str() { "chip chip-current" } else { "chip" }>
                            {move || state_label(i18n, s)}
                        </a>
                    })}
                    <a href="/operator/payouts?state=all"
                        class=move || if state() == "all" { "chip chip-current" } else { "chip" }>
                        {t!(i18n, wallet.all)}
                    </a>
                </nav>
            </header>
            <FormError errors=send_error fields=&[] />
            <FormError errors=settle_error fields=&[] />
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || payouts.get().map(|loaded| list_view(
                    loaded,
                    || view! { <p class="card muted">{t!(i18n, operator.none)}</p> }.into_any(),
                    |list| view! {
                        <ul class="operator-payouts">
                            {list.into_iter().map(|p| view! { <OperatorPayout p send settle /> }).collect_view()}
                        </ul>
                    }.into_any(),
                ))}
            </Transition>
        </div>
    }
}

#[component]
fn OperatorPayout(
    p: PayoutForOperator,
    send: ServerAction<SendPayout>,
    settle: ServerAction<SettlePayout>,
) -> impl IntoView {
    let i18n = use_i18n();
    let payout = p.payout;
    let (at, state) = (payout.created_at, payout.state);
    let open = matches!(state, PayoutState::Requested | PayoutState::Processing);
    let (send_id, paid_id, failed_id) = (payout.id.clone(), payout.id.clone(), payout.id.clone());
    view! {
        <li class="card operator-payout" data-testid="operator-payout">
            <div class="operator-payout-head">
                <div>
                    <p class="history-kind"><a href=format!("/@{}", p.handle)>{p.display_name}</a> " · @" {p.handle.clone()}</p>
                    <p class="muted small">{move || format_date_time(at, i18n.get_locale())} " · " <code>{payout.id.clone()}</code></p>
                </div>
                <div class="history-amount">
                    <strong><Amount money=payout.amount /></strong>
                    <StateBadge state />
                </div>
            </div>
            <dl class="operator-bank">
                <dt>{t!(i18n, earnings.iban)}</dt><dd><code>{iban_groups(&p.iban)}</code></dd>
                <dt>{t!(i18n, earnings.holder)}</dt><dd>{payout.holder}</dd>
                {p.provider_ref.map(|r| view! {
                    <dt>{t!(i18n, operator.provider)}</dt><dd><code>{p.provider.unwrap_or_default()} " " {r}</code></dd>
                })}
            </dl>
            {payout.failure.map(|f| view! { <p class="small field-error">{f}</p> })}
            {open.then(|| view! {
                <div class="operator-actions">
                    {(state == PayoutState::Requested).then(|| view! {
                        <ActionForm action=send>
                            <input type="hidden" name="id" value=send_id />
                            <button type="submit" class="btn btn-primary btn-sm">{t!(i18n, operator.send)}</button>
                        </ActionForm>
                    })}
                    <ActionForm action=settle>
                        <input type="hidden" name="id" value=paid_id />
                        <input type="hidden" name="outcome" value="paid" />
                        <button type="submit" class="btn btn-ghost btn-sm">{t!(i18n, operator.mark_paid)}</button>
                    </ActionForm>
                    <ActionForm action=settle attr:class="operator-fail">
                        <input type="hidden" name="id" value=failed_id />
                        <input type="hidden" name="outcome" value="failed" />
                        <input name="reason" required=true placeholder=move || t_string!(i18n, operator.reason).to_string()
                            aria-label=move || t_string!(i18n, operator.reason).to_string() />
                        <button type="submit" class="btn btn-ghost btn-sm">{t!(i18n, operator.mark_failed)}</button>
                    </ActionForm>
                </div>
            })}
        </li>
    }
}
