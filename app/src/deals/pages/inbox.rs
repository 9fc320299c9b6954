use leptos::prelude::*;
use leptos_meta::Title;

use super::reputation::stars_text;
use super::{state_label, state_name};
use crate::deals::api::{deal_dashboard, my_deals};
use crate::deals::types::*;
use crate::i18n::*;
use crate::ledger::types::Money;
use crate::ui::chart::{month_bars, Bar, BarChart};
use crate::ui::compact_number;
use crate::ui::date::format_date;
use crate::ui::form::list_view;
use crate::ui::money::format_money;

/// The viewer's deals: their dashboard, then every deal.
#[component]
pub fn DealsPage() -> impl IntoView {
    let i18n = use_i18n();
    let dashboard = Resource::new(|| (), |_| deal_dashboard());
    let deals = Resource::new(|| (), |_| my_deals());
    view! {
        <Title text=move || t_string!(i18n, deals.title).to_string() />
        <header class="page-head"><h1>{t!(i18n, deals.title)}</h1></header>
        <Transition fallback=|| ()>
            {move || dashboard.get().and_then(Result::ok).map(|d| view! { <DashboardView d /> })}
        </Transition>
        <h2 class="section-title">{t!(i18n, deals.all_deals)}</h2>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || deals.get().map(|r| list_view(
                r,
                || view! { <p class="empty card">{t!(i18n, deals.none)}</p> }.into_any(),
                |list| view! {
                    <ul class="found-list" data-testid="deals">
                        {list.into_iter().map(|d| view! { <DealItem d /> }).collect_view()}
                    </ul>
                }.into_any(),
            ))}
        </Transition>
    }
}

/// A deal in a list: who with, about what, its state, amount and due date.
#[component]
fn DealItem(d: DealLine, #[prop(optional)] overdue: bool) -> impl IntoView {
    let i18n = use_i18n();
    let (amount, due) = (d.amount, d.due_at);
    view! {
        <li class="card found">
            <div class="found-head">
                <div class="found-id">
                    <a href=format!("/deals/{}", d.id) class="found-name">{d.counterpart.clone()}</a>
                    <span class="muted small">{if d.title.is_empty() { t_string!(i18n, deals.direct).to_string() } else { d.title.clone() }}</span>
                </div>
                <span class=format!("badge deal-{}", d.state.as_str())>{state_label(i18n, d.state)}</span>
            </div>
            <p class="small">
                {move || format_money(amount, i18n.get_locale())} " · " {t!(i18n, deals.due)} " " {move || format_date(due, i18n.get_locale())}
                {overdue.then(|| view! { " " <span class="badge deal-disputed">{t!(i18n, deals.overdue)}</span> })}
            </p>
        </li>
    }
}

