//! The shop report (`/shop/report`): for a creator, what their links and shop brought; for a
//! seller, what they sold by creator and product; charts drawn on the server, and the orders
//! as CSV.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::*;
use crate::orders::api::get_shop_report;
use crate::orders::types::*;
use crate::ui::chart::{month_bars, BarChart};
use crate::ui::form::PageError;
use crate::ui::money::format_money;

/// `12.5 %` from basis points.
fn percent(bp: u32) -> String {
    format!("{:.1} %", f64::from(bp) / 100.0)
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let report = Resource::new(|| (), |_| get_shop_report());
    view! {
        <Title text=move || t_string!(i18n, reports.title).to_string() />
        <header class="page-head section-head">
            <h1>{t!(i18n, reports.title)}</h1>
            <a class="btn btn-ghost" href=crate::orders::CSV_PATH rel="external" download="tremplin-orders.csv">{t!(i18n, reports.csv)}</a>
        </header>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || report.get().map(|r| match r {
                Err(error) => view! { <PageError error /> }.into_any(),
                Ok(r) => view! {
                    {r.commissions.map(|c| view! { <Commissions c /> })}
                    {r.sales.map(|s| view! { <Sales s /> })}
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Commissions(c: CommissionReport) -> impl IntoView {
    let i18n = use_i18n();
    let (pending, available) = (c.pending, c.available);
    let monthly = c.monthly.clone();
    view! {
        <section class="dashboard-deals" data-testid="commission-report">
            <div class="tiles">
                <div class="card tile"><p class="eyebrow">{t!(i18n, reports.clicks)}</p><p class="balance" data-testid="clicks">{c.clicks}</p></div>
                <div class="card tile"><p class="eyebrow">{t!(i18n, reports.orders)}</p><p class="balance">{c.orders}</p>
                    <p class="muted small">{t!(i18n, reports.conversion, rate = percent(c.conversion_bp))}</p></div>
                <div class="card tile"><p class="eyebrow">{t!(i18n, reports.pending)}</p><p class="balance" data-testid="pending">{move || format_money(pending, i18n.get_locale())}</p>
                    <p class="muted small">{t!(i18n, reports.available, amount = move || format_money(available, i18n.get_locale()))}</p></div>
            </div>
            <div class="charts">
                <div class="card">{move || view! { <BarChart bars=month_bars(&monthly, i18n.get_locale()) caption=t_string!(i18n, reports.chart_commission).to_string() /> }}</div>
            </div>
            <h2 class="section-title">{t!(i18n, reports.by_link)}</h2>
            <ReportTable lines=c.by_link kind=Kind::Link />
            <h2 class="section-title">{t!(i18n, reports.by_product)}</h2>
            <ReportTable lines=c.by_product kind=Kind::BroughtProduct />
        </section>
    }
}

#[component]
fn Sales(s: SalesReport) -> impl IntoView {
    let i18n = use_i18n();
    let (sales, commission) = (s.sales, s.commission);
    let monthly = s.monthly.clone();
    view! {
        <section class="dashboard-deals" data-testid="sales-report">
            <h2 class="section-title">{t!(i18n, reports.sales_title)}</h2>
            <div class="tiles">
                <div class="card tile"><p class="eyebrow">{t!(i18n, reports.orders)}</p><p class="balance">{s.orders}</p></div>
                <div class="card tile"><p class="eyebrow">{t!(i18n, reports.sales)}</p><p class="balance" data-testid="sales">{move || format_money(sales, i18n.get_locale())}</p></div>
                <div class="card tile"><p class="eyebrow">{t!(i18n, reports.commission_paid)}</p><p class="balance">{move || format_money(commission, i18n.get_locale())}</p></div>
            </div>
            <div class="charts">
                <div class="card">{move || view! { <BarChart bars=month_bars(&monthly, i18n.get_locale()) caption=t_string!(i18n, reports.chart_sales).to_string() /> }}</div>
            </div>
            <h2 class="section-title">{t!(i18n, reports.by_creator)}</h2>
            <ReportTable lines=s.by_creator kind=Kind::Creator />
            <h2 class="section-title">{t!(i18n, reports.by_product)}</h2>
            <ReportTable lines=s.by_product kind=Kind::SoldProduct />
        </section>
    }
}

/// What a table's lines are, which decides its first column and which figures it shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Link,
    BroughtProduct,
    Creator,
    SoldProduct,
}

#[component]
fn ReportTable(lines: Vec<ReportLine>, kind: Kind) -> impl IntoView {
    let i18n = use_i18n();
    if lines.is_empty() {
        return view! { <p class="muted card">{t!(i18n, reports.nothing_yet)}</p> }.into_any();
    }
    let link = kind == Kind::Link;
    let units = matches!(kind, Kind::BroughtProduct | Kind::SoldProduct);
    view! {
        <div class="card table-scroll">
            <table class="statement results" data-testid=format!("report-{}", match kind { Kind::Link => "links", Kind::BroughtProduct => "brought", Kind::Creator => "creators", Kind::SoldProduct => "products" })>
                <thead><tr>
                    <th>{match kind {
                        Kind::Link => t!(i18n, reports.link).into_any(),
                        Kind::Creator => t!(i18n, reports.creator).into_any(),
                        _ => t!(i18n, reports.product).into_any(),
                    }}</th>
                    {link.then(|| view! { <th class="num">{t!(i18n, reports.clicks)}</th> })}
                    <th class="num">{t!(i18n, reports.orders)}</th>
                    {link.then(|| view! { <th class="num">{t!(i18n, reports.conversion_head)}</th> })}
                    {units.then(|| view! { <th class="num">{t!(i18n, reports.units)}</th> })}
                    <th class="num">{t!(i18n, reports.sales)}</th>
                    <th class="num">{t!(i18n, reports.commission)}</th>
                </tr></thead>
                <tbody>
                    {lines.into_iter().map(|l| {
                        let (sales, commission) = (l.sales, l.commission);
                        let label = match (kind, l.label.is_empty()) {
                            (Kind::Link, true) => t_string!(i18n, reports.whole_shop).to_string(),
                            (Kind::Creator, true) => t_string!(i18n, reports.direct).to_string(),
                            (Kind::Creator, false) => format!("@{}", l.label),
                            _ => l.label.clone(),
                        };
                        view! {
                            <tr>
                                <th scope="row">{label} {l.link.clone().map(|code| view! { <span class="muted small">" /r/" {code}</span> })}</th>
                                {link.then(|| view! { <td class="num">{l.clicks}</td> })}
                                <td class="num">{l.orders}</td>
                                {link.then(|| view! { <td class="num">{l.conversion_bp.map(percent).unwrap_or_else(|| "–".into())}</td> })}
                                {units.then(|| view! { <td class="num">{l.units}</td> })}
                                <td class="num">{move || format_money(sales, i18n.get_locale())}</td>
                                <td class="num">{move || format_money(commission, i18n.get_locale())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }.into_any()
}
