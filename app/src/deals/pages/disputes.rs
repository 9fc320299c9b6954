use leptos::prelude::*;
use leptos_meta::Title;

use crate::deals::api::{disputed_deals, SettleDispute};
use crate::i18n::*;
use crate::ui::date::format_date_time;
use crate::ui::form::{action_error, list_view, FormError};
use crate::ui::money::format_money;

/// The operators' list of disputed deals.
#[component]
pub fn DisputesPage() -> impl IntoView {
    let i18n = use_i18n();
    let settle = ServerAction::<SettleDispute>::new();
    let errors = action_error(settle);
    let disputes = Resource::new(move || settle.version().get(), |_| disputed_deals());
    view! {
        <Title text=move || t_string!(i18n, deals.disputes).to_string() />
        <header class="page-head"><h1>{t!(i18n, deals.disputes)}</h1><p class="muted">{t!(i18n, deals.disputes_lede)}</p></header>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || disputes.get().map(|r| list_view(
                r,
                || view! { <p class="empty card">{t!(i18n, deals.no_disputes)}</p> }.into_any(),
                |list| view! {
                    <ul class="found-list" data-testid="disputes">
                        {list.into_iter().map(|d| {
                            let (amount, since) = (d.amount, d.since);
                            view! {
                                <li class="card found">
                                    <p class="found-name">"#" {d.id} " · " {d.brand_name.clone()} " × " {d.creator_name.clone()}</p>
                                    <p class="small">{move || format_money(amount, i18n.get_locale())} " · " {move || format_date_time(since, i18n.get_locale())}</p>
                                    {(!d.reason.is_empty()).then(|| view! { <p class="bio">{d.reason.clone()}</p> })}
                                    <div class="deal-buttons">
                                        <ActionForm action=settle>
                                            <input type="hidden" name="id" value=d.id.to_string() />
                                            <input type="hidden" name="how" value="release" />
                                            <button type="submit" class="btn btn-primary">{t!(i18n, deals.release_to_creator)}</button>
                                        </ActionForm>
                                        <ActionForm action=settle>
                                            <input type="hidden" name="id" value=d.id.to_string() />
                                            <input type="hidden" name="how" value="refund" />
                                            <button type="submit" class="btn btn-ghost">{t!(i18n, deals.refund_brand)}</button>
                                        </ActionForm>
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            ))}
        </Transition>
        <FormError errors fields=&[] />
    }
}
