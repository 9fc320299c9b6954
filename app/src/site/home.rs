use leptos::prelude::*;
use leptos_meta::Title;

use super::CreatorGrid;
use crate::accounts::api::featured_creators;
use crate::i18n::*;

// Outline icons (24px grid, stroke only) for the three jobs of the product.
const DEALS: &str = "M8 11l3 3 5-6M4 6h16v12H4z";
const SHOP: &str = "M5 8h14l-1 12H6L5 8zm4 0V6a3 3 0 016 0v2";
const LIVE: &str = "M12 3a3 3 0 013 3v5a3 3 0 01-6 0V6a3 3 0 013-3zm-6 8a6 6 0 0012 0M12 17v4";

#[component]
fn Icon(path: &'static str) -> impl IntoView {
    view! {
        <svg class="pillar-icon" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
            <path d=path fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
        </svg>
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let featured = Resource::new(|| (), |_| featured_creators(8));
    view! {
        <Title text="" />
        <section class="hero">
            <div class="hero-text">
                <p class="eyebrow">{t!(i18n, home.eyebrow)}</p>
                <h1>{t!(i18n, home.title)}</h1>
                <p class="lede">{t!(i18n, home.lede)}</p>
                <div class="hero-actions">
                    <a href="/signup?role=creator" class="btn btn-primary btn-lg">{t!(i18n, home.cta_creator)}</a>
                    <a href="/signup?role=brand" class="btn btn-ghost btn-lg">{t!(i18n, home.cta_brand)}</a>
                </div>
            </div>
            <ul class="pillars">
                <li class="pillar card"><Icon path=DEALS /><h2>{t!(i18n, home.pillar_deals)}</h2><p>{t!(i18n, home.pillar_deals_text)}</p></li>
                <li class="pillar card"><Icon path=SHOP /><h2>{t!(i18n, home.pillar_shops)}</h2><p>{t!(i18n, home.pillar_shops_text)}</p></li>
                <li class="pillar card"><Icon path=LIVE /><h2>{t!(i18n, home.pillar_live)}</h2><p>{t!(i18n, home.pillar_live_text)}</p></li>
            </ul>
        </section>
        <section class="featured" id="live">
            <header class="section-head">
                <h2>{t!(i18n, live.home_title)}</h2>
                <a href="/live" class="btn btn-ghost">{t!(i18n, nav.live)}</a>
            </header>
            <crate::live::pages::EventList />
        </section>
        <section class="featured" id="creators">
            <header class="section-head">
                <div>
                    <h2>{t!(i18n, home.featured)}</h2>
                    <p class="muted">{t!(i18n, home.featured_text)}</p>
                </div>
                <a href="/discover" class="btn btn-ghost">{t!(i18n, home.see_all)}</a>
            </header>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || featured.get().map(|cards| view! { <CreatorGrid cards /> })}
            </Transition>
        </section>
    }
}
