use leptos::prelude::*;
use leptos_meta::Title;

use super::CreatorGrid;
use crate::accounts::api::featured_creators;
use crate::i18n::*;

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
            {move || creators.get().map(|cards| view! { <CreatorGrid cards /> })}
        </Transition>
    }
}
