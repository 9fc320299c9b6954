use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::state_label;
use crate::deals::api::my_deals;
use crate::i18n::*;
use crate::ui::date::format_date;
use crate::ui::form::list_view;
use crate::ui::money::format_money;

/// The viewer's deals.
#[component]
pub fn DealsPage() -> impl IntoView {
    let i18n = use_i18n();
    let deals = Resource::new(|| (), |_| my_deals());
    view! {
        <Title text=move || t_string!(i18n, deals.title).to_string() />
        <header class="page-head"><h1>{t!(i18n, deals.title)}</h1></header>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || deals.get().map(|r| list_view(
                r,
                || view! { <p class="empty card">{t!(i18n, deals.none)}</p> }.into_any(),
                |list| view! {
                    <ul class="found-list" data-testid="deals">
                        {list.into_iter().map(|d| {
                            let (amount, due) = (d.amount, d.due_at);
                            view! {
                                <li class="card found">
                                    <div class="found-head">
                                        <div class="found-id">
                                            <A href=format!("/deals/{}", d.id) attr:class="found-name">{d.counterpart.clone()}</A>
                                            <span class="muted small">{if d.title.is_empty() { t_string!(i18n, deals.direct).to_string() } else { d.title.clone() }}</span>
                                        </div>
                                        <span class=format!("badge deal-{}", d.state.as_str())>{state_label(i18n, d.state)}</span>
                                    </div>
                                    <p class="small">{move || format_money(amount, i18n.get_locale())} " · " {t!(i18n, deals.due)} " " {move || format_date(due, i18n.get_locale())}</p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            ))}
        </Transition>
    }
}
