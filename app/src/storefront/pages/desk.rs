//! What sellers see: the creator's shop desk (`/shop/manage`), the product form shared by
//! creators and brands, and a product's editor with its images (`/products/:id/edit`).

use super::ProductImage;
use crate::ui::picture::Picture;
use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::error::AppError;
use crate::i18n::*;
use crate::storefront::api::{my_product, shop_desk, ChangeShelf, SaveProduct, SetOnSale};
use crate::storefront::rules::{IMAGE_MAX_KIB, MAX_IMAGES, MAX_VARIANTS};
use crate::storefront::types::*;
use crate::ui::date::format_date;
use crate::ui::form::{
    action_error, error_text, problem_text, Field, FormError, PageError, TextArea,
};
use crate::ui::money::format_money;
use crate::ui::share::ShareLink;
use crate::ui::upload::UploadButton;

/// `15 %` from basis points.
pub fn percent(bp: u32) -> String {
    if bp.is_multiple_of(100) {
        format!("{} %", bp / 100)
    } else {
        format!("{:.2} %", f64::from(bp) / 100.0)
    }
}

/// Typed amounts come back as the seller wrote them: `20.00`.
fn amount_text(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

/// The form that writes a product: a new one (`product` is `None`) or an existing one. Brands
/// set a commission; the choices (sizes...) are rows of a name and a stock.
#[component]
pub fn ProductForm(
    product: Option<Product>,
    brand: bool,
    action: ServerAction<SaveProduct>,
) -> impl IntoView {
    let i18n = use_i18n();
    let errors = action_error(action);
    let label = move |key: fn(I18nContext<Locale>) -> String| Signal::derive(move || key(i18n));
    let p = product.clone();
    let value = move |f: fn(&Product) -> String| p.as_ref().map(f).unwrap_or_default();
    let mut rows: Vec<(String, String)> = product
        .as_ref()
        .map(|p| {
            p.variants
                .iter()
                .map(|v| (v.name.clone(), v.stock.to_string()))
                .collect()
        })
        .unwrap_or_default();
    let blanks = if rows.is_empty() { 4 } else { 2 };
    rows.extend((0..blanks).map(|_| (String::new(), String::new())));
    rows.truncate(MAX_VARIANTS);
    let row_problem = move |i: usize| {
        errors.get().and_then(|e| {
            e.problem_for(&format!("variant_name_{i}"))
                .or_else(|| e.problem_for(&format!("variant_stock_{i}")))
        })
    };
    let saved = move || matches!(action.value().get(), Some(Ok(_)));
    view! {
        <ActionForm action attr:class="form product-form">
            {product.as_ref().map(|p| view! { <input type="hidden" name="id" value=p.id.to_string() /> })}
            <Field name="title" label=label(|i| t_string!(i, shop.field_title).to_string()) errors value=value(|p| p.title.clone()) required=true />
            <TextArea name="description" label=label(|i| t_string!(i, shop.field_description).to_string()) errors maxlength=4000 rows=4 value=value(|p| p.description.clone()) />
            <div class="form-grid">
                <Field name="price" label=label(|i| t_string!(i, shop.field_price).to_string()) errors inputmode="decimal" prefix="€" required=true value=value(|p| amount_text(p.price.minor)) />
                <Field name="shipping" label=label(|i| t_string!(i, shop.field_shipping).to_string()) errors inputmode="decimal" prefix="€" value=value(|p| amount_text(p.shipping.minor)) />
                {brand.then(|| view! {
                    <Field name="commission" label=label(|i| t_string!(i, shop.field_commission).to_string()) errors inputmode="decimal" required=true
                        value=value(|p| p.commission_bp.map(|bp| format!("{}", f64::from(bp) / 100.0)).unwrap_or_default())
                        hint=label(|i| t_string!(i, shop.commission_hint).to_string()) />
                })}
            </div>
            <fieldset class="variants">
                <legend>{t!(i18n, shop.variants)}</legend>
                <p class="field-hint">{t!(i18n, shop.variants_hint)}</p>
                <div class="variant-head" aria-hidden="true"><span>{t!(i18n, shop.variant_name)}</span><span>{t!(i18n, shop.stock)}</span></div>
                {rows.into_iter().enumerate().map(|(i, (name, stock))| view! {
                    <div class="variant-row" class:field-invalid=move || row_problem(i).is_some()>
                        <input name="variant_names[]" value=name aria-label=move || format!("{} {}", t_string!(i18n, shop.variant_name), i + 1) placeholder=move || t_string!(i18n, shop.variant_placeholder).to_string() />
                        <input name="variant_stocks[]" value=stock inputmode="numeric" aria-label=move || format!("{} {}", t_string!(i18n, shop.stock), i + 1) data-testid=format!("stock-{i}") />
                        <p class="field-error" role="alert">{move || row_problem(i).map(|p| problem_text(i18n, p))}</p>
                    </div>
                }).collect_view()}
            </fieldset>
            <FormError errors fields=&["title", "description", "price", "shipping", "commission"] />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || action.pending().get()>{t!(i18n, shop.save_product)}</button>
                <Show when=saved><span class="saved" role="status">{t!(i18n, shop.saved)}</span></Show>
            </div>
        </ActionForm>
    }
}

/// The creator's shop: what it shows and in which order, the links to share, their products.
#[component]
pub fn ShopDeskPage() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveProduct>::new();
    let shelf = ServerAction::<ChangeShelf>::new();
    let desk = Resource::new(
        move || (save.version().get(), shelf.version().get()),
        |_| shop_desk(),
    );
    // A new product opens in its editor, where its images are added.
    Effect::new(move |_| {
        if let Some(Ok(id)) = save.value().get() {
            leptos_router::hooks::use_navigate()(
                &format!("/products/{id}/edit"),
                Default::default(),
            );
        }
    });
    let shelf_errors = action_error(shelf);
    view! {
        <Title text=move || t_string!(i18n, shop.desk_title).to_string() />
        <div class="settings">
            <h1>{t!(i18n, shop.desk_title)}</h1>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || desk.get().map(|r| match r {
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(desk) => view! { <Desk desk shelf /> }.into_any(),
                })}
            </Transition>
            <p class="form-error" role="alert">{move || shelf_errors.get().map(|e| error_text(i18n, &e))}</p>
            <section class="card settings-section">
                <h2>{t!(i18n, shop.new_product)}</h2>
                <ProductForm product=None brand=false action=save />
            </section>
        </div>
    }
}

