//! A brand's products on its public page (`/brands/{slug}`), each leading to the creators'
//! shops that sell it: buying there pays them their commission.

use leptos::prelude::*;

use super::{ProductImage, CARD_SIZES};
use crate::i18n::*;
use crate::storefront::api::brand_showcase;
use crate::ui::form::list_view;
use crate::ui::money::format_money;

#[component]
pub fn BrandShowcase(slug: String) -> impl IntoView {
    let i18n = use_i18n();
    let showcase = Resource::new(move || slug.clone(), brand_showcase);
    view! {
        <section class="card" data-testid="brand-products">
            <h2>{t!(i18n, profile.products)}</h2>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || showcase.get().map(|r| list_view(
                    r,
                    || view! { <p class="muted">{t!(i18n, profile.no_products)}</p> }.into_any(),
                    |list| view! {
                        <ul class="product-grid">
                            {list.into_iter().map(|s| {
                                let p = s.product;
                                // Bought through a creator's shop when one sells it.
                                let href = match s.shops.first() {
                                    Some(shop) => format!("/@{}/shop/{}", shop.handle, p.id),
                                    None => format!("/products/{}", p.id),
                                };
                                let price = p.price;
                                let in_stock = p.in_stock();
                                view! {
                                    <li class="product-card">
                                        <a href=href>
                                            <div class="product-thumb">
                                                <ProductImage image=p.images.first().cloned() title=p.title.clone() sizes=CARD_SIZES size=400 />
                                            </div>
                                            <span class="product-title">{p.title.clone()}</span>
                                        </a>
                                        <p class="product-meta">
                                            <strong>{move || format_money(price, i18n.get_locale())}</strong>
                                            {(!in_stock).then(|| view! { <span class="badge badge-muted">{t!(i18n, shop.sold_out)}</span> })}
                                        </p>
                                        {if s.shops.is_empty() {
                                            view! { <p class="muted small">{t!(i18n, profile.in_no_shop)}</p> }.into_any()
                                        } else {
                                            view! {
                                                <p class="muted small product-shops">
                                                    {t!(i18n, profile.sold_in)} " "
                                                    {s.shops.into_iter().enumerate().map(|(i, shop)| view! {
                                                        {(i > 0).then_some(", ")}
                                                        <a href=format!("/@{}/shop", shop.handle)>{shop.name}</a>
                                                    }).collect_view()}
                                                </p>
                                            }.into_any()
                                        }}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                ))}
            </Transition>
        </section>
    }
}
