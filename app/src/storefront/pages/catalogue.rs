//! The brand catalogue: creators choose products to promote (`/catalogue`), brands list theirs
//! and see who promotes what (`/brand/products`).

use crate::ui::picture::Picture;
use leptos::prelude::*;
use leptos_meta::Title;

use super::desk::{percent, ProductForm};
use crate::i18n::*;
use crate::storefront::api::{brand_products, get_catalogue, PromoteProduct, SaveProduct};
use crate::ui::date::format_date;
use crate::ui::form::{action_error, error_text, list_view, FieldProblem};
use crate::ui::money::format_money;

/// Brand products a creator can add to their shop, with the commission and the clawback rule
/// shown before they do.
#[component]
pub fn CataloguePage() -> impl IntoView {
    let i18n = use_i18n();
    let promote = ServerAction::<PromoteProduct>::new();
    let items = Resource::new(move || promote.version().get(), |_| get_catalogue());
    let errors = action_error(promote);
    view! {
        <Title text=move || t_string!(i18n, shop.catalogue_title).to_string() />
        <header class="page-head">
            <h1>{t!(i18n, shop.catalogue_title)}</h1>
            <p class="muted">{t!(i18n, shop.catalogue_lede)}</p>
            <p class="notice" data-testid="clawback-rule">{t!(i18n, shop.clawback_rule)}</p>
        </header>
        <p class="form-error" role="alert">{move || errors.get().filter(|e| e.problem_for("clawback_understood").is_none()).map(|e| error_text(i18n, &e))}</p>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
            {move || items.get().map(|r| list_view(
                r,
                || view! { <p class="empty card">{t!(i18n, shop.catalogue_empty)}</p> }.into_any(),
                |list| view! {
                    <ul class="found-list" data-testid="catalogue">
                        {list.into_iter().map(|item| {
                            let p = item.product;
                            let price = p.price;
                            let rate = p.commission_bp.unwrap_or(0);
                            let earn = crate::ledger::types::Money::new(crate::storefront::rules::commission(price.minor, rate), price.currency);
                            view! {
                                <li class="card found catalogue-item" data-testid="catalogue-item">
                                    {p.images.first().cloned().map(|src| view! { <Picture class="catalogue-thumb" src=src sizes="96px" width=96 height=96 lazy=true /> })}
                                    <div class="catalogue-body">
                                        <div class="found-head">
                                            <a href=format!("/products/{}", p.id) class="found-name">{p.title.clone()}</a>
                                            <a href=p.seller.href() class="handle">{p.seller.name().to_owned()}</a>
                                        </div>
                                        <p>
                                            <strong>{move || format_money(price, i18n.get_locale())}</strong>
                                            " · " {t!(i18n, shop.commission_of, rate = percent(rate))}
                                            " · " {t!(i18n, shop.you_earn, amount = move || format_money(earn, i18n.get_locale()))}
                                        </p>
                                        <p class="muted small">{t!(i18n, shop.promoters, count = move || item.promoters as u64)}</p>
                                        {if item.in_shop {
                                            view! { <span class="badge campaign-published">{t!(i18n, shop.in_your_shop)}</span> }.into_any()
                                        } else {
                                            view! {
                                                <ActionForm action=promote attr:class="promote-form">
                                                    <input type="hidden" name="product" value=p.id.to_string() />
                                                    <label class="check">
                                                        <input type="checkbox" name="clawback_understood" value="yes" required />
                                                        " " {t!(i18n, shop.clawback_understood)}
                                                    </label>
                                                    <FieldProblem errors name="clawback_understood" />
                                                    <button type="submit" class="btn btn-primary btn-small">{t!(i18n, shop.add_to_shop)}</button>
                                                </ActionForm>
                                            }.into_any()
                                        }}
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            ))}
        </Transition>
    }
}

/// A brand's products: list a new one, and see who promotes each and at what rate.
#[component]
pub fn BrandProductsPage() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveProduct>::new();
    let products = Resource::new(move || save.version().get(), |_| brand_products());
    Effect::new(move |_| {
        if let Some(Ok(id)) = save.value().get() {
            leptos_router::hooks::use_navigate()(
                &format!("/products/{id}/edit"),
                Default::default(),
            );
        }
    });
    view! {
        <Title text=move || t_string!(i18n, shop.brand_title).to_string() />
        <div class="settings">
            <h1>{t!(i18n, shop.brand_title)}</h1>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || products.get().map(|r| list_view(
                    r,
                    || view! { <p class="muted">{t!(i18n, shop.brand_empty)}</p> }.into_any(),
                    |list| view! {
                        <ul class="found-list" data-testid="brand-products">
                            {list.into_iter().map(|bp| {
                                let p = bp.product;
                                let price = p.price;
                                let stock: i64 = p.variants.iter().map(|v| v.stock).sum();
                                view! {
                                    <li class="card found">
                                        <div class="found-head">
                                            <a href=format!("/products/{}", p.id) class="found-name">{p.title.clone()}</a>
                                            <a href=format!("/products/{}/edit", p.id) class="btn btn-ghost btn-small">{t!(i18n, shop.edit)}</a>
                                        </div>
                                        <p>
                                            <strong>{move || format_money(price, i18n.get_locale())}</strong>
                                            " · " {t!(i18n, shop.commission_of, rate = percent(p.commission_bp.unwrap_or(0)))}
                                            " · " {t!(i18n, shop.in_stock, count = stock)}
                                            {(!p.active).then(|| view! { " · " {t!(i18n, shop.withdrawn)} })}
                                        </p>
                                        {if bp.promoters.is_empty() {
                                            view! { <p class="muted small">{t!(i18n, shop.no_promoters)}</p> }.into_any()
                                        } else {
                                            view! {
                                                <details class="why" open>
                                                    <summary>{t!(i18n, shop.promoters, count = { let n = bp.promoters.len() as u64; move || n })}</summary>
                                                    <ul class="promoters" data-testid="promoters">
                                                        {bp.promoters.into_iter().map(|pr| view! {
                                                            <li>
                                                                <a href=format!("/@{}", pr.handle)>{pr.name.clone()}</a>
                                                                " · " {percent(pr.bp)}
                                                                {pr.kept_until.map(|until| view! {
                                                                    <span class="muted small">" " {t!(i18n, shop.kept_until, until = move || format_date(until, i18n.get_locale()))}</span>
                                                                })}
                                                            </li>
                                                        }).collect_view()}
                                                    </ul>
                                                </details>
                                            }.into_any()
                                        }}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                ))}
            </Transition>
            <section class="card settings-section">
                <h2>{t!(i18n, shop.new_product)}</h2>
                <p class="field-hint">{t!(i18n, shop.rate_protection)}</p>
                <ProductForm product=None brand=true action=save />
            </section>
        </div>
    }
}
