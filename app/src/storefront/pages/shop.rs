//! What buyers see: a creator's shop (`/@handle/shop`) and a product, in a shop
//! (`/@handle/shop/:id`) or on its own (`/products/:id`).

use crate::ui::picture::Picture;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{ProductImage, CARD_SIZES};
use crate::error::AppError;
use crate::i18n::*;
use crate::orders::api::AddToCart;
use crate::storefront::api::{get_product, get_shop, get_shop_product};
use crate::storefront::types::*;
use crate::ui::avatar::Avatar;
use crate::ui::form::{action_error, FieldProblem, PageError};
use crate::ui::money::format_money;

fn handle_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| {
        params
            .read()
            .get("handle")
            .unwrap_or_default()
            .trim_start_matches('@')
            .to_owned()
    })
}

/// A creator's shop: their published products and the brand products they chose.
#[component]
pub fn ShopPage() -> impl IntoView {
    let i18n = use_i18n();
    let handle = handle_param();
    let shop = Resource::new(move || handle.get(), get_shop);
    view! {
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || shop.get().map(|r| match r {
                Ok(shop) => view! { <ShopView shop /> }.into_any(),
                Err(AppError::NotFound) => view! { <crate::site::NotFound /> }.into_any(),
                Err(error) => view! { <PageError error /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ShopView(shop: Shop) -> impl IntoView {
    let i18n = use_i18n();
    let handle = shop.handle.clone();
    let title = shop.name.clone();
    view! {
        <Title text=move || format!("{} · {}", t_string!(i18n, shop.title), title) />
        <header class="shop-head">
            <Avatar name=shop.name.clone() url=shop.avatar_url.clone() size="lg" />
            <div>
                <h1>{t!(i18n, shop.shop_of, name = shop.name.clone())}</h1>
                <a href=format!("/@{handle}") class="handle">"@" {handle.clone()}</a>
            </div>
        </header>
        {if shop.items.is_empty() {
            view! { <p class="empty card">{t!(i18n, shop.empty)}</p> }.into_any()
        } else {
            view! {
                <ul class="product-grid" data-testid="shop-items">
                    {shop.items.into_iter().map(|item| {
                        let href = format!("/@{}/shop/{}", shop.handle, item.id);
                        let price = item.price;
                        view! {
                            <li class="product-card">
                                <a href=href>
                                    <div class="product-thumb">
                                        <ProductImage image=item.image.clone() title=item.title.clone() sizes=CARD_SIZES size=400 />
                                    </div>
                                    <span class="product-title">{item.title.clone()}</span>
                                </a>
                                <p class="product-meta">
                                    <strong>{move || format_money(price, i18n.get_locale())}</strong>
                                    {item.brand.clone().map(|b| view! { <span class="muted small">" · " {b}</span> })}
                                    {(!item.in_stock).then(|| view! { <span class="badge badge-muted">{t!(i18n, shop.sold_out)}</span> })}
                                </p>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

/// A product in a creator's shop, or on its own when the route has no handle.
#[component]
pub fn ProductPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let handle = handle_param();
    let found = Resource::new(
        move || {
            (
                handle.get(),
                params
                    .read()
                    .get("id")
                    .and_then(|id| id.parse::<i64>().ok()),
            )
        },
        |(handle, id)| async move {
            match (handle.is_empty(), id) {
                (_, None) => Err(AppError::NotFound),
                (true, Some(id)) => get_product(id).await,
                (false, Some(id)) => get_shop_product(handle, id).await,
            }
        },
    );
    view! {
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || found.get().map(|r| match r {
                Ok(p) => view! { <ProductView p /> }.into_any(),
                Err(AppError::NotFound) => view! { <crate::site::NotFound /> }.into_any(),
                Err(error) => view! { <PageError error /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ProductView(p: ShopProduct) -> impl IntoView {
    let i18n = use_i18n();
    let product = p.product;
    let add = ServerAction::<AddToCart>::new();
    let errors = action_error(add);
    // The header's cart count follows what was added.
    let auth = crate::ui::layout::use_auth();
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(()))) {
            auth.refresh();
        }
    });
    let added = move || matches!(add.value().get(), Some(Ok(())));
    let (price, shipping) = (product.price, product.shipping);
    let on_sale = product.in_stock();
    let first_image = product.images.first().cloned();
    let more_images = product.images.iter().skip(1).cloned().collect::<Vec<_>>();
    let shop_handle = p.shop.as_ref().map(|(h, _)| h.clone()).unwrap_or_default();
    let single = product.variants.len() == 1 && product.variants[0].name.is_empty();
    let seller_href = product.seller.href();
    view! {
        <Title text=product.title.clone() />
        {p.shop.clone().map(|(handle, name)| view! {
            <p class="breadcrumb"><a href=format!("/@{handle}/shop")>{t!(i18n, shop.shop_of, name = name.clone())}</a></p>
        })}
        <article class="product-page">
            <div class="product-gallery">
                {match first_image {
                    Some(src) => view! { <Picture class="product-main-image" src=src alt=product.title.clone() sizes="(min-width: 1200px) 560px, (min-width: 820px) 50vw, 100vw" width=640 height=640 /> }.into_any(),
                    None => view! { <div class="product-main-image product-placeholder" aria-hidden="true">{product.title.chars().next().unwrap_or('?').to_string()}</div> }.into_any(),
                }}
                {(!more_images.is_empty()).then(|| view! {
                    <ul class="product-more-images">
                        {more_images.into_iter().map(|src| view! { <li><Picture src=src sizes="88px" width=120 height=120 lazy=true /></li> }).collect_view()}
                    </ul>
                })}
            </div>
            <div class="product-info card">
                <h1>{product.title.clone()}</h1>
                <p class="muted">{t!(i18n, shop.sold_by)} " " <a href=seller_href>{product.seller.name().to_owned()}</a></p>
                <p class="product-price" data-testid="price">{move || format_money(price, i18n.get_locale())}</p>
                <p class="muted small">{move || if shipping.minor == 0 {
                    t_string!(i18n, shop.free_shipping).to_string()
                } else {
                    format!("{} {}", t_string!(i18n, shop.shipping), format_money(shipping, i18n.get_locale()))
                }}</p>
                {if on_sale {
                    view! {
                        <ActionForm action=add attr:class="form add-to-cart">
                            <input type="hidden" name="shop" value=shop_handle.clone() />
                            {if single {
                                view! { <input type="hidden" name="variant" value=product.variants[0].id.to_string() /> }.into_any()
                            } else {
                                view! {
                                    <div class="field">
                                        <label for="field-variant">{t!(i18n, shop.choice)}</label>
                                        <select id="field-variant" name="variant">
                                            {product.variants.iter().map(|v| {
                                                let label = if v.stock == 0 { format!("{} — {}", v.name, t_string!(i18n, shop.sold_out)) } else { v.name.clone() };
                                                view! { <option value=v.id.to_string() disabled=v.stock == 0>{label}</option> }
                                            }).collect_view()}
                                        </select>
                                    </div>
                                }.into_any()
                            }}
                            <div class="field field-narrow">
                                <label for="field-quantity">{t!(i18n, shop.quantity)}</label>
                                <input id="field-quantity" name="quantity" type="number" min="1" max="99" value="1" inputmode="numeric" />
                                <FieldProblem errors name="quantity" />
                            </div>
                            <div class="form-actions">
                                <button type="submit" class="btn btn-primary" disabled=move || add.pending().get()>{t!(i18n, shop.add_to_cart)}</button>
                                <Show when=added>
                                    <span class="saved" role="status">{t!(i18n, shop.added)} " " <a href="/cart">{t!(i18n, shop.view_cart)}</a></span>
                                </Show>
                            </div>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! { <p class="notice">{t!(i18n, shop.sold_out_long)}</p> }.into_any()
                }}
                <div class="product-description">{product.description.clone()}</div>
            </div>
        </article>
    }
}
