use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::accounts::api::{get_profile, Follow};
use crate::accounts::types::{Profile, Role};
use crate::deals::pages::ReputationCard;
use crate::error::AppError;
use crate::i18n::*;
use crate::live::pages::EventList;
use crate::market::pages::MarketCard;
use crate::site::{niche_label, NotFound};
use crate::ui::avatar::Avatar;
use crate::ui::form::PageError;
use crate::ui::layout::use_auth;
use crate::ui::{compact_number, is_singular};

/// A creator's public page at `/@handle`. Any other single-segment path is a 404.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let follow = ServerAction::<Follow>::new();
    let handle = move || params.read().get("handle").unwrap_or_default();
    let profile = Resource::new(
        move || (handle(), follow.version().get()),
        |(raw, _)| async move {
            match raw.strip_prefix('@') {
                Some(handle) => get_profile(handle.to_owned()).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || profile.get().map(|p| match p {
                Ok(p) => view! { <ProfileView p follow /> }.into_any(),
                Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                Err(error) => view! { <PageError error /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ProfileView(p: Profile, follow: ServerAction<Follow>) -> impl IntoView {
    let i18n = use_i18n();
    let auth = use_auth();
    let (audience, rising) = (p.audience, p.rising);
    let description = if p.bio.is_empty() {
        t_string!(i18n, site.description).to_owned()
    } else {
        p.bio.clone()
    };
    let followers = p.followers;
    let logged_in = move || auth.user.get().and_then(|u| u.ok().flatten()).is_some();
    let viewer_is_brand = move || {
        auth.user
            .get()
            .and_then(|u| u.ok().flatten())
            .is_some_and(|u| u.role == Role::Brand)
    };
    let handle = p.handle.clone();
    let following = p.viewer_follows;
    let niches = p.niches.clone();
    let networks = p.networks.clone();
    view! {
        <Title text=p.display_name.clone() />
        <Meta name="description" content=description />
        <article class="profile">
            <header class="profile-head card">
                <Avatar name=p.display_name.clone() url=p.avatar_url.clone() size="xl" />
                <div class="profile-id">
                    <h1>{p.display_name.clone()}</h1>
                    <p class="handle">"@"{p.handle.clone()}</p>
                    <p class="profile-badges">
                        <span class="badge">{move || match p.role {
                            Role::Creator => t_string!(i18n, roles.creator).to_string(),
                            Role::Fan => t_string!(i18n, roles.fan).to_string(),
                            Role::Brand => t_string!(i18n, roles.brand).to_string(),
                        }}</span>
                        <Show when=move || rising><span class="badge badge-rising">{t!(i18n, home.rising)}</span></Show>
                    </p>
                </div>
                <div class="profile-actions">
                    <p class="follower-count"><strong data-testid="follower-count">{followers}</strong> " " {move || if is_singular(followers, i18n.get_locale()) {
                        t_string!(i18n, profile.follower).to_string()
                    } else {
                        t_string!(i18n, profile.followers).to_string()
                    }}</p>
                    {move || {
                        if p.viewer_is_owner {
                            view! { <a href="/settings" class="btn btn-ghost">{t!(i18n, profile.edit)}</a> }.into_any()
                        } else if p.role != Role::Creator {
                            ().into_any()
                        } else if viewer_is_brand() {
                            view! { <a href=format!("/deals/new?handle={}", handle) class="btn btn-primary">{t!(i18n, deals.offer)}</a> }.into_any()
                        } else if logged_in() {
                            let handle = handle.clone();
                            view! {
                                <ActionForm action=follow>
                                    <input type="hidden" name="handle" value=handle />
                                    <input type="hidden" name="follow" value=(!following).to_string() />
                                    <button type="submit" class=if following { "btn btn-ghost" } else { "btn btn-primary" }>
                                        {move || if following { t_string!(i18n, profile.unfollow).to_string() } else { t_string!(i18n, profile.follow).to_string() }}
                                    </button>
                                </ActionForm>
                            }.into_any()
                        } else {
                            view! { <a href="/login" class="btn btn-primary">{t!(i18n, profile.follow)}</a> }.into_any()
                        }
                    }}
                    {(p.role == Role::Creator).then(|| view! {
                        <a href=format!("/@{}/shop", p.handle) class="btn btn-ghost">{t!(i18n, profile.shop)}</a>
                    })}
                </div>
            </header>
            <div class="profile-body">
                <section class="card">
                    <h2>{t!(i18n, profile.about)}</h2>
                    {if p.bio.is_empty() {
                        view! { <p class="muted">{t!(i18n, profile.no_bio)}</p> }.into_any()
                    } else {
                        view! { <p class="bio">{p.bio.clone()}</p> }.into_any()
                    }}
                    <ul class="chips" aria-label=move || t_string!(i18n, fields.niches).to_string()>
                        {niches.into_iter().map(|n| view! { <li class="chip">{niche_label(i18n, n)}</li> }).collect_view()}
                    </ul>
                </section>
                {(p.role == Role::Creator).then(|| view! {
                    <section class="card" data-testid="profile-events">
                        <h2>{t!(i18n, nav.live)}</h2>
                        <EventList handle=p.handle.clone() />
                    </section>
                    <MarketCard handle=p.handle.clone() />
                    <ReputationCard handle=p.handle.clone() brand=false />
                })}
                <Show when=move || !networks.is_empty()>
                    <section class="card">
                        <h2>{t!(i18n, profile.audience)}</h2>
                        <ul class="networks">
                            {p.networks.clone().into_iter().map(|n| view! {
                                <li class="network">
                                    <span class="network-name">{n.network.label()}</span>
                                    <span class="network-count">{move || compact_number(n.followers, i18n.get_locale())}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                        <p class="muted small">{t!(i18n, profile.audience_total)} " " {move || compact_number(audience, i18n.get_locale())}</p>
                    </section>
                </Show>
            </div>
        </article>
    }
}
