use leptos::prelude::*;
use leptos_meta::Title;

use super::CreatorTile;
use crate::accounts::api::featured_creators;
use crate::i18n::*;
use crate::ui::form::error_text;

/// Every creator, with rising creators always among the first ones.
#[component]
pub fn DiscoverPage() -> impl IntoView {
    let i18n = use_i18n();
    let creators = Resource::new(|| (), |_| featured_creators(60));
    view! {
        <Title text=move || t_string!(i18n, nav.discover).to_string() />
        <header class="page-head">
            <h1>{t!(i18n, discover.title)}</h1>
            <p class="muted">{t!(i18n, discover.lede)}</p>
        </header>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || creators.get().map(|r| match r {
                Ok(cards) if cards.is_empty() => view! { <p class="muted">{t!(i18n, discover.empty)}</p> }.into_any(),
                Ok(cards) => view! {
                    <ul class="creator-grid">
                        {cards.into_iter().map(|card| view! { <CreatorTile card /> }).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="form-error">{error_text(i18n, &e)}</p> }.into_any(),
            })}
        </Transition>
    }
}
