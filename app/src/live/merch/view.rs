//! Pinned merch on the event page (each product with its own buy form, which works before the
//! WASM arrives) and the host's pins in the studio.

use crate::ui::picture::Picture;
use leptos::prelude::*;

use super::api::{merch_choices, BuyMerch, PinMerch};
use crate::i18n::*;
use crate::live::rules::MAX_PINNED;
use crate::storefront::types::Product;
use crate::ui::form::{action_error, error_text, Field, FormError, PageError, TextArea};
use crate::ui::money::format_money;

/// The products the host pinned to event `event`, if any, each bought without leaving the page.
#[component]
pub fn PinnedMerch(
    event: i64,
    host_name: String,
    merch: Vec<Product>,
    hosting: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    (!merch.is_empty()).then(|| {
        view! {
            <section class="card event-offer event-merch" data-testid="merch">
                <h2>{t!(i18n, live.merch)}</h2>
                <p class="muted small">{t!(i18n, live.merch_lede, name = host_name)}</p>
                <ul class="merch-list">
                    {merch.into_iter().map(|p| view! { <MerchItem event p hosting /> }).collect_view()}
                </ul>
            </section>
        }
    })
}

#[component]
fn MerchItem(event: i64, p: Product, hosting: bool) -> impl IntoView {
    let i18n = use_i18n();
    let auth = crate::ui::layout::use_auth();
    let signed_in = move || auth.user.get().and_then(|u| u.ok().flatten()).is_some();
    let buy = ServerAction::<BuyMerch>::new();
    let errors = action_error(buy);
    // One piece per purchase: the total the page shows is the one the server checks.
    let total = p.price_of_one();
    let (price, shipping) = (p.price, p.shipping);
    let choices: Vec<_> = p.variants.iter().filter(|v| v.stock > 0).cloned().collect();
    let in_stock = p.active && !choices.is_empty();
    let product = p.id;
    let field_id = move |name: &str| format!("merch-{product}-{name}");
    let choice = move || {
        match choices.as_slice() {
        [only] if only.name.is_empty() => {
            view! { <input type="hidden" name="variant" value=only.id.to_string() /> }.into_any()
        }
        _ => view! {
            <div class="field">
                <label for=field_id("variant")>{t!(i18n, live.choice)}</label>
                <select id=field_id("variant") name="variant">
                    {choices.iter().map(|v| view! { <option value=v.id.to_string()>{v.name.clone()}</option> }).collect_view()}
                </select>
            </div>
        }
        .into_any(),
    }
    };
    let form = move || {
        view! {
            <ActionForm action=buy attr:class="form merch-form">
                <input type="hidden" name="id" value=event.to_string() />
                <input type="hidden" name="total" value=total.minor.to_string() />
                {choice()}
                <Field name="ship_name" id=field_id("ship_name") label=Signal::derive(move || t_string!(i18n, live.ship_name).to_string()) errors autocomplete="name" required=true />
                <TextArea name="ship_address" id=field_id("ship_address") label=Signal::derive(move || t_string!(i18n, live.ship_address).to_string()) errors rows=2 maxlength=500 required=true />
                <FormError errors fields=&["ship_name", "ship_address"] />
                <button type="submit" class="btn btn-primary" disabled=move || buy.pending().get()>
                    {t!(i18n, live.pay_wallet, amount = move || format_money(total, i18n.get_locale()))}
                </button>
                <p class="muted small">{if shipping.minor == 0 {
                    t!(i18n, shop.free_shipping).into_any()
                } else {
                    t!(i18n, live.incl_shipping, shipping = move || format_money(shipping, i18n.get_locale())).into_any()
                }}</p>
                {move || errors.get().filter(|e| e.problem_for("pay").is_some()).map(|_| view! {
                    <p class="small"><a href="/wallet">{t!(i18n, live.top_up)}</a></p>
                })}
            </ActionForm>
        }
    };
    let buying = match (in_stock, hosting) {
        (false, _) => view! { <p class="muted small">{t!(i18n, live.out_of_stock)}</p> }.into_any(),
        (true, true) => ().into_any(),
        (true, false) => view! {
            <Show when=signed_in fallback=move || view! { <a href="/login" class="btn btn-ghost btn-small">{t!(i18n, live.login_to_buy)}</a> }>
                {move || match buy.value().get() {
                    Some(Ok(bought)) => view! {
                        <p class="merch-bought" role="status" data-testid="merch-bought">
                            {t!(i18n, live.bought, product = bought.title.clone())} " "
                            <a href=format!("/checkout/{}", bought.checkout)>{t!(i18n, live.see_order)}</a>
                        </p>
                    }.into_any(),
                    _ => ().into_any(),
                }}
                // Bought: the form folds away under the confirmation.
                <details class="merch-buy" class:merch-buy-done=move || matches!(buy.value().get(), Some(Ok(_)))>
                    <summary class="btn btn-primary btn-small">{t!(i18n, live.buy)}</summary>
                    {form.clone()()}
                </details>
            </Show>
        }
        .into_any(),
    };
    view! {
        <li class="merch-item" data-testid="merch-item">
            <div class="merch-head">
                {p.images.first().map(|src| view! { <Picture src=src.clone() sizes="72px" width=72 height=72 lazy=true /> })}
                <div class="merch-what">
                    <strong>{p.title.clone()}</strong>
                    <span>{move || format_money(price, i18n.get_locale())}</span>
                </div>
            </div>
            {buying}
        </li>
    }
}

/// The studio's list of the host's shop products, each pinned to event `id` or not.
#[component]
pub fn MerchPins(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let pin = ServerAction::<PinMerch>::new();
    let errors = action_error(pin);
    let choices = Resource::new(move || pin.version().get(), move |_| merch_choices(id));
    view! {
        <section class="card merch-pins" data-testid="merch-pins">
            <h2>{t!(i18n, live.merch_pins)}</h2>
            <p class="field-hint">{t!(i18n, live.merch_pins_hint, max = MAX_PINNED)}</p>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, common.loading)}</p> }>
                {move || choices.get().map(|r| match r {
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(list) if list.is_empty() => view! {
                        <p class="muted">{t!(i18n, live.merch_none)} " " <a href="/shop/manage">{t!(i18n, live.open_shop)}</a></p>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="pin-list">
                            {list.into_iter().map(|c| view! {
                                <li class="pin-line" class:pinned=c.pinned>
                                    {c.image.map(|src| view! { <Picture src=src sizes="40px" width=40 height=40 lazy=true /> })}
                                    <span class="pin-title">{c.title.clone()}</span>
                                    <span class="muted small">{move || format_money(c.price, i18n.get_locale())}</span>
                                    <ActionForm action=pin attr:class="inline-form">
                                        <input type="hidden" name="id" value=id.to_string() />
                                        <input type="hidden" name="product" value=c.product.to_string() />
                                        <input type="hidden" name="on" value=(!c.pinned).to_string() />
                                        <button type="submit" class="btn btn-ghost btn-small" aria-pressed=c.pinned.to_string()>
                                            {if c.pinned { t!(i18n, live.unpin).into_any() } else { t!(i18n, live.pin).into_any() }}
                                        </button>
                                    </ActionForm>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                })}
            </Transition>
            <p class="field-error" role="alert">{move || errors.get().map(|e| error_text(i18n, &e))}</p>
        </section>
    }
}
