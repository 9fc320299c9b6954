//! Pages that belong to no single domain: home, discovery, and the 404 page.

pub mod discover;
pub mod home;
pub mod operator;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::accounts::types::{CreatorCard, Niche};
use crate::error::AppError;
use leptos_i18n::I18nContext;

use crate::i18n::*;
use crate::ui::avatar::Avatar;
use crate::ui::compact_number;
use crate::ui::form::error_text;

/// The 404 page; on the server it also sets the status code.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <Title text=move || t_string!(i18n, not_found.title).to_string() />
        <section class="empty-state">
            <p class="empty-code">"404"</p>
            <h1>{t!(i18n, not_found.title)}</h1>
            <p class="muted">{t!(i18n, not_found.text)}</p>
            <a href="/" class="btn btn-primary">{t!(i18n, not_found.home)}</a>
        </section>
    }
}

pub fn niche_label(i18n: I18nContext<Locale>, niche: Niche) -> AnyView {
    match niche {
        Niche::Fashion => t!(i18n, niches.fashion).into_any(),
        Niche::Beauty => t!(i18n, niches.beauty).into_any(),
        Niche::Gaming => t!(i18n, niches.gaming).into_any(),
        Niche::Tech => t!(i18n, niches.tech).into_any(),
        Niche::Food => t!(i18n, niches.food).into_any(),
        Niche::Travel => t!(i18n, niches.travel).into_any(),
        Niche::Fitness => t!(i18n, niches.fitness).into_any(),
        Niche::Music => t!(i18n, niches.music).into_any(),
        Niche::Comedy => t!(i18n, niches.comedy).into_any(),
        Niche::Education => t!(i18n, niches.education).into_any(),
        Niche::Lifestyle => t!(i18n, niches.lifestyle).into_any(),
        Niche::Family => t!(i18n, niches.family).into_any(),
        Niche::Sport => t!(i18n, niches.sport).into_any(),
        Niche::Art => t!(i18n, niches.art).into_any(),
    }
}

/// Creators as a grid of cards, or what went wrong loading them.
#[component]
pub fn CreatorGrid(cards: Result<Vec<CreatorCard>, AppError>) -> impl IntoView {
    let i18n = use_i18n();
    match cards {
        Ok(cards) if cards.is_empty() => {
            view! { <p class="muted">{t!(i18n, discover.empty)}</p> }.into_any()
        }
        Ok(cards) => view! {
            <ul class="creator-grid">
                {cards.into_iter().map(|card| view! { <CreatorTile card /> }).collect_view()}
            </ul>
        }
        .into_any(),
        Err(e) => view! { <p class="form-error">{error_text(i18n, &e)}</p> }.into_any(),
    }
}

/// A creator's card in a grid, linking to their page.
#[component]
fn CreatorTile(card: CreatorCard) -> impl IntoView {
    let i18n = use_i18n();
    let rising = card.rising;
    view! {
        <li>
            <a href=format!("/@{}", card.handle) class="creator-card card">
                <Avatar name=card.display_name.clone() url=card.avatar_url.clone() size="lg" />
                <span class="creator-name">{card.display_name.clone()}</span>
                <span class="handle">"@"{card.handle.clone()}</span>
                <span class="creator-audience">{move || compact_number(card.audience, i18n.get_locale())} " " {t!(i18n, home.followers)}</span>
                <span class="chips">
                    {card.niches.iter().take(2).map(|n| view! { <span class="chip">{niche_label(i18n, *n)}</span> }).collect_view()}
                </span>
                <Show when=move || rising>
                    <span class="badge badge-rising" title=move || t_string!(i18n, home.rising_why).to_string()>{t!(i18n, home.rising)}</span>
                </Show>
            </a>
        </li>
    }
}
