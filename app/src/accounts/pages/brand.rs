use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::accounts::api::get_brand;
use crate::campaigns::pages::OpenCampaigns;
use crate::deals::pages::ReputationCard;
use crate::error::AppError;
use crate::i18n::*;
use crate::site::NotFound;
use crate::storefront::pages::showcase::BrandShowcase;
use crate::ui::avatar::Avatar;
use crate::ui::form::PageError;

/// A brand's public page at `/brands/{slug}`.
#[component]
pub fn BrandPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let brand = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        get_brand,
    );
    view! {
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || brand.get().map(|b| match b {
                Ok(b) => view! {
                    <Title text=b.company_name.clone() />
                    <article class="profile">
                        <header class="profile-head card">
                            <Avatar name=b.company_name.clone() url=b.avatar_url.clone() size="xl" />
                            <div class="profile-id">
                                <h1>{b.company_name.clone()}</h1>
                                <p class="profile-badges"><span class="badge">{t!(i18n, roles.brand)}</span></p>
                                {(!b.website.is_empty()).then(|| view! {
                                    <p><a href=b.website.clone() rel="nofollow noopener" target="_blank">{b.website.clone()}</a></p>
                                })}
                            </div>
                        </header>
                        <section class="card">
                            <h2>{t!(i18n, profile.about)}</h2>
                            {if b.description.is_empty() {
                                view! { <p class="muted">{t!(i18n, profile.no_bio)}</p> }.into_any()
                            } else {
                                view! { <p class="bio">{b.description.clone()}</p> }.into_any()
                            }}
                        </section>
                        <OpenCampaigns slug=b.slug.clone() />
                        <BrandShowcase slug=b.slug.clone() />
                        <ReputationCard handle=b.slug.clone() brand=true />
                    </article>
                }.into_any(),
                Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                Err(error) => view! { <PageError error /> }.into_any(),
            })}
        </Transition>
    }
}
