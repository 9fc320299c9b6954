use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::CreatorTile;
use crate::accounts::api::featured_creators;
use crate::i18n::*;
use crate::ui::form::error_text;

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
                    <A href="/signup?role=creator" attr:class="btn btn-primary btn-lg">{t!(i18n, home.cta_creator)}</A>
                    <A href="/signup?role=brand" attr:class="btn btn-ghost btn-lg">{t!(i18n, home.cta_brand)}</A>
                </div>
            </div>
            <ul class="pillars">
                <li class="pillar card"><span class="pillar-icon" aria-hidden="true">"🤝"</span><h2>{t!(i18n, home.pillar_deals)}</h2><p>{t!(i18n, home.pillar_deals_text)}</p></li>
                <li class="pillar card"><span class="pillar-icon" aria-hidden="true">"🛍️"</span><h2>{t!(i18n, home.pillar_shops)}</h2><p>{t!(i18n, home.pillar_shops_text)}</p></li>
                <li class="pillar card"><span class="pillar-icon" aria-hidden="true">"🎤"</span><h2>{t!(i18n, home.pillar_live)}</h2><p>{t!(i18n, home.pillar_live_text)}</p></li>
            </ul>
        </section>
        <section class="featured" id="creators">
            <header class="section-head">
                <div>
                    <h2>{t!(i18n, home.featured)}</h2>
                    <p class="muted">{t!(i18n, home.featured_text)}</p>
                </div>
                <A href="/discover" attr:class="btn btn-ghost">{t!(i18n, home.see_all)}</A>
            </header>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || featured.get().map(|r| match r {
                    Ok(cards) => view! {
                        <ul class="creator-grid">
                            {cards.into_iter().map(|card| view! { <CreatorTile card /> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error">{error_text(i18n, &e)}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}