#[component]
fn DashboardView(d: Dashboard) -> impl IntoView {
    let i18n = use_i18n();
    let brand = d.viewer == Party::Brand;
    let (paid, in_escrow) = (d.paid, d.in_escrow);
    let under_way: u32 = d
        .by_state
        .iter()
        .filter(|(s, _)| {
            matches!(
                s,
                DealState::Accepted | DealState::Funded | DealState::Delivered
            )
        })
        .map(|(_, n)| n)
        .sum();
    let now = d.now;
    let monthly = d.monthly.clone();
    let by_state = d.by_state.clone();
    let months_chart = move || {
        let bars = month_bars(&monthly, i18n.get_locale());
        let caption = if brand {
            t_string!(i18n, deals.chart_spent).to_string()
        } else {
            t_string!(i18n, deals.chart_earned).to_string()
        };
        view! { <BarChart bars caption /> }
    };
    let states_chart = move || {
        let bars = by_state
            .iter()
            .map(|(s, n)| Bar {
                label: state_name(i18n, *s),
                value: i64::from(*n),
                text: n.to_string(),
            })
            .collect();
        view! { <BarChart bars caption=t_string!(i18n, deals.chart_states).to_string() /> }
    };
    view! {
        <section class="dashboard-deals" data-testid="deal-dashboard">
            <div class="tiles">
                <div class="card tile">
                    <p class="eyebrow">{move || if brand { t_string!(i18n, deals.paid_brand) } else { t_string!(i18n, deals.paid_creator) }}</p>
                    <p class="balance" data-testid="paid">{move || format_money(paid, i18n.get_locale())}</p>
                </div>
                <div class="card tile">
                    <p class="eyebrow">{move || if brand { t_string!(i18n, deals.escrow_brand) } else { t_string!(i18n, deals.escrow_creator) }}</p>
                    <p class="balance">{move || format_money(in_escrow, i18n.get_locale())}</p>
                </div>
                <div class="card tile">
                    <p class="eyebrow">{t!(i18n, deals.under_way)}</p>
                    <p class="balance">{under_way}</p>
                </div>
            </div>
            <div class="charts">
                <section class="card">{months_chart}</section>
                {(!d.by_state.is_empty()).then(|| view! { <section class="card">{states_chart}</section> })}
            </div>
            {(!d.upcoming.is_empty()).then(|| view! {
                <section>
                    <h2 class="section-title">{move || if brand { t_string!(i18n, deals.upcoming_brand) } else { t_string!(i18n, deals.deadlines) }}</h2>
                    <ul class="found-list" data-testid="upcoming">
                        {d.upcoming.into_iter().map(|line| {
                            let overdue = line.due_at < now && line.state == DealState::Funded;
                            view! { <DealItem d=line overdue /> }
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {brand.then(|| view! { <Campaigns list=d.campaigns /> <Creators list=d.creators /> })}
        </section>
    }
}

/// A brand's campaigns and who applied to each.
#[component]
fn Campaigns(list: Vec<CampaignApplicants>) -> impl IntoView {
    let i18n = use_i18n();
    (!list.is_empty()).then(|| view! {
        <section>
            <h2 class="section-title">{t!(i18n, deals.your_campaigns)}</h2>
            <ul class="found-list" data-testid="campaign-applicants">
                {list.into_iter().map(|c| {
                    let (accepted, wanted, applied) = (c.accepted, c.wanted, c.applied);
                    view! {
                        <li class="card found">
                            <div class="found-head">
                                <a href=format!("/campaigns/{}", c.id) class="found-name">{c.title.clone()}</a>
                                <span class="badge">{crate::campaigns::pages::state_label(i18n, c.state)}</span>
                            </div>
                            <p class="small muted">{t!(i18n, deals.creators_accepted, accepted, wanted)} " · " {t!(i18n, deals.applied, applied)}</p>
                            <ul class="chips">
                                {c.applicants.into_iter().map(|a| {
                                    let amount = a.amount;
                                    view! {
                                        <li>
                                            <a href=format!("/deals/{}", a.deal) class=format!("chip deal-{}", a.state.as_str())>
                                                {a.name.clone()} " · " {move || format_money(amount, i18n.get_locale())} " · " {state_label(i18n, a.state)}
                                            </a>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    })
}

/// What a brand's deals came to with each creator.
#[component]
fn Creators(list: Vec<CreatorResult>) -> impl IntoView {
    let i18n = use_i18n();
    (!list.is_empty()).then(|| view! {
        <section class="card">
            <h2>{t!(i18n, deals.results)}</h2>
            <div class="table-scroll">
                <table class="statement results" data-testid="creator-results">
                    <thead>
                        <tr>
                            <th>{t!(i18n, deals.col_creator)}</th>
                            <th class="num">{t!(i18n, deals.col_deals)}</th>
                            <th class="num">{t!(i18n, deals.col_paid)}</th>
                            <th class="num">{t!(i18n, deals.col_audience)}</th>
                            <th class="num">{t!(i18n, deals.col_per_thousand)}</th>
                            <th class="num">{t!(i18n, deals.col_rating)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {list.into_iter().map(|c| {
                            let (paid, audience) = (c.paid, c.audience);
                            let per_thousand = (audience > 0 && paid.minor > 0)
                                .then(|| Money::eur(paid.minor * 1_000 / audience as i64));
                            view! {
                                <tr>
                                    <th><a href=format!("/@{}", c.handle)>{c.name.clone()}</a></th>
                                    <td class="num">{c.completed} " / " {c.deals}</td>
                                    <td class="num">{move || format_money(paid, i18n.get_locale())}</td>
                                    <td class="num">{move || compact_number(audience, i18n.get_locale())}</td>
                                    <td class="num">{move || per_thousand.map(|m| format_money(m, i18n.get_locale())).unwrap_or_else(|| "–".into())}</td>
                                    <td class="num"><span class="stars">{c.rating_centi.map(|r| stars_text(((r + 50) / 100) as u8)).unwrap_or_else(|| "–".into())}</span></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    })
}