#[component]
fn Desk(desk: Desk, shelf: ServerAction<ChangeShelf>) -> impl IntoView {
    let i18n = use_i18n();
    let handle = desk.handle.clone();
    view! {
        <section class="card settings-section">
            <div class="found-head">
                <h2>{t!(i18n, shop.your_shop)}</h2>
                <a href=format!("/@{handle}/shop") class="btn btn-ghost">{t!(i18n, shop.see_shop)}</a>
                <a href="/catalogue" class="btn btn-ghost">{t!(i18n, shop.browse_catalogue)}</a>
            </div>
            <p class="field-hint">{t!(i18n, shop.share_shop)}</p>
            <p><ShareLink url=desk.shop_link.clone() testid="shop-link" /></p>
            {if desk.items.is_empty() {
                view! { <p class="muted">{t!(i18n, shop.desk_empty)}</p> }.into_any()
            } else {
                let last = desk.items.len() - 1;
                view! {
                    <ol class="shelf" data-testid="shelf">
                        {desk.items.into_iter().enumerate().map(|(i, item)| {
                            let id = item.product.id;
                            let price = item.product.price;
                            let stock: i64 = item.product.variants.iter().map(|v| v.stock).sum();
                            let mine = item.rate.is_none();
                            let button = move |action: ShelfAction, text: AnyView, class: &'static str| view! {
                                <ActionForm action=shelf>
                                    <input type="hidden" name="product" value=id.to_string() />
                                    <input type="hidden" name="action" value=match action {
                                        ShelfAction::Publish => "publish",
                                        ShelfAction::Unpublish => "unpublish",
                                        ShelfAction::Up => "up",
                                        ShelfAction::Down => "down",
                                        ShelfAction::Remove => "remove",
                                    } />
                                    <button type="submit" class=class>{text}</button>
                                </ActionForm>
                            };
                            view! {
                                <li class="shelf-item" data-testid="shelf-item">
                                    <div class="shelf-thumb">
                                        <ProductImage image=item.product.images.first().cloned() title=item.product.title.clone() sizes="56px" size=56 />
                                    </div>
                                    <div class="shelf-main">
                                        <strong>{item.product.title.clone()}</strong>
                                        <span class="muted small">
                                            {move || format_money(price, i18n.get_locale())}
                                            " · " {t!(i18n, shop.in_stock, count = stock)}
                                            {(!item.product.active).then(|| view! { " · " {t!(i18n, shop.withdrawn)} })}
                                        </span>
                                        {item.rate.map(|rate| view! {
                                            <span class="small">
                                                {t!(i18n, shop.your_commission, rate = percent(rate.bp))}
                                                {rate.kept_until.map(|until| view! {
                                                    " " <span class="badge availability-open">{t!(i18n, shop.rate_kept, until = move || format_date(until, i18n.get_locale()), current = percent(rate.current_bp))}</span>
                                                })}
                                            </span>
                                        })}
                                        <span class="small">{t!(i18n, shop.link)} " " <ShareLink url=item.link.clone() /></span>
                                    </div>
                                    <div class="shelf-actions">
                                        <span class=if item.published { "badge campaign-published" } else { "badge campaign-draft" }>
                                            {if item.published { t!(i18n, shop.published).into_any() } else { t!(i18n, shop.hidden).into_any() }}
                                        </span>
                                        {(i > 0).then(|| button(ShelfAction::Up, "↑".into_any(), "btn btn-ghost btn-small"))}
                                        {(i < last).then(|| button(ShelfAction::Down, "↓".into_any(), "btn btn-ghost btn-small"))}
                                        {if item.published {
                                            button(ShelfAction::Unpublish, t!(i18n, shop.unpublish).into_any(), "btn btn-ghost btn-small")
                                        } else {
                                            button(ShelfAction::Publish, t!(i18n, shop.publish).into_any(), "btn btn-primary btn-small")
                                        }}
                                        {if mine {
                                            view! { <a href=format!("/products/{id}/edit") class="btn btn-ghost btn-small">{t!(i18n, shop.edit)}</a> }.into_any()
                                        } else {
                                            button(ShelfAction::Remove, t!(i18n, shop.remove).into_any(), "btn btn-ghost btn-small").into_any()
                                        }}
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

/// A seller's product editor: its details, stock and images, and whether it is on sale.
#[component]
pub fn ProductEditPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let save = ServerAction::<SaveProduct>::new();
    let on_sale = ServerAction::<SetOnSale>::new();
    let uploads = RwSignal::new(0u32);
    let product = Resource::new(
        move || {
            (
                params
                    .read()
                    .get("id")
                    .and_then(|id| id.parse::<i64>().ok()),
                save.version().get(),
                on_sale.version().get(),
                uploads.get(),
            )
        },
        |(id, ..)| async move {
            match id {
                Some(id) => my_product(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let auth = crate::ui::layout::use_auth();
    let brand = move || {
        auth.user
            .get()
            .and_then(|u| u.ok().flatten())
            .is_some_and(|u| u.role == crate::accounts::types::Role::Brand)
    };
    view! {
        <Title text=move || t_string!(i18n, shop.edit_title).to_string() />
        <div class="settings">
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || product.get().map(|r| match r {
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(p) => {
                        let id = p.id;
                        let active = p.active;
                        let back = if brand() { "/brand/products" } else { "/shop/manage" };
                        view! {
                            <p class="breadcrumb"><a href=back>{t!(i18n, shop.back)}</a></p>
                            <h1>{p.title.clone()}</h1>
                            <section class="card settings-section">
                                <h2>{t!(i18n, shop.images)}</h2>
                                <ul class="product-more-images" data-testid="product-images">
                                    {p.images.iter().map(|src| view! { <li><Picture src=src.clone() sizes="88px" width=120 height=120 /></li> }).collect_view()}
                                </ul>
                                {(p.images.len() < MAX_IMAGES).then(|| view! {
                                    <UploadButton
                                        path=crate::storefront::images_path(id)
                                        id="product-image"
                                        label=Signal::derive(move || t_string!(i18n, shop.add_image).to_string())
                                        accept="image/png,image/jpeg,image/webp,image/gif"
                                        uploads
                                        max_kib=IMAGE_MAX_KIB
                                        error_id="image-error"
                                    >
                                        {t!(i18n, shop.image_hint, max_mib = IMAGE_MAX_KIB / 1024, max = MAX_IMAGES)}
                                    </UploadButton>
                                })}
                            </section>
                            <section class="card settings-section">
                                <h2>{t!(i18n, shop.details)}</h2>
                                <ProductForm product=Some(p.clone()) brand=p.commission_bp.is_some() action=save />
                            </section>
                            <section class="card settings-section">
                                <ActionForm action=on_sale>
                                    <input type="hidden" name="id" value=id.to_string() />
                                    <input type="hidden" name="on_sale" value=(!active).to_string() />
                                    <p class="muted">{if active { t!(i18n, shop.on_sale_text).into_any() } else { t!(i18n, shop.withdrawn_text).into_any() }}</p>
                                    <button type="submit" class="btn btn-ghost">{if active { t!(i18n, shop.withdraw).into_any() } else { t!(i18n, shop.put_back).into_any() }}</button>
                                </ActionForm>
                            </section>
                        }.into_any()
                    }
                })}
            </Transition>
        </div>
    }
}
